// Who presents a credential, remembered for a moment by each node. Every REST request, WebSocket upgrade and event
// stream check asks (db/users.ts callerFor, the one rule), and on PostgreSQL the lookup is a round trip of its own:
// a third of an autosave's. Guarantees:
// - only a credential that signed someone in is remembered (an unknown, expired or refused one is looked up every
//   time), for at most `ttlMs` (CONCORD_CREDENTIAL_CACHE_MS, 1 s by default; 0 turns the cache off) and never past
//   the session's or token's own expiry;
// - after a commit that ends a credential or changes an account, `changed()` forgets every answer on this node at
//   once and on the other nodes when the bus delivers its order. The order is published before the sockets'
//   `disconnect` and the streams' poke, and the bus keeps one node's orders in sequence, so a node that closes a
//   socket or re-checks a stream has already forgotten;
// - a lookup that began before a `changed()` does not keep its answer (it may have read the record before the
//   commit);
// - after a bus outage a node forgets everything (the orders published meanwhile are lost). A change written to
//   the record by something other than a Concord server (a script) is seen within `ttlMs`.
// Remembered callers are frozen: one request cannot change what another is handed.
import type { ClusterBus } from './cluster/bus';
import type { Caller, Credentials, Remember } from './db/users';
import type { CredentialFilter, RoomWriter } from './domain/ports';

/** More than this many remembered credentials at once: the expired go, and if that is not enough, all. */
const MAX_ENTRIES = 10_000;

/** callerFor (db/users.ts) over this node's record, its lookups made through `remember`. */
export type FindCaller = (credentials: Credentials, remember: Remember) => Promise<Caller | 'invalid' | null>;

export class CallerCache {
	readonly #entries = new Map<string, { caller: Caller; until: number }>();
	/** Bumped by every forgetting: a lookup that saw another value when it began keeps nothing. */
	#generation = 0;

	constructor(
		private readonly find: FindCaller,
		private readonly bus: Pick<ClusterBus, 'onControl' | 'onReconnect' | 'publishControl'>,
		private readonly ttlMs: number,
		private readonly now: () => number = Date.now
	) {
		bus.onControl((m) => {
			if (m.type === 'credentials') this.#forget();
		});
		bus.onReconnect(() => this.#forget());
	}

	/** Who presents these credentials (callerFor's rule), from this node's memory when it is fresh. */
	callerFor(credentials: Credentials): Promise<Caller | 'invalid' | null> {
		return this.find(credentials, this.#remember);
	}

	/** Call once a change to credentials or accounts is committed: every node forgets what it remembered. */
	changed(): void {
		this.#forget();
		this.bus.publishControl({ type: 'credentials' });
	}

	#forget(): void {
		this.#generation++;
		this.#entries.clear();
	}

	readonly #remember: Remember = async (key, load) => {
		const now = this.now();
		const hit = this.#entries.get(key);
		if (hit && hit.until > now) return hit.caller;
		if (hit) this.#entries.delete(key);
		const generation = this.#generation;
		const found = await load();
		if (!found || this.ttlMs <= 0 || generation !== this.#generation) return found?.caller;
		const caller = Object.freeze({ ...found.caller, user: Object.freeze({ ...found.caller.user }) }) as Caller;
		if (this.#entries.size >= MAX_ENTRIES) this.#sweep(now);
		this.#entries.set(key, { caller, until: Math.min(now + this.ttlMs, found.expiresAt ?? Infinity) });
		return caller;
	};

	#sweep(now: number): void {
		for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
		if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
	}
}

/**
 * After a commit that ended these credentials (signed out, a token deleted, sessions ended, an account
 * deactivated): no node signs anyone in with them any more, and their sockets close on every node.
 */
export function credentialsEnded(
	deps: { callers: CallerCache; rooms: RoomWriter },
	ended: readonly CredentialFilter[]
): void {
	if (!ended.length) return;
	deps.callers.changed();
	for (const which of ended) deps.rooms.disconnect(which);
}
