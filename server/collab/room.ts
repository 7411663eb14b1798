// One loaded room: its Y.Doc, presence, connections and persistence. Guarantees:
// - every change to the document (client or server) is committed to the store (group commit, see
//   commit-queue.ts) before it is broadcast, and is broadcast once to every connection except the one it came
//   from; sync replies wait for pending commits, so nobody sees a change that is not yet durable;
// - what a turn of the event loop commits (or receives relayed) goes out together once that turn's commits are
//   done: merged per recipient into at most one frame per connection (outgoing-updates.ts), so a burst from many
//   writers costs one merge and one frame per socket, not one frame per change per socket;
// - a change that cannot be stored stays in memory and is not broadcast; the room becomes unsaved, its author is
//   told (a connection is closed with 4500, a server write rejects), and the room retries by writing a full
//   snapshot; once that succeeds the held-back changes are broadcast. An unsaved room is never unloaded;
// - the log is compacted into a snapshot in the background, `compactDelayMs` after it passes `compactAfterUpdates`
//   updates or `compactAfterBytes` bytes.
//   Compactions of a room run one after another; changes committed while one is being written stay in the log
//   (and in the counts) for the next one.
// - across nodes: a change this node committed is handed to `relay` after the commit (with its broadcast); a change
//   another node committed and relayed is applied with the RELAYED origin and broadcast here, never stored or
//   relayed again. One that arrives while the room loads is applied before the stored state (CRDT updates commute).
// Lifecycle (driven by the registry): loading → active → draining (no clients, grace timer) → unloaded.
import * as Y from 'yjs';
import type { Logger } from '../logger';
import type { CollabOptions } from './options';
import { serverDoc, type RoomStorage } from './room-store';
import type { CommitQueue } from './commit-queue';
import { Connection } from './connection';
import { RELAYED, RoomAwareness } from './room-awareness';
import type { RoomTraffic } from '../cluster/bus';
import { encodeSyncStep2, isEmptyStateVector, syncStep2Of } from './protocol';
import { CLOSE_CODES } from './close-codes';
import { updateFrame, wireFrame, type WireFrame } from './wire-frame';
import { mergeTurn, type OutgoingUpdate } from './outgoing-updates';

export type RoomState = 'loading' | 'active' | 'draining' | 'unloaded';

/** Transaction origin of one server-side write (rooms.update); learns whether its change was stored. */
export class ServerWrite {
	failure: unknown = null;
}

