// The commit queue over a store that commits asynchronously (the real store behind a gate): a batch is
// acknowledged only once its append settles, later updates wait until then and are committed in queue order, a
// rejected append reports the error to each update, and idle() waits for the batch being written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommitQueue } from '../../server/collab/commit-queue';
import { RoomStore, type RoomStorage } from '../../server/collab/room-store';
import { openDb, type OpenedDb } from '../../server/db/client';
import { eventually } from '../fixtures/server';
import { testDbConfig } from '../fixtures/test-database';

type Batch = readonly { room: string; update: Uint8Array }[];

/** The real store; each append waits until the test settles it (commit or failure). */
class HeldStore implements RoomStorage {
	readonly held: { batch: Batch; commit: () => void; fail: (err: Error) => void }[] = [];
	constructor(private readonly real: RoomStore) {}
	load = (room: string) => this.real.load(room);
	saveSnapshot = (room: string, state: Uint8Array) => this.real.saveSnapshot(room, state);
	appendMany(batch: Batch): Promise<number[]> {
		return new Promise((resolve, reject) =>
			this.held.push({ batch, commit: () => resolve(this.real.appendMany(batch)), fail: reject })
		);
	}
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const update = (n: number) => Uint8Array.of(n);

let dir: string;
let opened: OpenedDb;
let store: HeldStore;
let queue: CommitQueue;
const logs: Record<string, unknown>[] = [];

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'concord-commit-queue-'));
	opened = await openDb(await testDbConfig(dir));
	store = new HeldStore(new RoomStore(opened));
	queue = new CommitQueue(
		store,
		pino({ level: 'error' }, { write: (line: string) => void logs.push(JSON.parse(line)) })
	);
});

afterEach(async () => {
	await opened.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('commit queue with an asynchronous store', () => {
	it('acknowledges a batch only after its append settles, and commits the next batch after it, in order', async () => {
		const acks: { n: number; id: number | null }[] = [];
		const ack = (n: number) => (id: number | null) => void acks.push({ n, id });
		queue.enqueue('r', update(1), ack(1));
		queue.enqueue('r', update(2), ack(2));
		await turn();
		expect(store.held.map((h) => h.batch.length)).toEqual([2]);
		queue.enqueue('r', update(3), ack(3));
		await turn();
		queue.flush();
		// Update 3 waits for the batch in flight: committing it first could put it before 1 and 2 in the log.
		expect(store.held).toHaveLength(1);
		expect(acks).toEqual([]);

		let idle = false;
		const settled = queue.idle().then(() => (idle = true));
		store.held[0].commit();
		// The next batch reaches the store once the first is acknowledged (a network database takes a while).
		await eventually(() => store.held.length === 2, 5000, 'the next batch');
		expect(acks.map((a) => a.n)).toEqual([1, 2]);
		expect(store.held).toHaveLength(2);
		expect(idle).toBe(false);
		store.held[1].commit();
		await settled;
		expect(acks.map((a) => a.n)).toEqual([1, 2, 3]);
		const ids = acks.map((a) => a.id!);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		expect((await new RoomStore(opened).load('r')).updates.map((u) => u[0])).toEqual([1, 2, 3]);
	});

	it('reports a rejected append to every update of the batch, and keeps committing later ones', async () => {
		const results: [number, number | null, unknown][] = [];
		queue.enqueue('r', update(1), (id, err) => void results.push([1, id, err]));
		await turn();
		store.held[0].fail(new Error('disk full'));
		await queue.idle();
		expect(results).toEqual([[1, null, expect.objectContaining({ message: 'disk full' })]]);
		expect(logs.some((l) => /could not store room updates/.test(String(l.msg)))).toBe(true);

		queue.enqueue('r', update(2), (id, err) => void results.push([2, id, err]));
		await turn();
		store.held[1].commit();
		await queue.idle();
		expect(results[1]).toEqual([2, expect.any(Number), null]);
	});
});
