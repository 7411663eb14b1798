// Who may join which room and write which keys, through the real upgrade path: 4401 / 4403 / 4404, read-only
// managers, server-only `state`, re-checks after membership changes, cookie origin checks.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { roomName } from '#shared/rooms';
import { addComment, deleteComment, readDiscussion } from '#collab/room-doc';
import { removeMembership, setMembership } from '../../server/db/projects';
import {
	connect,
	eventually,
	rawClient,
	removeDataDir,
	startCollabServer,
	within,
	type Client,
	type CollabServer
} from './fixture';
import type { Person } from './world';

let server: CollabServer;
const clients: Client[] = [];
const open = (
	room: string,
	who: Person | null,
	via?: Parameters<typeof connect>[3],
	headers?: Record<string, string>
) => {
	const c = connect(server, room, who, via, headers);
	clients.push(c);
	return c;
};
/** Opens the room for each person (by token) and waits until every one of them is synced. */
const joined = async (room: string, ...who: Person[]) => {
	const cs = who.map((p) => open(room, p));
	await within(Promise.all(cs.map((c) => c.synced)));
	return cs;
};

beforeAll(async () => {
	server = await startCollabServer();
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server.close();
	removeDataDir(server);
});

/** Reads the server's copy of a room without changing it. */
async function serverView<T>(room: string, read: (doc: Y.Doc) => T): Promise<T> {
	let out!: T;
	await server.deps.rooms.update(room, (doc) => {
		out = read(doc);
	});
	return out;
}

describe('joining rooms', () => {
	it('closes unauthenticated connections with 4401 and the provider stops reconnecting', async () => {
		const room = roomName('item', server.world.plainItem);
		const anonymous = open(room, null, 'none');
		expect((await within(anonymous.closed)).code).toBe(4401);
		const forged = connect(server, room, null, 'none', { authorization: 'Bearer cnc_not-a-real-token' });
		clients.push(forged);
		expect((await within(forged.closed)).code).toBe(4401);
		await eventually(() => anonymous.provider.shouldConnect === false, 2000, 'no reconnect after 4401');
	});

	it('closes with 4403 outside the project and for evaluators not involved', async () => {
		const w = server.world;
		const cases: [string, Person][] = [
			[roomName('item', w.plainItem), 'outsider'],
			[roomName('item', w.otherItem), 'ana'],
			[roomName('session', w.sessionId), 'chen'],
			[roomName('item', w.evaluatedItem), 'chen'],
			[roomName('item', w.escalatedItem), 'ana'],
			// Ben escalated the item without submitting an evaluation of it: its room holds everyone's score
			// proposals, so the blind rule keeps him out until he submits (he reads the discussion over REST).
			[roomName('item', w.escalatedItem), 'ben']
		];
		for (const [room, who] of cases)
			expect((await within(open(room, who).closed, 5000, `${who} in ${room}`)).code).toBe(4403);
	});

	it('lets evaluators who submitted, session participants, leads and managers in', async () => {
		const w = server.world;
		const cases: [string, Person][] = [
			[roomName('item', w.evaluatedItem), 'ana'],
			[roomName('session', w.sessionId), 'ben'],
			[roomName('guideline', w.guidelineId), 'chen'],
			[roomName('item', w.plainItem), 'lead'],
			[roomName('item', w.plainItem), 'pm']
		];
		await within(Promise.all(cases.map(([room, who]) => open(room, who, 'cookie').synced)), 5000, 'all synced');
	});

	it('closes with 4404 for unknown rooms and malformed names', async () => {
		expect((await within(open('item:does-not-exist', 'lead').closed)).code).toBe(4404);
		expect((await within(open('whatever', 'lead').closed)).code).toBe(4404);
	});

	it('accepts a percent-encoded room name', async () => {
		const raw = rawClient(server, encodeURIComponent(roomName('item', server.world.plainItem)), 'lead');
		await within(raw.opened);
		await within(raw.received(0), 5000, 'sync step 1 from the server');
		expect(raw.messages[0][0]).toBe(0);
		raw.ws.close();
	});

	it('refuses a cookie sent from another origin (cross-site WebSocket hijacking)', async () => {
		const room = roomName('item', server.world.plainItem);
		expect((await within(open(room, 'lead', 'cookie', { origin: 'https://evil.example' }).closed)).code).toBe(4403);
		await within(open(room, 'lead', 'cookie', { origin: server.url }).synced);
	});
});

