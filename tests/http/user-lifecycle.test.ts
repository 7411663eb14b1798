// The user lifecycle over the real server: only admins read the directory and change accounts; bodies are strict;
// deactivating an account ends its sessions, its API tokens, its open room sockets (4401) and its notification
// stream at once, and it can no longer sign in; reactivating lets it sign in again (old credentials stay gone);
// an admin can neither deactivate nor demote themselves, and Concord keeps one active admin even when two admins
// demote each other at once. Every change leaves an audit row naming the actor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS } from '../collab/fixture';
import { and, eq } from 'drizzle-orm';
import { DEMO_PASSWORD, eventually, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { joinNamedRoom, type RoomClient } from '../fixtures/calibration-session';
import { openStream, type Stream } from '../fixtures/notification-stream';
import { auditLog, users } from '../../drizzle/schema';

let server: TestServer;
let ws: ReviewWorkspace;
const ids: Record<string, string> = {};
const streams: Stream[] = [];
const rooms: RoomClient[] = [];

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2 });
	for (const u of await server.deps.db.select().from(users)) ids[u.email.split('@')[0]] = u.id;
});

afterAll(async () => {
	for (const s of streams) s.close();
	for (const r of rooms) r.destroy();
	await server?.close();
});

const patch = (id: string, body: unknown, headers = ws.people.admin) =>
	server.api(`/api/admin/users/${id}`, { method: 'PATCH', body, headers });
const directory = (query = '', headers = ws.people.admin) => server.api(`/api/admin/users${query}`, { headers });
const auditOf = (action: string, entityId: string) =>
	server.deps.db
		.select()
		.from(auditLog)
		.where(and(eq(auditLog.action, action), eq(auditLog.entityId, entityId)));

/** A bare socket to a room with these headers; resolves its close code. */
function socket(room: string, headers: Record<string, string>) {
	const socket = new WS(`${server.url.replace('http', 'ws')}/collab/${room}`, [], { headers });
	const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
	const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
	return { opened, closed };
}

