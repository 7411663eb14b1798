// A deactivated account signs nobody in, whatever credential it still holds. Deactivating deletes its sessions and
// tokens, but a sign-in racing the deactivation can still write one after it: the credential rule itself
// (callerFor: REST, WebSocket upgrades and event streams) refuses every session and token of a deactivated account,
// and counts them again once the account is reactivated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS } from '../collab/fixture';
import { startTestServer, type TestServer } from '../fixtures/server';
import { createApiToken, createSession } from '../../server/db/users';
import { SESSION_COOKIE } from '../../server/domain/credentials';

let server: TestServer;
let admin: Record<string, string>;
let benId: string;

beforeAll(async () => {
	server = await startTestServer();
	admin = await server.login('admin@demo.test');
	benId = (await server.api('/api/admin/users?q=ben%40demo.test', { headers: admin })).body.users[0].id;
});
afterAll(() => server.close());

const setActive = (active: boolean) =>
	server.api(`/api/admin/users/${benId}`, { method: 'PATCH', body: { active }, headers: admin });

/** The close code of a collaboration socket opened with `?token=` (4401: not signed in). */
function socketClose(token: string): Promise<number> {
	const url = `${server.url.replace(/^http/, 'ws')}/collab/guideline:none?token=${token}`;
	return new Promise((resolve, reject) => {
		const ws = new WS(url);
		ws.on('close', (code) => resolve(code));
		ws.on('error', reject);
	});
}

describe('credentials of a deactivated account', () => {
	it('refuses a session and a token written after the deactivation, and counts them again after reactivation', async () => {
		expect((await setActive(false)).status).toBe(200);
		// What a sign-in that raced the deactivation would have written.
		const secret = await createSession(server.deps.db, benId, 3_600_000);
		const { token } = await createApiToken(server.deps.db, benId, 'raced');
		const cookie = { cookie: `${SESSION_COOKIE}=${secret}` };
		const bearer = { authorization: `Bearer ${token}` };

		expect((await server.api('/api/me', { headers: cookie })).status).toBe(401);
		expect((await server.api('/api/me', { headers: bearer })).status).toBe(401);
		expect((await server.api('/api/auth/session', { headers: cookie })).body.user).toBe(null);
		expect((await server.api('/api/notifications/stream', { headers: bearer })).status).toBe(401);
		expect(await socketClose(token)).toBe(4401);

		expect((await setActive(true)).status).toBe(200);
		expect((await server.api('/api/me', { headers: cookie })).body.user.email).toBe('ben@demo.test');
		expect((await server.api('/api/me', { headers: bearer })).body.user.email).toBe('ben@demo.test');
	});
});
