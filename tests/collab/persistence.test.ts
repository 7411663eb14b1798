// Durability of room documents: a graceful restart, a kill -9 of a server child process while a client is writing
// (every update another client had received survives), and a store failure that keeps the room in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { roomName } from '#shared/rooms';
import { sql } from 'drizzle-orm';
import { exec, openDb } from '../../server/db/client';
import { connect, eventually, removeDataDir, startCollabServer, within, type CollabServer } from './fixture';
import { seedWorld } from './world';
import { startChildServer, type ChildServer } from '../fixtures/child-server';
import { childDbEnv, testDbConfig } from '../fixtures/test-database';

const items = (doc: Y.Doc) => doc.getArray<number>('discussion').toArray();

describe('persistence', () => {
	it('a restart keeps every acknowledged update, across compactions', async () => {
		const first = await startCollabServer({ collab: { compactAfterUpdates: 40 } });
		const room = roomName('item', first.world.evaluatedItem);
		const lead = connect(first, room, 'lead');
		const ana = connect(first, room, 'ana');
		await within(Promise.all([lead.synced, ana.synced]));
		for (let i = 0; i < 300; i++) lead.doc.getArray('discussion').push([i]);
		await first.deps.rooms.update(room, (d) => d.getMap('state').set('verdict', 'accepted'));
		await eventually(() => items(ana.doc).length === 300, 5000, 'all acknowledged');
		const expected = ana.doc.getArray('discussion').toJSON();
		lead.destroy();
		ana.destroy();
		await first.close();

		const second = await startCollabServer({ record: first.record, world: first.world });
		try {
			const again = connect(second, room, 'lead');
			await within(again.synced);
			await eventually(() => items(again.doc).length === 300, 5000, 'reloaded');
			expect(again.doc.getArray('discussion').toJSON()).toEqual(expected);
			expect(again.doc.getMap('state').get('verdict')).toBe('accepted');
			again.destroy();
		} finally {
			await second.close();
			removeDataDir(second);
		}
	});

	it('kill -9 of the server process loses no update that a client had received', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'concord-kill-'));
		const record = await testDbConfig(dataDir);
		const opened = await openDb(record);
		const world = await seedWorld(opened.db);
		await opened.close();
		const room = roomName('item', world.evaluatedItem);
		let child: ChildServer | null = null;
		const asServer = (url: string) => ({ wsUrl: url.replace('http', 'ws') + '/collab', world }) as CollabServer;
		try {
			const started = await within(startChildServer(dataDir, childDbEnv(record)), 60_000, 'child server');
			child = started;
			const writer = connect(asServer(started.url), room, 'lead');
			const observer = connect(asServer(started.url), room, 'ana');
			await within(Promise.all([writer.synced, observer.synced]), 10_000, 'sync');
			let next = 0;
			const pump = setInterval(() => {
				for (let k = 0; k < 5; k++) writer.doc.getArray('discussion').push([next++]);
			}, 1);
			await eventually(() => items(observer.doc).length >= 600, 20_000, 'observer received 600 updates');
			const acknowledged = items(observer.doc);
			child.proc.kill('SIGKILL');
			clearInterval(pump);
			await new Promise((res) => child!.proc.once('exit', res));
			writer.destroy();
			observer.destroy();

			const restarted = await within(startChildServer(dataDir, childDbEnv(record)), 60_000, 'restarted server');
			child = restarted;
			const reader = connect(asServer(restarted.url), room, 'lead');
			await within(reader.synced, 10_000);
			await eventually(() => items(reader.doc).length >= acknowledged.length, 10_000, 'recovered updates');
			const recovered = new Set(items(reader.doc));
			expect(acknowledged.filter((n) => !recovered.has(n))).toEqual([]);
			reader.destroy();
		} finally {
			await child?.stop(0);
			rmSync(dataDir, { recursive: true, force: true });
		}
	}, 120_000);

	it('a store failure keeps the room in memory, closes the writer with 4500, and recovers', async () => {
		const server = await startCollabServer({ collab: { storeRetryMs: 50, unloadGraceMs: 50 } });
		try {
			const room = roomName('guideline', server.world.guidelineId);
			const lead = connect(server, room, 'lead');
			const chen = connect(server, room, 'chen');
			await within(Promise.all([lead.synced, chen.synced]));
			await exec(server.deps.db, sql`ALTER TABLE doc_updates RENAME TO doc_updates_offline`);
			lead.doc.getArray('discussion').push(['written while the store is down']);
			expect((await within(lead.closed)).code).toBe(4500);
			await expect(server.deps.rooms.update(room, (d) => d.getMap('state').set('x', 1))).rejects.toThrow(
				/could not be stored/
			);
			chen.destroy();
			lead.destroy();
			await eventually(() => server.rooms.stats().connections === 0);
			// no clients and the grace period is over, but the unload's flush fails: the room stays in memory
			await eventually(
				() => server.logs.some((l) => l.room === room && /could not flush a room/.test(String(l.msg))),
				5000,
				'failed flush'
			);
			expect(server.rooms.roomState(room)).toBe('draining');
			expect(server.logs.some((l) => l.level === 50 && /could not store a room update/.test(String(l.msg)))).toBe(true);
			await exec(server.deps.db, sql`ALTER TABLE doc_updates_offline RENAME TO doc_updates`);
			await eventually(() => server.rooms.roomState(room) === 'unloaded', 5000, 'flushed and unloaded after recovery');
			const reader = connect(server, room, 'chen');
			await within(reader.synced);
			await eventually(() => reader.doc.getArray('discussion').length === 1, 5000, 'held-back change persisted');
			expect(reader.doc.getMap('state').get('x')).toBe(1);
			reader.destroy();
		} finally {
			await server.close();
			removeDataDir(server);
		}
	});
});