describe('the user directory', () => {
	it('is for admins only, and its query is strict and bounded', async () => {
		expect((await directory('', ws.people.lead)).status).toBe(403);
		expect((await directory('?role=admin')).status).toBe(400);
		expect((await directory(`?q=${'x'.repeat(101)}`)).status).toBe(400);
		expect((await directory('?status=gone')).status).toBe(400);
	});

	it('lists each user with status, last sign-in, SSO and their projects with roles', async () => {
		const res = await directory();
		expect(res.status).toBe(200);
		const lead = res.body.users.find((u: { email: string }) => u.email === 'lead@demo.test');
		expect(lead).toMatchObject({ name: 'Lea Lima', isAdmin: false, active: true, deactivatedAt: null, sso: false });
		expect(lead.lastSignInAt).toBeGreaterThan(0);
		expect(lead.projects).toEqual([{ projectId: ws.pid, projectName: expect.any(String), role: 'lead' }]);
		const admin = res.body.users.find((u: { email: string }) => u.email === 'admin@demo.test');
		expect(admin).toMatchObject({ isAdmin: true, projects: [] });
	});

	it('finds people by part of their name or email, case-insensitively; % is no wildcard', async () => {
		const names = async (q: string) =>
			(await directory(`?q=${encodeURIComponent(q)}`)).body.users.map((u: { name: string }) => u.name);
		expect(await names('SOUZA')).toEqual(['Ana Souza']);
		expect(await names('ben@')).toEqual(['Ben Carter']);
		expect(await names('%')).toEqual([]);
	});

	it('pages by cursor', async () => {
		const first = await directory('?limit=2');
		expect(first.body.users).toHaveLength(2);
		const second = await directory(`?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
		expect(second.body.users[0].email > first.body.users[1].email).toBe(true);
	});
});

describe('changing an account', () => {
	it('is for admins only; the body is strict and names at least one change', async () => {
		expect((await patch(ids.chen, { active: false }, ws.people.lead)).status).toBe(403);
		expect((await patch(ids.chen, {})).status).toBe(400);
		expect((await patch(ids.chen, { active: false, extra: 1 })).status).toBe(400);
		expect((await patch(ids.chen, { role: 'lead' })).status).toBe(400);
		expect((await patch('nobody', { active: false })).status).toBe(404);
	});

	it('deactivating ends sessions, tokens, sockets and the notification stream at once; sign-in is refused', async () => {
		const ben = await server.login('ben@demo.test');
		const token = (await server.api('/api/tokens', { body: { name: 'script' }, headers: ben })).body.token;
		const bearer = { authorization: `Bearer ${token}` };
		expect((await server.api('/api/me', { headers: bearer })).status).toBe(200);
		const room = joinNamedRoom(server, `guideline:${await guidelineId()}`, ben);
		rooms.push(room);
		await room.synced;
		const viaToken = socket(`guideline:${await guidelineId()}`, bearer);
		await viaToken.opened;
		const stream = await openStream(server.url, ben);
		streams.push(stream);
		expect(stream.status).toBe(200);
		await eventually(() => stream.inboxes.length > 0, 5000, 'the first inbox');

		const res = await patch(ids.ben, { active: false });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ active: false, endedSessions: 2, endedTokens: 1 });

		expect((await room.closed).code).toBe(4401);
		expect(await viaToken.closed).toBe(4401);
		await eventually(() => stream.ended, 5000, 'the notification stream to end');
		expect((await server.api('/api/me', { headers: ben })).status).toBe(401);
		expect((await server.api('/api/me', { headers: bearer })).status).toBe(401);
		const login = await server.api('/api/auth/login', { body: { email: 'ben@demo.test', password: DEMO_PASSWORD } });
		expect(login.status).toBe(403);
		expect(login.body.error.message).toMatch(/deactivated/);
		const listed = (await directory('?status=deactivated')).body.users;
		expect(listed.map((u: { email: string }) => u.email)).toEqual(['ben@demo.test']);
		expect((await directory('?status=active')).body.users.map((u: { id: string }) => u.id)).not.toContain(ids.ben);

		const [row] = await auditOf('user.deactivate', ids.ben);
		expect(row.actorId).toBe(ids.admin);

		// Reactivated, Ben signs in again; his old cookie and token stay gone.
		const back = await patch(ids.ben, { active: true });
		expect(back.body).toMatchObject({ active: true, deactivatedAt: null });
		expect((await server.api('/api/me', { headers: ben })).status).toBe(401);
		expect((await server.api('/api/me', { headers: bearer })).status).toBe(401);
		expect((await server.api('/api/me', { headers: await server.login('ben@demo.test') })).status).toBe(200);
		expect((await auditOf('user.reactivate', ids.ben))[0].actorId).toBe(ids.admin);
	});

	it('grants and removes the admin role, audited; the new admin may then manage users', async () => {
		expect((await patch(ids.pm, { role: 'admin' })).body.user.isAdmin).toBe(true);
		const pm = await server.login('pm@demo.test');
		expect((await directory('', pm)).status).toBe(200);
		expect((await patch(ids.pm, { role: 'user' })).body.user.isAdmin).toBe(false);
		expect((await directory('', pm)).status).toBe(403);
		const changes = await auditOf('user.role_change', ids.pm);
		expect(changes.map((r) => [r.actorId, (r.data as { isAdmin: boolean }).isAdmin])).toEqual([
			[ids.admin, true],
			[ids.admin, false]
		]);
	});

	it('an admin can neither deactivate nor demote themselves', async () => {
		const self = await patch(ids.admin, { active: false });
		expect(self.status).toBe(409);
		expect(self.body.error.message).toMatch(/your own account/);
		expect((await patch(ids.admin, { role: 'user' })).body.error.message).toMatch(/your own admin role/);
		expect((await server.api('/api/me', { headers: ws.people.admin })).status).toBe(200);
	});

	it('of two admins demoting each other at once, one stays: Concord keeps an active admin', async () => {
		await patch(ids.chen, { role: 'admin' });
		const chen = await server.login('chen@demo.test');
		const [a, b] = await Promise.all([patch(ids.chen, { role: 'user' }), patch(ids.admin, { active: false }, chen)]);
		// The loser is refused by the last-admin guard, or, when the other change committed before its request was
		// even read, as no longer an admin.
		expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
		const refused = a.status === 200 ? b : a;
		expect([403, 409]).toContain(refused.status);
		if (refused.status === 409) expect(refused.body.error.message).toMatch(/last active admin/);
		const admins = await server.deps.db.select().from(users).where(eq(users.isAdmin, true));
		expect(admins.filter((u) => u.deactivatedAt === null)).toHaveLength(1);
		// Put things back for the other tests: whoever survived restores the other.
		if (b.status === 200) await patch(ids.admin, { active: true }, chen);
		else await patch(ids.chen, { role: 'user' });
	});
});

async function guidelineId(): Promise<string> {
	const res = await server.api(`/api/projects/${ws.pid}/guidelines`, { headers: ws.people.lead });
	if (res.body.guidelines.length) return res.body.guidelines[0].id;
	const made = await server.api(`/api/projects/${ws.pid}/guidelines`, {
		body: { title: 'Handbook' },
		headers: ws.people.lead
	});
	return made.body.guideline.id;
}
