// The caller's own account over HTTP: password change and its policy, API tokens (list, expiry, last use,
// revoke, other users' tokens), and the sign-in cookie's Secure flag behind a proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../fixtures/server';
import { sql } from 'drizzle-orm';
import { exec, row } from '../../server/db/client';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(() => server.close());

const changePassword = (headers: Record<string, string>, currentPassword: string, newPassword: string) =>
	server.api('/api/me/password', { body: { currentPassword, newPassword }, headers });

describe('password change', () => {
	it('refuses a wrong current password and changes nothing', async () => {
		const headers = await server.login('chen@demo.test');
		const res = await changePassword(headers, 'not-my-password', 'a-perfectly-fine-passphrase');
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('validation_failed');
		expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'currentPassword' })]);
		await server.login('chen@demo.test', DEMO_PASSWORD);
	});

	it.each([
		['too short', 'short-pw-11', 'too_short'],
		['a most common password', 'qwertyuiop123', 'common'],
		['a common password in other case', 'PasswordPassword', 'common'],
		['the email', 'Chen@Demo.test', 'personal']
	])('refuses %s with the rule that failed', async (_what, newPassword, rule) => {
		const headers = await server.login('chen@demo.test');
		const res = await changePassword(headers, DEMO_PASSWORD, newPassword);
		expect(res.status).toBe(400);
		expect(res.body.error.details[0]).toMatchObject({ path: 'newPassword', rule });
		await server.login('chen@demo.test', DEMO_PASSWORD);
	});

	it('changes the password: the new one signs in, the old one does not', async () => {
		const headers = await server.login('ben@demo.test');
		const res = await changePassword(headers, DEMO_PASSWORD, 'ben-has-a-new-passphrase');
		expect(res.status).toBe(200);
		expect(
			(await server.api('/api/auth/login', { body: { email: 'ben@demo.test', password: DEMO_PASSWORD } })).status
		).toBe(401);
		const again = await server.login('ben@demo.test', 'ben-has-a-new-passphrase');
		expect((await server.api('/api/me', { headers: again })).status).toBe(200);
	});

	it('a new name and locale reach the next request of every session and token of the account at once', async () => {
		const cookie = await server.login('pm@demo.test');
		const { token } = (await server.api('/api/tokens', { body: { name: 'profile' }, headers: cookie })).body;
		const bearer = { authorization: `Bearer ${token}` };
		const me = async (headers: Record<string, string>) => (await server.api('/api/me', { headers })).body.user;
		const before = await me(bearer);
		expect(await me(cookie)).toEqual(before);
		const res = await server.api('/api/me', {
			method: 'PATCH',
			body: { name: 'Dana R.', locale: 'pt-BR' },
			headers: cookie
		});
		expect(res.status).toBe(200);
		expect(await me(cookie)).toMatchObject({ name: 'Dana R.', locale: 'pt-BR' });
		expect(await me(bearer)).toMatchObject({ name: 'Dana R.', locale: 'pt-BR' });
		await server.api('/api/me', {
			method: 'PATCH',
			body: { name: before.name, locale: before.locale },
			headers: cookie
		});
	});

	it('PATCH /api/me with a password field is refused (400) instead of answering 200 and doing nothing', async () => {
		const headers = await server.login('ana@demo.test');
		const res = await server.api('/api/me', { method: 'PATCH', body: { password: 'ana-new-password-123' }, headers });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('validation_failed');
		expect(JSON.stringify(res.body.error.details)).toContain('password');
		await server.login('ana@demo.test', DEMO_PASSWORD);
	});
});

