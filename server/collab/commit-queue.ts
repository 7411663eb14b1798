// Group commit for room updates: updates queued during one turn of the event loop are appended to the store in a
// single transaction at the end of that turn (setImmediate), then each one's callback runs, in queue order, with
// its log id or the store error. Nothing is acknowledged (broadcast) before its transaction has committed.
import type { Logger } from '../logger';
import type { RoomStore } from './room-store';

export type Committed = (id: number | null, err: unknown) => void;

interface Entry {
	room: string;
	update: Uint8Array;
	done: Committed;
}

export class CommitQueue {
	#entries: Entry[] = [];
	#scheduled: ReturnType<typeof setImmediate> | null = null;

	constructor(
		private readonly store: RoomStore,
		private readonly logger: Logger
	) {}

	get size(): number {
		return this.#entries.length;
	}

	enqueue(room: string, update: Uint8Array, done: Committed): void {
		this.#entries.push({ room, update, done });
		this.#scheduled ??= setImmediate(() => this.flush());
	}

	/** Commits everything queued now (also called at shutdown). */
	flush(): void {
		if (this.#scheduled) clearImmediate(this.#scheduled);
		this.#scheduled = null;
		const batch = this.#entries;
		if (batch.length === 0) return;
		this.#entries = [];
		let ids: number[] | null = null;
		let failure: unknown = null;
		try {
			ids = this.store.appendMany(batch);
		} catch (err) {
			failure = err;
			this.logger.error({ err, updates: batch.length, rooms: [...new Set(batch.map((e) => e.room))] }, 'could not store room updates');
		}
		for (let i = 0; i < batch.length; i++) {
			try {
				batch[i].done(ids ? ids[i] : null, failure);
			} catch (err) {
				this.logger.error({ err, room: batch[i].room }, 'room commit callback failed');
			}
		}
	}
}
