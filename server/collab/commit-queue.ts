// Group commit for room updates: updates queued during one turn of the event loop are appended to the store in a
// single transaction at the end of that turn (setImmediate), then each one's callback runs, in queue order, with
// its log id or the store error. Nothing is acknowledged (broadcast) before its transaction has committed.
// The record's store answers with a promise (on SQLite too: a batch waits while a drizzle transaction holds the
// connection), which is awaited; while its batch is being written later updates wait in the queue, so batches
// commit and are acknowledged in queue order. A store that answers synchronously is acknowledged at once.
import type { Logger } from '../logger';
import type { RoomStorage } from './room-store';

export type Committed = (id: number | null, err: unknown) => void;

interface Entry {
	room: string;
	update: Uint8Array;
	done: Committed;
}

export class CommitQueue {
	#entries: Entry[] = [];
	#scheduled: ReturnType<typeof setImmediate> | null = null;
	/** The batch an asynchronous store is still writing; settles (never rejects) once its callbacks have run. */
	#writing: Promise<void> | null = null;

	constructor(
		private readonly store: RoomStorage,
		private readonly logger: Logger
	) {}

	get size(): number {
		return this.#entries.length;
	}

	enqueue(room: string, update: Uint8Array, done: Committed): void {
		this.#entries.push({ room, update, done });
		if (!this.#writing) this.#scheduled ??= setImmediate(() => this.flush());
	}

	/** Commits everything queued now (also called at shutdown); with a batch still being written, after it. */
	flush(): void {
		if (this.#scheduled) clearImmediate(this.#scheduled);
		this.#scheduled = null;
		const batch = this.#entries;
		if (batch.length === 0 || this.#writing) return;
		this.#entries = [];
		let ids: number[] | Promise<number[]>;
		try {
			ids = this.store.appendMany(batch);
		} catch (err) {
			this.#settle(batch, null, err);
			return;
		}
		if (Array.isArray(ids)) {
			this.#settle(batch, ids, null);
			return;
		}
		this.#writing = ids
			.then(
				(written) => this.#settle(batch, written, null),
				(err: unknown) => this.#settle(batch, null, err)
			)
			.finally(() => {
				this.#writing = null;
				this.flush();
			});
	}

	/** Resolves once no batch is being written (at once with a synchronous store). */
	async idle(): Promise<void> {
		while (this.#writing) await this.#writing;
	}

	#settle(batch: Entry[], ids: number[] | null, failure: unknown): void {
		if (!ids)
			this.logger.error(
				{ err: failure, updates: batch.length, rooms: [...new Set(batch.map((e) => e.room))] },
				'could not store room updates'
			);
		for (let i = 0; i < batch.length; i++) {
			try {
				batch[i].done(ids ? ids[i] : null, failure);
			} catch (err) {
				this.logger.error({ err, room: batch[i].room }, 'room commit callback failed');
			}
		}
	}
}
