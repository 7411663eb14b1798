// Document sync through the real server with y-websocket 3 clients: convergence, late joiners, server writes
// (rooms.update) live and into unloaded rooms, unloading after the last client leaves, compaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { roomName } from '#shared/rooms';
import { RoomStore } from '../../server/collab/room-store';
import { first } from '../../server/db/client';
import { rubrics } from '../../drizzle/schema';
import { insertSubmitted } from './world';
import {
	connect,
	eventually,
	removeDataDir,
	startCollabServer,
	within,
	type Client,
	type CollabServer
} from './fixture';

let server: CollabServer;
const clients: Client[] = [];
const open = (...args: Parameters<typeof connect>) => {
	const c = connect(...args);
	clients.push(c);
	return c;
};

beforeAll(async () => {
	server = await startCollabServer({ collab: { compactAfterUpdates: 40 } });
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server.close();
	removeDataDir(server);
});

const texts = (c: Client) =>
	c.doc
		.getArray<Y.Map<unknown>>('discussion')
		.toArray()
		.map((m) => m.get('text'));

describe('collaboration sync', () => {
	it('two clients converge on concurrent edits', async () => {
		const room = roomName('item', server.world.evaluatedItem);
		const lead = open(server, room, 'lead');
		const ana = open(server, room, 'ana');
		await within(Promise.all([lead.synced, ana.synced]), 5000, 'sync');
		for (let i = 0; i < 20; i++) {
			const comment = (who: string) => new Y.Map<unknown>([['text', `${who}-${i}`]]);
			lead.doc.getArray('discussion').push([comment('lead')]);
			ana.doc.getArray('discussion').insert(0, [comment('ana')]);
			ana.doc.getMap('annotations').set(`span-${i}`, { from: i, to: i + 2 });
		}
		await eventually(() => texts(lead).length === 40 && texts(ana).length === 40, 5000, 'both see 40 comments');
		expect(texts(lead)).toEqual(texts(ana));
		expect(lead.doc.getMap('annotations').toJSON()).toEqual(ana.doc.getMap('annotations').toJSON());
		expect(Y.encodeStateVector(lead.doc)).toEqual(Y.encodeStateVector(ana.doc));
	});

	it('a late joiner gets the full state', async () => {
		const w = server.world;
		const room = roomName('item', w.escalatedItem);
		// Ben raised the escalation; he joins its room once he has submitted his own evaluation (the blind rule).
		const rubric = (await first(server.deps.db.select().from(rubrics).limit(1)))!;
		await insertSubmitted(server.deps.db, {
			projectId: w.projectId,
			itemId: w.escalatedItem,
			evaluatorId: w.userId.ben,
			rubricId: rubric.id
		});
		const ben = open(server, room, 'ben');
		await within(ben.synced);
		ben.doc.getArray('discussion').push(['first', 'second']);
		ben.doc.getMap('annotations').set('cell', { dimension: 'accuracy', note: 'look here' });
		const lead = open(server, room, 'lead', 'cookie');
		await within(lead.synced);
		await eventually(() => lead.doc.getArray('discussion').length === 2, 5000, 'late joiner state');
		expect(lead.doc.getArray('discussion').toJSON()).toEqual(['first', 'second']);
		expect(lead.doc.getMap('annotations').toJSON()).toEqual({ cell: { dimension: 'accuracy', note: 'look here' } });
	});

	it('rooms.update reaches connected clients live and is durable when it resolves', async () => {
		const room = roomName('session', server.world.sessionId);
		const ana = open(server, room, 'ana');
		await within(ana.synced);
		await server.deps.rooms.update(room, (doc) => doc.getMap('state').set('phase', 'revealed'));
		const stored = await new RoomStore(server.deps.database).load(room);
		const copy = new Y.Doc();
		if (stored.snapshot) Y.applyUpdate(copy, stored.snapshot);
		for (const u of stored.updates) Y.applyUpdate(copy, u);
		expect(copy.getMap('state').get('phase')).toBe('revealed');
		await eventually(() => ana.doc.getMap('state').get('phase') === 'revealed', 5000, 'state mirrored live');
	});

	it('rooms.update works on a room nobody has open, which then unloads again', async () => {
		const room = roomName('guideline', server.world.guidelineId);
		expect(server.rooms.roomState(room)).toBe('unloaded');
		await server.deps.rooms.update(room, (doc) => doc.getMap('state').set('published', 3));
		await eventually(() => server.rooms.roomState(room) === 'unloaded', 5000, 'room unloaded after the write');
		const chen = open(server, room, 'chen');
		await within(chen.synced);
		await eventually(() => chen.doc.getMap('state').get('published') === 3, 5000, 'written state on join');
	});

	it('a room unloads after its last client leaves (after the grace period) and reloads intact', async () => {
		const room = roomName('item', server.world.plainItem);
		const lead = open(server, room, 'lead');
		await within(lead.synced);
		lead.doc.getArray('discussion').push(['kept']);
		await eventually(() => server.rooms.roomState(room) === 'active', 5000, 'active');
		const before = server.rooms.stats();
		const health = await (await fetch(`${server.url}/api/health`)).json();
		expect(health.collab.connections).toBe(before.connections);
		await eventually(async () => {
			const copy = await new RoomStore(server.deps.database).load(room);
			return copy.updates.length + (copy.snapshot ? 1 : 0) > 0;
		});
		lead.destroy();
		await eventually(() => server.rooms.roomState(room) === 'draining', 5000, 'draining');
		await eventually(() => server.rooms.roomState(room) === 'unloaded', 5000, 'unloaded');
		expect(server.rooms.stats().rooms).toBeLessThan(before.rooms);
		const stored = await new RoomStore(server.deps.database).load(room);
		expect(stored.updates).toHaveLength(0); // folded into the snapshot on unload
		const again = open(server, room, 'lead', 'query');
		await within(again.synced);
		await eventually(() => again.doc.getArray('discussion').length === 1, 5000, 'reloaded content');
	});

	it('compaction preserves the content exactly', async () => {
		const room = roomName('guideline', server.world.guidelineId);
		const lead = open(server, room, 'lead');
		const chen = open(server, room, 'chen');
		await within(Promise.all([lead.synced, chen.synced]));
		const text = lead.doc.getXmlFragment('content');
		for (let i = 0; i < 120; i++) {
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(`line ${i}`)]);
			text.insert(Math.floor(text.length / 2), [p]);
			if (i % 7 === 0) text.delete(0, 1);
			chen.doc.getArray('discussion').push([{ i }]);
		}
		const expected = () => ({
			content: lead.doc.getXmlFragment('content').toJSON(),
			discussion: lead.doc.getArray('discussion').toJSON(),
			state: lead.doc.getMap('state').toJSON()
		});
		await eventually(
			() =>
				chen.doc.getXmlFragment('content').toJSON() === expected().content &&
				lead.doc.getArray('discussion').length === chen.doc.getArray('discussion').length,
			5000,
			'converged'
		);
		// compactAfterUpdates: 40 was crossed several times; compactions run in the background, after the commits.
		let log = await new RoomStore(server.deps.database).load(room);
		await eventually(
			async () => (log = await new RoomStore(server.deps.database).load(room)).updates.length < 40,
			5000,
			'compacted'
		);
		expect(log.snapshot).not.toBeNull();
		const fromStore = new Y.Doc();
		Y.applyUpdate(fromStore, log.snapshot!);
		for (const u of log.updates) Y.applyUpdate(fromStore, u);
		expect({
			content: fromStore.getXmlFragment('content').toJSON(),
			discussion: fromStore.getArray('discussion').toJSON(),
			state: fromStore.getMap('state').toJSON()
		}).toEqual(expected());
		expect(Y.encodeStateVector(fromStore)).toEqual(Y.encodeStateVector(lead.doc));
	});
});
