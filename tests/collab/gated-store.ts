// A room store for tests of what happens while a commit is pending: the real store, except that every append waits
// until the test calls release() (or open(), after which appends commit at once); and gatedServer(), which gives a
// test file a collaboration server over such a store, releasing what a failed test left held and closing the
// clients it opened.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RoomStore, type RoomStorage, type StoredRoom } from '../../server/collab/room-store';
import { removeDataDir, startCollabServer, type Client, type CollabServer, type RawClient } from './fixture';

type Batch = readonly { room: string; update: Uint8Array }[];

/** The real store, except that appendMany commits only when the test calls release(). */
class GatedStore implements RoomStorage {
	readonly held: { batch: Batch; resolve: (ids: number[]) => void; reject: (err: unknown) => void }[] = [];
	/** Rooms of every batch committed so far, in order. */
	readonly committed: string[] = [];
	/** Once open (at teardown), appends commit at once. */
	#open = false;

	constructor(private readonly real: RoomStore) {}

	load(room: string): Promise<StoredRoom> {
		return this.real.load(room);
	}

	saveSnapshot(room: string, state: Uint8Array): Promise<void> {
		return this.real.saveSnapshot(room, state);
	}

	appendMany(batch: Batch): Promise<number[]> {
		if (this.#open) return this.real.appendMany(batch);
		return new Promise((resolve, reject) => this.held.push({ batch, resolve, reject }));
	}

	async open(): Promise<void> {
		this.#open = true;
		await this.release();
	}

	/** Commits every held batch to the store, in order, then acknowledges it. */
	async release(): Promise<void> {
		for (const { batch, resolve, reject } of this.held.splice(0)) {
			try {
				const ids = await this.real.appendMany(batch);
				this.committed.push(...batch.map((e) => e.room));
				resolve(ids);
			} catch (err) {
				reject(err);
			}
		}
	}
}

export interface GatedServer {
	server: CollabServer;
	gate: GatedStore;
	/** Clients the tests opened, closed after the file's last test. */
	clients: Client[];
	raws: RawClient[];
}

/** Registers the hooks of a test file that runs one collaboration server over a gated store. */
export function gatedServer(): GatedServer {
	const gated = { clients: [], raws: [] } as unknown as GatedServer;
	beforeAll(async () => {
		gated.server = await startCollabServer({
			roomStore: (database) => (gated.gate = new GatedStore(new RoomStore(database)))
		});
	});
	// A test that fails while a batch is held must not leave it held for the next one.
	afterEach(() => gated.gate.release());
	afterAll(async () => {
		await gated.gate?.open();
		for (const c of gated.clients) c.destroy();
		for (const r of gated.raws) r.ws.terminate();
		await gated.server?.close();
		if (gated.server) removeDataDir(gated.server);
	});
	return gated;
}