export class Room {
	state: RoomState = 'loading';
	readonly doc = serverDoc();
	readonly conns = new Set<Connection>();
	readonly awareness: RoomAwareness;
	/** Server writes in progress; the room does not unload while > 0. */
	pins = 0;
	/** Changes applied in memory and queued for commit; the room does not unload while > 0. */
	inflight = 0;
	graceTimer: ReturnType<typeof setTimeout> | null = null;
	logCount = 0;
	logBytes = 0;
	/** Hands committed changes and presence to the other nodes serving this room (null: this node alone). */
	relay: ((kind: RoomTraffic, payload: Uint8Array) => void) | null = null;
	/** Changes applied in memory that the store has not accepted, held back from clients until it does. */
	readonly unsent: Uint8Array[] = [];
	#committedWaiters: (() => void)[] = [];
	/**
	 * The whole document as one update while it has not changed: the answer to a client that has nothing (every
	 * first sync), encoded once instead of once per joining client. A room loaded from a snapshot alone starts
	 * with the snapshot's bytes, which are that update (room-store.ts writes Y.encodeStateAsUpdate).
	 */
	#wholeState: Uint8Array | null = null;
	/** Changes committed (or relayed) in this turn, sent together once its commits are done (see #sendTurn). */
	#outgoing: OutgoingUpdate<Connection>[] = [];
	#compactTimer: ReturnType<typeof setTimeout> | null = null;
	/** Depth of write() calls in progress (the update listener is registered while > 0). */
	#writes = 0;
	/** The compaction being written (settles, never rejects); the next one starts after it. */
	#compaction: Promise<void> = Promise.resolve();
	#retryTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		readonly name: string,
		private readonly store: RoomStorage,
		private readonly commits: CommitQueue,
		private readonly opts: CollabOptions,
		private readonly logger: Logger
	) {
		this.awareness = new RoomAwareness(this.doc, opts, (frame) => this.broadcast(frame, null));
		this.awareness.relay = (update) => this.relay?.('awareness', update);
	}

	get unsaved(): boolean {
		return this.unsent.length > 0;
	}

	/** Needs a flush before unloading: unstored changes or a log not yet folded into the snapshot. */
	get dirty(): boolean {
		return this.unsaved || this.logCount > 0;
	}

	/** Rebuilds the document from snapshot + log, then starts persisting; compacts a long log soon after. */
	async load(): Promise<void> {
		const stored = await this.store.load(this.name);
		if (this.state !== 'loading') return;
		this.doc.transact(() => {
			if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
			for (const update of stored.updates) Y.applyUpdate(this.doc, update);
		}, 'load');
		this.logCount = stored.updates.length;
		this.logBytes = stored.logBytes;
		if (stored.updates.length === 0) this.#wholeState = stored.snapshot;
		this.state = 'active';
		if (this.#logIsLong()) this.#compactSoon();
	}

	/**
	 * Applies what the store holds that this node has not seen (after the bus lost messages during an outage);
	 * the difference is broadcast like a relayed change.
	 */
	async catchUp(): Promise<void> {
		if (this.state !== 'active' && this.state !== 'draining') return;
		const stored = await this.store.load(this.name);
		if ((this.state as RoomState) === 'unloaded') return;
		this.write(() => {
			if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
			for (const update of stored.updates) Y.applyUpdate(this.doc, update);
		}, RELAYED);
	}

	/** A change or presence another node accepted (and, for a change, committed). */
	receiveRelayed(kind: RoomTraffic, payload: Uint8Array): void {
		if (this.state === 'unloaded') return;
		if (kind === 'awareness') this.awareness.applyRelayed(payload);
		else this.write(() => Y.applyUpdate(this.doc, payload), RELAYED);
	}

	/**
	 * Changes the document in one transaction (a server write, a relayed change, or anything else than a client
	 * update): Yjs encodes what the transaction changed, which is committed (unless relayed) and broadcast. Only
	 * during such a write does the document have an update listener: Yjs encodes every transaction's update (three
	 * passes over the state vector, a walk of its structs) whenever one is registered, and a client update needs
	 * none of that (see applyClientUpdate).
	 */
	write(fn: () => void, origin: unknown): void {
		// Nested writes join the outer transaction, whose update Yjs emits when the outer one ends.
		if (this.#writes++ === 0) this.doc.on('update', this.#onUpdate);
		try {
			this.doc.transact(fn, origin);
		} finally {
			if (--this.#writes === 0) this.doc.off('update', this.#onUpdate);
		}
	}

	/**
	 * Applies a client update the write guard has checked (nothing in it stays pending) and commits and broadcasts
	 * it as received, when it changed the document: it carries new structs (`fresh`, from the guard) or deleted
	 * something. Bytes the document already had may ride along; applying them again is a no-op for everyone.
	 */
	applyClientUpdate(update: Uint8Array, author: Connection, fresh: boolean): void {
		let changed = fresh;
		this.doc.transact((tr) => {
			Y.applyUpdate(this.doc, update, author);
			changed ||= tr.deleteSet.clients.size > 0;
		}, author);
		if (changed) this.#onUpdate(update, author);
	}

	#onUpdate = (update: Uint8Array, origin: unknown) => {
		this.#wholeState = null;
		if (origin === RELAYED) {
			this.#send(update, null);
			return;
		}
		this.inflight++;
		if (this.unsaved) {
			// Earlier changes are still held back: keep the order, and try to persist everything as one snapshot.
			// The change counts as in flight until that attempt ends, so a server write learns its outcome.
			this.unsent.push(update);
			void this.#trySnapshot().then((err) => {
				if (err !== null) this.#fail(origin, err);
				this.#settled();
			});
			return;
		}
		this.commits.enqueue(this.name, update, (id, err) => this.#committed(update, origin, id, err));
	};

	#committed(update: Uint8Array, origin: unknown, id: number | null, err: unknown): void {
		if (id === null || this.unsaved) {
			this.unsent.push(update);
			this.#fail(origin, err ?? new Error('an earlier change of this room is not stored yet'));
			this.#scheduleRetry(this.opts.storeRetryMs);
		} else {
			this.logCount++;
			this.logBytes += update.byteLength;
			this.#send(update, origin instanceof Connection ? origin : null);
			this.relay?.('update', update);
			if (this.#logIsLong()) this.#compactSoon();
		}
		this.#settled();
	}

	/** One change in flight has been stored or given up on; wakes the waiters once none is left. */
	#settled(): void {
		this.inflight--;
		if (this.inflight === 0) for (const resolve of this.#committedWaiters.splice(0)) resolve();
	}

	/** The author of a change that could not be stored learns it: a client is disconnected (it will resync). */
	#fail(origin: unknown, err: unknown): void {
		if (origin instanceof ServerWrite) origin.failure = err;
		else if (origin instanceof Connection) {
			this.logger.error(
				{ err, room: this.name, user: origin.user.id },
				'could not store a room update; keeping it in memory'
			);
			origin.close(CLOSE_CODES.internal, 'The update could not be stored; reconnect to retry');
		}
	}

	/** Runs `fn` once every change applied so far is committed (at once if none is pending). */
	afterCommit(fn: () => void): void {
		if (this.inflight === 0) fn();
		else this.#committedWaiters.push(fn);
	}

	committed(): Promise<void> {
		return new Promise((resolve) => this.afterCommit(resolve));
	}

	/** The sync step 2 for a client with this state vector (throws → 4400 when it is malformed). */
	syncStep2(stateVector: Uint8Array): Uint8Array {
		if (!isEmptyStateVector(stateVector)) return encodeSyncStep2(this.doc, stateVector);
		return syncStep2Of((this.#wholeState ??= Y.encodeStateAsUpdate(this.doc)));
	}

	/** Sends one message to every connection but `except`, framed once for all of them. */
	broadcast(message: Uint8Array, except: Connection | null): void {
		if (this.conns.size === 0 || (this.conns.size === 1 && this.conns.has(except!))) return;
		const frame = wireFrame(message);
		for (const conn of this.conns) if (conn !== except) conn.sendFrame(frame);
	}

	/**
	 * Queues a durable change for this turn's broadcast. The commit queue acknowledges a whole batch synchronously,
	 * so a microtask runs once every change of the batch is queued, without waiting for another turn.
	 */
	#send(update: Uint8Array, author: Connection | null): void {
		this.#outgoing.push({ update, author });
		if (this.#outgoing.length === 1) queueMicrotask(this.#sendTurn);
	}

	/** Sends this turn's changes: one merged frame per connection, nobody's own change back to them. */
	#sendTurn = () => {
		const turn = this.#outgoing;
		this.#outgoing = [];
		if (this.state === 'unloaded' || this.conns.size === 0) return;
		// An author that has left is an author no more: its changes go to everybody.
		for (const entry of turn) if (entry.author && !this.conns.has(entry.author)) entry.author = null;
		const { all, without } = mergeTurn(turn);
		let shared: WireFrame | null = null;
		for (const conn of this.conns) {
			if (!without.has(conn)) conn.sendFrame((shared ??= updateFrame(all)));
			else {
				const others = without.get(conn);
				if (others) conn.sendFrame(updateFrame(others));
			}
		}
	};

	#logIsLong(): boolean {
		return this.logCount >= this.opts.compactAfterUpdates || this.logBytes >= this.opts.compactAfterBytes;
	}

	#compactSoon(): void {
		if (this.#compactTimer) return;
		this.#compactTimer = setTimeout(() => {
			this.#compactTimer = null;
			if (this.state === 'unloaded' || !this.#logIsLong()) return;
			this.compact().catch((err: unknown) =>
				this.logger.error({ err, room: this.name }, 'room compaction failed; the update log is kept')
			);
		}, this.opts.compactDelayMs);
		this.#compactTimer.unref();
	}

	/**
	 * Writes the whole document as the room's snapshot, dropping the log it covers; rejects on store failure.
	 * Starts after the compaction in progress, if any.
	 */
	compact(): Promise<void> {
		const run = this.#compaction.then(() => this.#compactNow());
		this.#compaction = run.catch(() => {});
		return run;
	}

	/** Settles once the compaction in progress, if any, has been written or has failed. */
	compacted(): Promise<void> {
		return this.#compaction;
	}

	async #compactNow(): Promise<void> {
		if (this.state === 'unloaded') return;
		const started = performance.now();
		const state = Y.encodeStateAsUpdate(this.doc);
		// What this snapshot covers; changes committed or held back while it is written are left for the next one.
		const folded = this.logCount;
		const foldedBytes = this.logBytes;
		const held = this.unsent.length;
		await this.store.saveSnapshot(this.name, state);
		this.logCount -= folded;
		this.logBytes -= foldedBytes;
		this.logger.debug(
			{ room: this.name, folded, bytes: state.byteLength, ms: Math.round(performance.now() - started) },
			'room compacted'
		);
		if (held > 0) {
			const merged = Y.mergeUpdates(this.unsent.splice(0, held));
			this.logger.info({ room: this.name }, 'room store recovered; held-back changes sent');
			this.#send(merged, null);
			this.relay?.('update', merged);
		}
	}

	/** Tries to persist everything as a snapshot; resolves to the error, or null once the room is saved. */
	async #trySnapshot(): Promise<unknown> {
		try {
			await this.compact();
			return null;
		} catch (err) {
			this.logger.error({ err, room: this.name, held: this.unsent.length }, 'room store still failing');
			return err;
		}
	}

	#scheduleRetry(delayMs: number): void {
		if (this.#retryTimer) return;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (this.state === 'unloaded' || !this.unsaved) return;
			void this.#trySnapshot().then((err) => {
				if (err !== null && this.state !== 'unloaded') this.#scheduleRetry(Math.min(delayMs * 2, 30_000));
			});
		}, delayMs);
		this.#retryTimer.unref();
	}

	destroy(): void {
		if (this.state === 'unloaded') return;
		this.state = 'unloaded';
		if (this.graceTimer) clearTimeout(this.graceTimer);
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		if (this.#compactTimer) clearTimeout(this.#compactTimer);
		this.#compactTimer = null;
		this.graceTimer = null;
		this.#retryTimer = null;
		this.#outgoing = [];
		this.awareness.destroy();
		this.doc.destroy();
	}
}
