// Room compaction with several nodes writing one room (two stores on two connections to one record): a node that
// compacts with its own view of the room never drops an update another node appended meanwhile, compactions
// running at once on both nodes lose nothing, and what a load returns is always the whole room.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomStore } from '../../server/collab/room-store';
import { openDb, rows, type OpenedDb } from '../../server/db/client';
import { sql } from 'drizzle-orm';
import { onPostgres, testDbConfig } from '../fixtures/test-database';

let dir: string;
let nodes: OpenedDb[] = [];
let a: RoomStore;
let b: RoomStore;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), 'concord-compaction-'));
	const config = await testDbConfig(dir);
	// Two nodes are two pools on PostgreSQL. SQLite is one node: two connections in one process would block each
	// other's event loop, so both stores share one connection there (the merge rules are the same).
	nodes = onPostgres ? [await openDb(config), await openDb(config)] : [await openDb(config)];
	a = new RoomStore(nodes[0]);
	b = new RoomStore(nodes[nodes.length - 1]);
});

afterEach(async () => {
	await Promise.all(nodes.map((n) => n.close()));
	rmSync(dir, { recursive: true, force: true });
});

/** A client editing the room: each call appends one word and returns that change as an update. */
function writer(name: string) {
	const doc = new Y.Doc();
	return (word: string) => {
		let update: Uint8Array | null = null;
		const take = (u: Uint8Array) => (update = u);
		doc.on('update', take);
		doc.getArray<string>('words').push([`${name}:${word}`]);
		doc.off('update', take);
		return update!;
	};
}

async function wordsIn(store: RoomStore, room: string): Promise<string[]> {
	const stored = await store.load(room);
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const u of stored.updates) Y.applyUpdate(doc, u);
	return doc.getArray<string>('words').toArray().sort();
}

const logCount = async (node: OpenedDb, room: string) =>
	(await rows<{ n: number }>(node.db, sql`select count(*) as n from doc_updates where room = ${room}`))[0].n;

describe('room compaction across nodes', () => {
	it('keeps an update another node appended that the compacting node has not seen', async () => {
		const room = 'session:c1';
		const ana = writer('ana');
		const ben = writer('ben');
		// Node A serves Ana and knows only her changes.
		const seenByA = new Y.Doc();
		for (const w of ['one', 'two']) {
			const u = ana(w);
			await a.appendMany([{ room, update: u }]);
			Y.applyUpdate(seenByA, u);
		}
		// Node B appends Ben's change; A has not received it yet when it compacts.
		await b.appendMany([{ room, update: ben('three') }]);
		await a.saveSnapshot(room, Y.encodeStateAsUpdate(seenByA));
		expect(await wordsIn(b, room)).toEqual(['ana:one', 'ana:two', 'ben:three']);
		expect(await logCount(nodes[0], room)).toBe(0);
	});

	it('loses nothing when both nodes compact while both append', async () => {
		const room = 'item:c2';
		const ana = writer('ana');
		const ben = writer('ben');
		const docA = new Y.Doc();
		const docB = new Y.Doc();
		const expected: string[] = [];
		const work: Promise<unknown>[] = [];
		for (let i = 0; i < 40; i++) {
			const ua = ana(`a${i}`);
			const ub = ben(`b${i}`);
			expected.push(`ana:a${i}`, `ben:b${i}`);
			Y.applyUpdate(docA, ua);
			Y.applyUpdate(docB, ub);
			work.push(a.appendMany([{ room, update: ua }]), b.appendMany([{ room, update: ub }]));
			if (i % 10 === 9)
				work.push(a.saveSnapshot(room, Y.encodeStateAsUpdate(docA)), b.saveSnapshot(room, Y.encodeStateAsUpdate(docB)));
		}
		await Promise.all(work);
		expect(await wordsIn(a, room)).toEqual(expected.sort());
		// A last compaction folds whatever was left: the state is whole and in the snapshot alone.
		await b.saveSnapshot(room, Y.encodeStateAsUpdate(docB));
		expect(await logCount(nodes[0], room)).toBe(0);
		expect(await wordsIn(a, room)).toEqual(expected.sort());
	});
});
