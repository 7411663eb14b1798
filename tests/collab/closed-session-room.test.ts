// A closed calibration session is read-only, in its room as over REST, with real y-websocket clients: sockets open
// when the lead closes it become read-only before the close answers (their comments and highlights are dropped:
// not applied, not stored, not broadcast), a socket that joins afterwards is read-only from the start, and both
// stay connected and keep syncing what the server writes. REST writes are refused with a clear error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addComment, annotationsOf, readDiscussion } from '#collab/room-doc';
import { eventually, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import {
	createSession,
	joinRoom,
	memberIds,
	writeAndSettle,
	type Person,
	type RoomClient
} from '../fixtures/calibration-session';

let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
let sessionId: string;
let itemId: string;
const clients: RoomClient[] = [];
const join = async (p: Person) => {
	const c = joinRoom(server, sessionId, ws.people[p]);
	clients.push(c);
	await c.synced;
	return c;
};
const texts = (c: RoomClient) => readDiscussion(c.doc).map((x) => x.text);
const serverTexts = () =>
	server.deps.rooms.read(`session:${sessionId}`, (doc) => readDiscussion(doc).map((x) => x.text));

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2 });
	ids = await memberIds(server, ws);
	itemId = ws.itemIds[0];
	sessionId = (await createSession(server, ws, { itemIds: [itemId], participantIds: [ids.ana, ids.ben] })).calibration
		.id;
	const reveal = await server.api(`/api/calibrations/${sessionId}/reveal`, { headers: ws.people.lead, body: {} });
	expect(reveal.status).toBe(200);
});
afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.close();
});

const PEOPLE_NAMES: Partial<Record<Person, string>> = { ana: 'Ana Souza', ben: 'Ben Carter' };
const tryToWrite = (writer: RoomClient, watcher: RoomClient, person: Person, text: string) =>
	writeAndSettle(writer, watcher, { id: ids[person], name: PEOPLE_NAMES[person]! }, itemId, text);

describe('a closed session', () => {
	it('turns the sockets already open read-only before the close answers; they stay connected and in sync', async () => {
		const ana = await join('ana');
		const ben = await join('ben');
		addComment(ana.doc, { id: ids.ana, name: 'Ana Souza' }, 'before the close', null);
		await eventually(() => texts(ben).includes('before the close'), 5000, 'a comment while the session is open');

		const closed = await server.api(`/api/calibrations/${sessionId}/close`, { headers: ws.people.lead, body: {} });
		expect(closed.status).toBe(200);
		await tryToWrite(ana, ben, 'ana', 'after the close');

		expect(await serverTexts()).toEqual(['before the close']);
		expect(
			await server.deps.rooms.read(`session:${sessionId}`, (doc) => Object.keys(annotationsOf(doc).toJSON()))
		).toEqual([]);
		// Readers keep syncing: the server's own writes still reach both sockets, which were never closed.
		await server.deps.rooms.update(`session:${sessionId}`, (doc) => doc.getMap('state').set('probe', 1));
		for (const c of [ana, ben]) {
			await eventually(() => c.doc.getMap('state').get('probe') === 1, 5000, 'the server write');
			expect(c.state().calibration.phase).toBe('closed');
			expect(c.provider.wsconnected).toBe(true);
		}
		expect(texts(ben)).toEqual(['before the close']);
		expect(Object.keys(annotationsOf(ben.doc).toJSON())).toEqual([]);
	});

	it('gives a socket that joins afterwards read-only access; the record stays as it was after a reload', async () => {
		const ben = await join('ben');
		const lead = await join('lead');
		expect(texts(ben)).toEqual(['before the close']);
		await tryToWrite(ben, lead, 'ben', 'joined after the close');
		expect(await serverTexts()).toEqual(['before the close']);
		const again = await join('lead');
		expect(texts(again)).toEqual(['before the close']);
		expect(ben.provider.wsconnected).toBe(true);
	});

	it('refuses REST writes with a clear error and changes nothing', async () => {
		const res = await server.api(`/api/calibrations/${sessionId}/items/${itemId}/scores`, {
			headers: ws.people.ana,
			body: { scores: { correctness: 3, safe: true }, rationale: 'late' }
		});
		expect(res.status).toBe(409);
		expect(res.body.error).toMatchObject({
			code: 'conflict',
			message: 'The session is closed; it is read-only now',
			details: { phase: 'closed' }
		});
		const consensus = await server.api(`/api/calibrations/${sessionId}/items/${itemId}/consensus`, {
			headers: ws.people.lead,
			body: { scores: { correctness: 3, safe: true } }
		});
		expect(consensus.status).toBe(409);
		expect(consensus.body.error.message).toBe('The session is closed; it is read-only now');
		const view = (await server.api(`/api/calibrations/${sessionId}`, { headers: ws.people.lead })).body;
		expect(view.consensus).toEqual({});
		expect(view.readOnly).toBe(true);
	});
});