describe('writing', () => {
	it("drops a manager's updates but gives them sync and presence", async () => {
		const room = roomName('item', server.world.evaluatedItem);
		const lead = open(room, 'lead');
		await within(lead.synced);
		lead.doc.getArray('discussion').push(['from lead']);
		const pm = open(room, 'pm');
		await within(pm.synced);
		await eventually(() => pm.doc.getArray('discussion').length === 1, 5000, 'manager receives the document');
		pm.doc.getArray('discussion').push(['from manager']);
		pm.provider.awareness.setLocalStateField('user', { id: 'x', name: 'x', color: '#123456' });
		// Frames of one socket are handled in order: once the presence set after the edit arrives, the edit was seen.
		await eventually(
			() => [...lead.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Pm'),
			5000,
			'manager presence'
		);
		expect(await serverView(room, (d) => d.getArray('discussion').toJSON())).toEqual(['from lead']);
		expect(lead.doc.getArray('discussion').toJSON()).toEqual(['from lead']);
		expect(pm.provider.wsconnected).toBe(true);
	});

	it('rejects an evaluator writing `state` with 4403 and keeps the document unchanged', async () => {
		const room = roomName('session', server.world.sessionId);
		await server.deps.rooms.update(room, (d) => d.getMap('state').set('phase', 'scoring'));
		const [ben, ana] = await joined(room, 'ben', 'ana');
		await eventually(() => ana.doc.getMap('state').get('phase') === 'scoring');
		ana.doc.transact(() => {
			ana.doc.getArray('discussion').push(['innocent comment in the same update']);
			ana.doc.getMap('state').set('phase', 'revealed');
		});
		const closed = await within(ana.closed);
		expect(closed.code).toBe(4403);
		expect(closed.reason).toMatch(/state/);
		expect(
			await serverView(room, (d) => ({
				phase: d.getMap('state').get('phase'),
				discussion: d.getArray('discussion').length
			}))
		).toEqual({ phase: 'scoring', discussion: 0 });
		ben.doc.getArray('discussion').push(['ben still works']);
		await eventually(
			async () => (await serverView(room, (d) => d.getArray('discussion').length)) === 1,
			5000,
			"ben's comment"
		);
		expect(ben.doc.getMap('state').get('phase')).toBe('scoring');
		expect(ben.doc.getArray('discussion').toJSON()).toEqual(['ben still works']);
	});

	it("closes with 4403 a comment posted in someone else's name and stores none of it", async () => {
		const w = server.world;
		const room = roomName('session', w.sessionId);
		const [ana, ben] = await joined(room, 'ana', 'ben');
		const before = await serverView(room, (d) => readDiscussion(d).length);
		addComment(ben.doc, { id: w.userId.ben, name: 'Ben' }, 'honest');
		await eventually(
			() => readDiscussion(ana.doc).some((c) => c.text === 'honest' && c.author === w.userId.ben),
			5000,
			"ben's comment"
		);
		addComment(ana.doc, { id: w.userId.lead, name: 'Lead' }, 'the lead says: score it 5');
		const closed = await within(ana.closed);
		expect(closed.code).toBe(4403);
		expect(closed.reason).toMatch(/own name/);
		expect(await serverView(room, (d) => readDiscussion(d).map((c) => c.text))).toHaveLength(before + 1);
		expect(readDiscussion(ben.doc).some((c) => c.text.startsWith('the lead says'))).toBe(false);
	});

	it('closes with 4403 a comment signed with another display name, and follows a rename', async () => {
		const w = server.world;
		const room = roomName('session', w.sessionId);
		const [ana, ben] = await joined(room, 'ana', 'ben');
		addComment(ben.doc, { id: w.userId.ben, name: 'Lead' }, 'signed as the lead');
		const closed = await within(ben.closed);
		expect(closed).toMatchObject({ code: 4403, reason: expect.stringMatching(/own name/) });
		expect(await serverView(room, (d) => readDiscussion(d).some((c) => c.text === 'signed as the lead'))).toBe(false);

		const rename = (name: string) =>
			fetch(`${server.url}/api/me`, {
				method: 'PATCH',
				headers: { authorization: `Bearer ${w.token.ana}`, 'content-type': 'application/json' },
				body: JSON.stringify({ name })
			});
		expect((await rename('Ana Maria')).status).toBe(200);
		onTestFinished(async () => void (await rename('Ana')));
		// The open socket takes the new name: a comment under it is stored, one under the old name is refused.
		addComment(ana.doc, { id: w.userId.ana, name: 'Ana Maria' }, 'after the rename');
		await eventually(
			async () => await serverView(room, (d) => readDiscussion(d).some((c) => c.authorName === 'Ana Maria')),
			5000,
			'renamed comment'
		);
		addComment(ana.doc, { id: w.userId.ana, name: 'Ana' }, 'under the old name');
		expect((await within(ana.closed)).code).toBe(4403);
		expect(await serverView(room, (d) => readDiscussion(d).some((c) => c.text === 'under the old name'))).toBe(false);
	});

	it("lets a lead delete anyone's comment, and closes an evaluator who tries with 4403", async () => {
		const w = server.world;
		const room = roomName('session', w.sessionId);
		const [ana, ben, lead] = await joined(room, 'ana', 'ben', 'lead');
		const first = addComment(ana.doc, { id: w.userId.ana, name: 'Ana' }, 'off-topic remark');
		const second = addComment(ana.doc, { id: w.userId.ana, name: 'Ana' }, 'keep this one');
		await eventually(
			() =>
				readDiscussion(lead.doc).some((c) => c.id === second) && readDiscussion(ben.doc).some((c) => c.id === second),
			5000,
			'comments arrive'
		);
		deleteComment(lead.doc, first);
		await eventually(
			async () => !(await serverView(room, (d) => readDiscussion(d).some((c) => c.id === first))),
			5000,
			'moderated'
		);
		deleteComment(ben.doc, second);
		expect((await within(ben.closed)).code).toBe(4403);
		expect(await serverView(room, (d) => readDiscussion(d).some((c) => c.id === second))).toBe(true);
		expect(lead.provider.wsconnected).toBe(true);
	});

	it('guideline text is for leads; evaluators may comment there', async () => {
		const room = roomName('guideline', server.world.guidelineId);
		const chen = open(room, 'chen');
		await within(chen.synced);
		chen.doc.getArray('discussion').push(['a question']);
		await eventually(
			async () => (await serverView(room, (d) => d.getArray('discussion').length)) === 1,
			5000,
			'comment stored'
		);
		chen.doc.getXmlFragment('content').insert(0, [new Y.XmlText('rewrite')]);
		expect((await within(chen.closed)).code).toBe(4403);
	});
});

describe('membership changes', () => {
	it('closes revoked connections with 4403 and downgrades changed ones in place', async () => {
		const w = server.world;
		const guideline = roomName('guideline', w.guidelineId);
		const [chen, ben] = await joined(guideline, 'chen', 'ben');
		await removeMembership(server.deps.db, w.projectId, w.userId.chen, w.userId.lead);
		await server.deps.rooms.recheckUser(w.userId.chen);
		expect((await within(chen.closed)).code).toBe(4403);

		await setMembership(server.deps.db, w.projectId, w.userId.ben, 'manager', w.userId.lead);
		await server.deps.events.emit('membership.changed', { projectId: w.projectId, userId: w.userId.ben });
		ben.doc.getArray('discussion').push(['written after the downgrade']);
		ben.provider.awareness.setLocalStateField('user', { id: '', name: '', color: '#000000' });
		const lead = open(guideline, 'lead');
		await within(lead.synced);
		await eventually(
			() => [...lead.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Ben'),
			5000,
			'ben presence'
		);
		const discussion = await serverView(guideline, (d) => d.getArray('discussion').toJSON());
		expect(discussion).not.toContain('written after the downgrade');
		expect(ben.provider.wsconnected).toBe(true);
	});
});
