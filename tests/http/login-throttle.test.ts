// Sign-in throttling keyed by (email, client address) and by client address, so hammering an account from one
// address never locks its owner out from another; and what TRUST_PROXY changes: the client address comes from
// the last X-Forwarded-For entry and the cookie is Secure when X-Forwarded-Proto is https. Every request here
// comes from 127.0.0.1, so addresses are told apart with X-Forwarded-For behind a trusted proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../fixtures/server';

let proxied: TestServer;
let direct: TestServer;
beforeAll(async () => {
	[proxied, direct] = await Promise.all([startTestServer({ env: { TRUST_PROXY: '1' } }), startTestServer()]);
});
afterAll(() => Promise.all([proxied?.close(), direct?.close()]));

const signIn = (server: TestServer, email: string, password: string, headers: Record<string, string> = {}) =>
	server.api('/api/auth/login', { body: { email, password }, headers });

async function hammer(server: TestServer, email: string, forwardedFor: (i: number) => string, times = 10) {
	for (let i = 0; i < times; i++) {
		const res = await signIn(server, email, `wrong-guess-${i}`, { 'x-forwarded-for': forwardedFor(i) });
		expect(res.status).toBe(401);
	}
}

describe('behind a trusted proxy (TRUST_PROXY=1)', () => {
	it('blocks the hammering address for that email while the owner signs in from another address', async () => {
		await hammer(proxied, 'ana@demo.test', () => '203.0.113.5');
		const attacker = await signIn(proxied, 'ana@demo.test', DEMO_PASSWORD, { 'x-forwarded-for': '203.0.113.5' });
		expect(attacker.status).toBe(429);
		expect(attacker.body.error.code).toBe('rate_limited');
		const owner = await signIn(proxied, 'ana@demo.test', DEMO_PASSWORD, { 'x-forwarded-for': '198.51.100.7' });
		expect(owner.status).toBe(200);
		// The same address may still sign in to other accounts (the per-address limit is higher).
		expect((await signIn(proxied, 'ben@demo.test', DEMO_PASSWORD, { 'x-forwarded-for': '203.0.113.5' })).status).toBe(
			200
		);
	});

	it('uses the last X-Forwarded-For entry (the hop the proxy added), not what the client wrote before it', async () => {
		// The attacker varies the entries it controls; the proxy appends the real address last.
		await hammer(proxied, 'chen@demo.test', (i) => `10.0.0.${i}, 203.0.113.9`);
		const res = await signIn(proxied, 'chen@demo.test', DEMO_PASSWORD, { 'x-forwarded-for': '192.0.2.1, 203.0.113.9' });
		expect(res.status).toBe(429);
		expect(
			(await signIn(proxied, 'chen@demo.test', DEMO_PASSWORD, { 'x-forwarded-for': '203.0.113.9, 192.0.2.1' })).status
		).toBe(200);
	});

	it('marks the session cookie Secure when X-Forwarded-Proto is https, and only then', async () => {
		const https = await signIn(proxied, 'pm@demo.test', DEMO_PASSWORD, { 'x-forwarded-proto': 'https' });
		expect(https.status).toBe(200);
		expect(https.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
		const http = await signIn(proxied, 'pm@demo.test', DEMO_PASSWORD, { 'x-forwarded-proto': 'http' });
		expect(http.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
	});
});

describe('without TRUST_PROXY', () => {
	it('ignores X-Forwarded-For: the real address is throttled whatever the header says', async () => {
		await hammer(direct, 'ana@demo.test', (i) => `198.51.100.${i}`);
		const res = await signIn(direct, 'ana@demo.test', DEMO_PASSWORD, { 'x-forwarded-for': '198.51.100.200' });
		expect(res.status).toBe(429);
	});

	it('ignores X-Forwarded-Proto: no Secure cookie over plain http', async () => {
		const res = await signIn(direct, 'pm@demo.test', DEMO_PASSWORD, { 'x-forwarded-proto': 'https' });
		expect(res.status).toBe(200);
		expect(res.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
	});
});
