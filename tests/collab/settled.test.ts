// rooms.settled(): bulk writers (the scale generator) wait on it for the room writes that listeners fire and
// forget (an escalation's mirror); once it resolves, every write begun before is committed to the store.
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestServer, type TestServer } from '../fixtures/server';
import { RoomStore } from '../../server/collab/room-store';
import { roomName } from '#shared/rooms';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(() => server?.close());

it('resolves once the writes fired before it are stored', async () => {
	const rooms = Array.from({ length: 20 }, (_, i) => roomName('item', `settled-${i}`));
	for (const [i, room] of rooms.entries())
		void server.deps.rooms.update(room, (doc) => doc.getMap('state').set('n', i));
	await server.deps.rooms.settled();
	const store = new RoomStore(server.deps.database);
	for (const [i, room] of rooms.entries()) {
		const stored = await store.load(room);
		const doc = new Y.Doc();
		if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
		for (const u of stored.updates) Y.applyUpdate(doc, u);
		expect(doc.getMap('state').get('n')).toBe(i);
	}
});
