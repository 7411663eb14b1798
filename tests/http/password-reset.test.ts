// Password reset links over the real server: an admin makes one (only an admin), its holder reads whom it is for
// and sets a new password that obeys the policy; the link works once (also when two requests race), not after it
// expires, not for a deactivated account, and a newer link replaces an unused older one. Using it ends every other
// session of the account (and its sockets) and signs the holder in. Both steps are audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DEMO_PASSWORD, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { joinNamedRoom } from '../fixtures/calibration-session';
import { auditLog, passwordResets, users } from '../../drizzle/schema';

let server: TestServer;
let ws: ReviewWorkspace;
const ids: Record<string, string> = {};
const NEW_PASSWORD = 'a-brand-new-passphrase-7';

beforeAll(async () => {
	server = await startReviewServer({ publicUrl: 'https://concord.example.org' });
	ws = await createReviewWorkspace(server, { items: 1 });
	for (const u of await server.deps.db.select().from(users)) ids[u.email.split('@')[0]] = u.id;
});
afterAll(async () => server?.close());

/** A fresh link for `who`, as the admin makes it: its token. */
async function linkFor(who: string): Promise<string> {
	const res = await server.api(`/api/admin/users/${ids[who]}/password-reset`, { body: {}, headers: ws.people.admin });
	expect(res.status).toBe(201);
	expect(res.body.url).toMatch(/^https:\/\/concord\.example\.org\/reset-password\/[\w-]{43}$/);
	return res.body.url.split('/').at(-1);
}
const accept = (token: string, password = NEW_PASSWORD) =>
	server.api('/api/password-resets/accept', { body: { token, password } });
const signInWith = (email: string, password: string) => server.api('/api/auth/login', { body: { email, password } });

describe('making a link', () => {
	it('is for admins only', async () => {
		const res = await server.api(`/api/admin/users/${ids.ana}/password-reset`, { body: {}, headers: ws.people.lead });
		expect(res.status).toBe(403);
		expect(
			(await server.api(`/api/admin/users/nobody/password-reset`, { body: {}, headers: ws.people.admin })).status
		).toBe(404);
	});

	it('tells its holder whom it is for, and an unknown link names nobody', async () => {
		const token = await linkFor('ana');
		const res = await server.api(`/api/password-resets/${token}`);
		expect(res.body).toMatchObject({ email: 'ana@demo.test', name: 'Ana Souza', problem: null });
		expect(res.body.expiresAt).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
		expect((await server.api('/api/password-resets/made-up')).body).toEqual({
			email: null,
			name: null,
			expiresAt: null,
			problem: 'invalid'
		});
		const [row] = await server.deps.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'user.password_reset_link'), eq(auditLog.entityId, ids.ana)));
		expect(row.actorId).toBe(ids.admin);
	});

	it('a newer link replaces an unused older one', async () => {
		const older = await linkFor('chen');
		const newer = await linkFor('chen');
		expect((await server.api(`/api/password-resets/${older}`)).body.problem).toBe('invalid');
		expect((await server.api(`/api/password-resets/${newer}`)).body.problem).toBe(null);
	});
});

describe('using a link', () => {
	it('refuses a password the policy refuses, and a strict body', async () => {
		const token = await linkFor('ben');
		const weak = await accept(token, 'short');
		expect(weak.status).toBe(400);
		expect(weak.body.error.details[0]).toMatchObject({ path: 'password', rule: 'too_short' });
		expect((await accept(token, 'ben@demo.test'.padEnd(12, ' '))).status).toBe(400);
		expect(
			(await server.api('/api/password-resets/accept', { body: { token, password: NEW_PASSWORD, x: 1 } })).status
		).toBe(400);
		// Nothing was used up by the refusals.
		expect((await server.api(`/api/password-resets/${token}`)).body.problem).toBe(null);
	});

	it('sets the password once, signs in, ends every other session and its sockets', async () => {
		const old = await server.login('ben@demo.test');
		expect((await server.api('/api/me', { headers: old })).status).toBe(200);
		const token = await linkFor('ben');
		const res = await accept(token);
		expect(res.status).toBe(200);
		expect(res.body.user.email).toBe('ben@demo.test');
		const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
		expect((await server.api('/api/me', { headers: { cookie } })).status).toBe(200);
		expect((await server.api('/api/me', { headers: old })).status).toBe(401);
		expect((await server.api('/api/me', { headers: ws.people.ben })).status).toBe(401);
		expect((await signInWith('ben@demo.test', DEMO_PASSWORD)).status).toBe(401);
		expect((await signInWith('ben@demo.test', NEW_PASSWORD)).status).toBe(200);
		const again = await accept(token, 'yet-another-passphrase-9');
		expect(again.status).toBe(409);
		expect(again.body.error.message).toMatch(/already been used/);
		expect((await server.api(`/api/password-resets/${token}`)).body.problem).toBe('used');
		const [row] = await server.deps.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'user.password_reset'), eq(auditLog.entityId, ids.ben)));
		expect(row.data).toMatchObject({ endedSessions: 2 });
	});

	it('closes the sockets of the sessions it ends (4401)', async () => {
		const lead = await server.login('lead@demo.test');
		const room = joinNamedRoom(server, `item:${ws.itemIds[0]}`, lead);
		await room.synced;
		expect((await accept(await linkFor('lead'))).status).toBe(200);
		expect((await room.closed).code).toBe(4401);
		room.destroy();
	});

	it('works once when two requests race with the same link', async () => {
		const token = await linkFor('pm');
		const [a, b] = await Promise.all([
			accept(token, 'first-racing-passphrase-1'),
			accept(token, 'second-racing-phrase-2')
		]);
		expect([a.status, b.status].sort()).toEqual([200, 409]);
		const won = a.status === 200 ? 'first-racing-passphrase-1' : 'second-racing-phrase-2';
		expect((await signInWith('pm@demo.test', won)).status).toBe(200);
	});

	it('does not work once expired', async () => {
		const token = await linkFor('chen');
		await server.deps.db
			.update(passwordResets)
			.set({ expiresAt: Date.now() - 1 })
			.where(eq(passwordResets.userId, ids.chen));
		expect((await server.api(`/api/password-resets/${token}`)).body.problem).toBe('expired');
		const res = await accept(token);
		expect(res.status).toBe(409);
		expect(res.body.error.message).toMatch(/expired/);
		expect((await signInWith('chen@demo.test', DEMO_PASSWORD)).status).toBe(200);
	});

	it('does not work for a deactivated account, and none can be made for it', async () => {
		const token = await linkFor('chen');
		await server.api(`/api/admin/users/${ids.chen}`, {
			method: 'PATCH',
			body: { active: false },
			headers: ws.people.admin
		});
		expect((await server.api(`/api/password-resets/${token}`)).body.problem).toBe('deactivated');
		const res = await accept(token);
		expect(res.status).toBe(409);
		expect(res.body.error.message).toMatch(/deactivated/);
		const made = await server.api(`/api/admin/users/${ids.chen}/password-reset`, {
			body: {},
			headers: ws.people.admin
		});
		expect(made.status).toBe(409);
		await server.api(`/api/admin/users/${ids.chen}`, {
			method: 'PATCH',
			body: { active: true },
			headers: ws.people.admin
		});
		// Reactivated, the account still has its old password: the link was never used.
		expect((await signInWith('chen@demo.test', DEMO_PASSWORD)).status).toBe(200);
	});
});
