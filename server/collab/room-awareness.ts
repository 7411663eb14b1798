// Presence for one room on top of y-protocols' Awareness, with the server's rules: a connection may only set the
// awareness client id it owns (the first unowned id it announces with a state; re-announcing an id owned by
// another connection of the same user moves it, as after a reconnect), states are size-limited and stamped with
// the connection's real user id and name (no one can appear as someone else), each connection is rate-limited
// (updates beyond its budget wait for the next flush; only the newest per id is kept), and every change is
// coalesced and broadcast once per flush to all connections, the sender included (y-websocket clients treat
// their own echo as a sign of life). Entries for ids a connection does not own — y-websocket clients echo every
// peer's state back — are dropped. When a connection leaves, the states it owned are removed and broadcast.
// Across nodes: the changes made by this node's connections are handed to `relay` once per flush (the states of
// the ids that changed); states relayed from other nodes are applied with the RELAYED origin, broadcast to this
// node's connections, and never relayed again. A dead node's states expire after y-protocols' 30 s timeout.
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import {
	encodeAwareness,
	encodeAwarenessEntries,
	parseAwarenessState,
	parseAwarenessUpdate,
	type AwarenessEntry
} from './protocol';
import type { Connection } from './connection';
import type { AwarenessLimits } from './protocol';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Presence shows who someone really is: user.id and user.name come from the authenticated connection. */
function stampIdentity(state: unknown, conn: Connection): unknown {
	if (!isRecord(state)) return state;
	const user = isRecord(state.user) ? state.user : {};
	return { ...state, user: { ...user, id: conn.user.id, name: conn.user.name } };
}

/** Origin of presence that another node relayed. */
export const RELAYED = Symbol('relayed');

export class RoomAwareness {
	readonly awareness: Awareness;
	/** Hands this node's presence changes to the other nodes (set by the registry with a shared bus). */
	relay: ((update: Uint8Array) => void) | null = null;
	readonly #owners = new Map<number, Connection>();
	readonly #changed = new Set<number>();
	/** Ids whose state this node's connections changed since the last flush, for `relay`. */
	readonly #outbound = new Set<number>();
	readonly #deferred = new Set<Connection>();
	#timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | null = null;

	constructor(
		doc: Y.Doc,
		private readonly opts: AwarenessLimits & { awarenessFlushMs: number },
		private readonly broadcast: (message: Uint8Array) => void
	) {
		this.awareness = new Awareness(doc);
		this.awareness.setLocalState(null);
		this.awareness.on(
			'update',
			({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>, origin: unknown) => {
				// 'timeout': y-protocols dropped a state nobody renewed; every node does that on its own.
				const local = origin !== RELAYED && origin !== 'timeout';
				for (const ids of [added, updated, removed])
					for (const id of ids) {
						this.#changed.add(id);
						if (local) this.#outbound.add(id);
					}
				this.#schedule();
			}
		);
	}

	/** Applies the entries this connection may set; throws (→ 4400/4413) on malformed or oversized messages. */
	receive(conn: Connection, update: Uint8Array): void {
		const accepted: AwarenessEntry[] = [];
		for (const entry of parseAwarenessUpdate(update, this.opts)) {
			// States are parsed only when needed: the JSON of entries this connection may not set (the echo of every
			// peer, or a flood of foreign ids) costs nothing but skipping its bytes.
			let parsed: { state: unknown } | null = null;
			const stateOf = () => (parsed ??= { state: parseAwarenessState(entry.json) }).state;
			if (!this.#mayWrite(conn, entry.clientId, stateOf)) continue;
			const state = stampIdentity(stateOf(), conn);
			// Awareness applies only clocks above the known one (unknown counts as 0), so a new client's first state
			// (clock 0), a returning client's old clock, or a state that differs from its stamped copy would not
			// show. The server is authoritative for what it relays: it moves such a state past the known clock; the
			// owner adopts the relayed copy, and its echo of it (same clock, same state) is dropped here.
			const known = this.awareness.meta.get(entry.clientId)?.clock ?? 0;
			let clock = entry.clock;
			if (state !== null && clock <= known) {
				const current = this.awareness.states.get(entry.clientId);
				if (current !== undefined && JSON.stringify(current) === JSON.stringify(state)) continue;
				clock = known + 1;
			}
			accepted.push({ clientId: entry.clientId, clock, state });
		}
		if (accepted.length === 0) return;
		if (conn.awarenessBudget.take()) {
			applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), conn);
			return;
		}
		for (const entry of accepted) {
			const waiting = conn.deferredAwareness.get(entry.clientId);
			if (!waiting || waiting.clock <= entry.clock) conn.deferredAwareness.set(entry.clientId, entry);
		}
		this.#deferred.add(conn);
		this.#schedule();
	}

	#mayWrite(conn: Connection, clientId: number, stateOf: () => unknown): boolean {
		const owner = this.#owners.get(clientId);
		if (owner === conn) return true;
		if (owner && owner.user.id !== conn.user.id) return false;
		if (!owner && conn.awarenessIds.size > 0) return false;
		if (stateOf() === null) return false;
		owner?.awarenessIds.delete(clientId);
		this.#owners.set(clientId, conn);
		conn.awarenessIds.add(clientId);
		return true;
	}

	/** Every current state, for a joining connection or a query-awareness message; null when nobody is present. */
	encodeAll(): Uint8Array | null {
		const ids = [...this.awareness.getStates().keys()];
		return ids.length === 0 ? null : encodeAwareness(encodeAwarenessUpdate(this.awareness, ids));
	}

	removeConnection(conn: Connection): void {
		this.#deferred.delete(conn);
		conn.deferredAwareness.clear();
		const ids = [...conn.awarenessIds].filter((id) => this.#owners.get(id) === conn);
		for (const id of ids) this.#owners.delete(id);
		conn.awarenessIds.clear();
		if (ids.length > 0) removeAwarenessStates(this.awareness, ids, conn);
	}

	#schedule(): void {
		if (this.#timer !== null) return;
		this.#timer =
			this.opts.awarenessFlushMs > 0
				? setTimeout(() => this.flush(), this.opts.awarenessFlushMs)
				: setImmediate(() => this.flush());
	}

	/** Applies deferred updates (newest per id) and broadcasts everything that changed since the last flush. */
	flush(): void {
		this.#timer = null;
		for (const conn of this.#deferred) {
			const entries = [...conn.deferredAwareness.values()].filter((e) => this.#owners.get(e.clientId) === conn);
			conn.deferredAwareness.clear();
			if (entries.length > 0) applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(entries), conn);
		}
		this.#deferred.clear();
		if (this.#outbound.size > 0) {
			const mine = [...this.#outbound].filter((id) => this.awareness.meta.has(id));
			this.#outbound.clear();
			if (this.relay && mine.length > 0) this.relay(encodeAwarenessUpdate(this.awareness, mine));
		}
		if (this.#changed.size === 0) return;
		const ids = [...this.#changed].filter((id) => this.awareness.meta.has(id));
		this.#changed.clear();
		if (ids.length > 0) this.broadcast(encodeAwareness(encodeAwarenessUpdate(this.awareness, ids)));
	}

	/** Applies presence relayed by another node (already checked there); broadcast at the next flush. */
	applyRelayed(update: Uint8Array): void {
		applyAwarenessUpdate(this.awareness, update, RELAYED);
	}

	destroy(): void {
		if (this.#timer !== null) {
			clearTimeout(this.#timer as ReturnType<typeof setTimeout>);
			clearImmediate(this.#timer as ReturnType<typeof setImmediate>);
		}
		this.#timer = null;
		this.awareness.destroy();
	}
}