describe('API tokens', () => {
	it('lists the caller’s tokens without any secret, and only theirs', async () => {
		const lead = await server.login('lead@demo.test');
		const ana = await server.login('ana@demo.test');
		const created = await server.api('/api/tokens', {
			body: { name: 'nightly export', expiresInDays: 30 },
			headers: lead
		});
		expect(created.status).toBe(201);
		expect(created.body).toEqual({ token: expect.stringMatching(/^cnc_/), id: expect.any(String) });
		await server.api('/api/tokens', { body: { name: 'ana script' }, headers: ana });

		const list = await server.api('/api/tokens', { headers: lead });
		expect(list.status).toBe(200);
		const mine = list.body.tokens.find((t: { id: string }) => t.id === created.body.id);
		expect(Object.keys(mine).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
		expect(mine.expiresAt - mine.createdAt).toBe(30 * 24 * 3600 * 1000);
		expect(list.body.tokens.map((t: { name: string }) => t.name)).not.toContain('ana script');
		expect(JSON.stringify(list.body)).not.toContain(created.body.token);
	});

	it('records lastUsedAt on use, at most once a minute per token', async () => {
		const lead = await server.login('lead@demo.test');
		const { id, token } = (await server.api('/api/tokens', { body: { name: 'last used' }, headers: lead })).body;
		const lastUsed = async () =>
			(await row<{ t: number | null }>(server.deps.db, sql`select last_used_at as t from api_tokens where id = ${id}`))!
				.t;
		// Each use below is looked up in the record, not answered from the node's memory of the token.
		const setLastUsed = async (t: number) => {
			await exec(server.deps.db, sql`update api_tokens set last_used_at = ${t} where id = ${id}`);
			server.deps.callers.changed();
		};
		expect(await lastUsed()).toBeNull();
		expect((await server.api('/api/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
		const first = await lastUsed();
		expect(first).toEqual(expect.any(Number));
		// Pretend the first use was 30 s ago: a second use within the minute does not write again.
		await setLastUsed(first! - 30_000);
		await server.api('/api/me', { headers: { authorization: `Bearer ${token}` } });
		expect(await lastUsed()).toBe(first! - 30_000);
		await setLastUsed(first! - 61_000);
		await server.api('/api/me', { headers: { authorization: `Bearer ${token}` } });
		expect(await lastUsed()).toBeGreaterThanOrEqual(first!);
	});

	it('refuses an expired token, even one the server remembers', async () => {
		const lead = await server.login('lead@demo.test');
		const { id, token } = (
			await server.api('/api/tokens', { body: { name: 'short lived', expiresInDays: 1 }, headers: lead })
		).body;
		const bearer = { authorization: `Bearer ${token}` };
		// A day is the shortest a token can be made for; this one is let run out in 1.5 s.
		const expiresAt = Date.now() + 1_500;
		await exec(server.deps.db, sql`update api_tokens set expires_at = ${expiresAt} where id = ${id}`);
		expect((await server.api('/api/me', { headers: bearer })).status).toBe(200);
		await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 1));
		const res = await server.api('/api/me', { headers: bearer });
		expect(res.status).toBe(401);
		expect(res.body.error.code).toBe('unauthenticated');
	});

	it('revokes only the caller’s own tokens: another user’s token answers 404 and keeps working', async () => {
		const lead = await server.login('lead@demo.test');
		const ana = await server.login('ana@demo.test');
		const anas = (await server.api('/api/tokens', { body: { name: 'ana keeps this' }, headers: ana })).body;
		const res = await server.api(`/api/tokens/${anas.id}`, { method: 'DELETE', headers: lead });
		expect(res.status).toBe(404);
		expect((await server.api('/api/me', { headers: { authorization: `Bearer ${anas.token}` } })).status).toBe(200);

		expect((await server.api(`/api/tokens/${anas.id}`, { method: 'DELETE', headers: ana })).status).toBe(200);
		expect((await server.api('/api/me', { headers: { authorization: `Bearer ${anas.token}` } })).status).toBe(401);
		expect(
			(await server.api('/api/tokens', { headers: ana })).body.tokens.map((t: { id: string }) => t.id)
		).not.toContain(anas.id);
	});

	it('validates token input strictly', async () => {
		const lead = await server.login('lead@demo.test');
		for (const body of [
			{ name: '' },
			{ name: 'x', expiresInDays: 0 },
			{ name: 'x', expiresInDays: 1.5 },
			{ name: 'x', scope: 'all' }
		]) {
			const res = await server.api('/api/tokens', { body, headers: lead });
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error.code).toBe('validation_failed');
		}
	});
});
