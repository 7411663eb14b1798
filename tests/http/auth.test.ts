// Sign-in, sessions, tokens, CSRF and security headers against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';
import { sql } from 'drizzle-orm';
import { row } from '../../server/db/client';

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer();
});
afterAll(() => server.close());

describe('auth', () => {
	it('reports health: version, the record it answers from, no Redis when none is configured', async () => {
		const res = await server.api('/api/health');
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			ok: true,
			version: expect.any(String),
			database: { dialect: process.env.CONCORD_TEST_DB === 'postgres' ? 'postgres' : 'sqlite', ok: true },
			draining: false
		});
		expect(res.body.redis).toBeUndefined();
	});

	it('is ready while it takes traffic and answers 503 while it drains', async () => {
		expect((await server.api('/api/ready')).status).toBe(200);
		server.deps.node.draining = true;
		try {
			const res = await server.api('/api/ready');
			expect(res.status).toBe(503);
			expect(res.body).toEqual({ ready: false, reason: 'draining' });
		} finally {
			server.deps.node.draining = false;
		}
		expect((await server.api('/api/ready')).status).toBe(200);
	});

	it('signs in the demo lead with an HttpOnly SameSite cookie and answers /api/me', async () => {
		const res = await fetch(server.url + '/api/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ email: 'lead@demo.test', password: 'demo-pass-123' })
		});
		expect(res.status).toBe(200);
		const cookie = res.headers.get('set-cookie') ?? '';
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
		const me = await server.api('/api/me', { headers: { cookie: cookie.split(';')[0] } });
		expect(me.status).toBe(200);
		expect(me.body.user.email).toBe('lead@demo.test');
		expect(me.body.memberships).toEqual([expect.objectContaining({ role: 'lead' })]);
		expect(me.headers.get('cache-control')).toBe('no-store');
	});

	it('gives the same 401 for an unknown email and a wrong password', async () => {
		const a = await server.api('/api/auth/login', { body: { email: 'nobody@demo.test', password: 'whatever-123' } });
		const b = await server.api('/api/auth/login', { body: { email: 'ana@demo.test', password: 'wrong-password' } });
		expect(a.status).toBe(401);
		expect(b.status).toBe(401);
		expect(a.body).toEqual(b.body);
		expect(a.body.error.code).toBe('invalid_credentials');
	});

	it('rejects a malformed login body with validation details', async () => {
		const res = await server.api('/api/auth/login', { body: { email: 'not-an-email' } });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('validation_failed');
		expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(
			expect.arrayContaining(['email', 'password'])
		);
	});

	it('rejects invalid JSON with a clear 400', async () => {
		const res = await server.api('/api/auth/login', {
			raw: '{"email":',
			headers: { 'content-type': 'application/json' },
			method: 'POST'
		});
		expect(res.status).toBe(400);
		expect(res.body.error.code).toMatch(/bad_request|validation_failed/);
	});

	it('rate-limits repeated failed sign-ins', async () => {
		let last = 0;
		for (let i = 0; i < 12; i++) {
			last = (await server.api('/api/auth/login', { body: { email: 'chen@demo.test', password: `wrong-${i}` } }))
				.status;
		}
		expect(last).toBe(429);
	});

	it('signs out and the session stops working', async () => {
		const headers = await server.login('ben@demo.test');
		expect((await server.api('/api/me', { headers })).status).toBe(200);
		expect((await server.api('/api/auth/logout', { method: 'POST', headers })).status).toBe(200);
		expect((await server.api('/api/me', { headers })).status).toBe(401);
		// What the web app asks on load: signed out is an answer, not an error.
		expect(await server.api('/api/auth/session', { headers })).toMatchObject({
			status: 200,
			body: { user: null, memberships: [] }
		});
	});

	it('tells the web app who is signed in, with their roles, and nobody for a visitor', async () => {
		expect(await server.api('/api/auth/session')).toMatchObject({ status: 200, body: { user: null, memberships: [] } });
		const headers = await server.login('ana@demo.test');
		const session = await server.api('/api/auth/session', { headers });
		const me = await server.api('/api/me', { headers });
		expect(session.status).toBe(200);
		expect(session.body.user.email).toBe('ana@demo.test');
		expect(session.body.memberships.length).toBeGreaterThan(0);
		expect(session.body).toEqual(me.body);
	});

	it('refuses cookie-authenticated writes from another origin (CSRF)', async () => {
		const headers = await server.login('lead@demo.test');
		const res = await server.api('/api/tokens', {
			body: { name: 'x' },
			headers: { ...headers, origin: 'https://evil.example' }
		});
		expect(res.status).toBe(403);
		expect(res.body.error.code).toBe('forbidden');
	});

	it('issues API tokens that work as Bearer and are stored hashed', async () => {
		const headers = await server.login('lead@demo.test');
		const res = await server.api('/api/tokens', { body: { name: 'script' }, headers });
		expect(res.status).toBe(201);
		const token: string = res.body.token;
		const me = await fetch(server.url + '/api/me', { headers: { authorization: `Bearer ${token}` } });
		expect(me.status).toBe(200);
		const stored = await row<{ token_hash: string }>(
			server.deps.db,
			sql`select token_hash from api_tokens where name = ${'script'}`
		);
		expect(stored!.token_hash).not.toContain(token);
		const bad = await fetch(server.url + '/api/me', { headers: { authorization: 'Bearer nope' } });
		expect(bad.status).toBe(401);
	});

	it('rejects bodies over the size limit with 413', async () => {
		const headers = await server.login('lead@demo.test');
		const res = await server.api('/api/tokens', { body: { name: 'x'.repeat(2 * 1024 * 1024) }, headers });
		expect(res.status).toBe(413);
		expect(res.body.error.code).toBe('payload_too_large');
	});

	/** POSTs the pieces as a chunked body (no Content-Length), one piece per read. */
	const postInPieces = (path: string, headers: Record<string, string>, pieces: Uint8Array[]) => {
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				const piece = pieces.shift();
				if (piece) controller.enqueue(piece);
				else controller.close();
			}
		});
		return fetch(server.url + path, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/json' },
			body,
			duplex: 'half'
		} as RequestInit);
	};

	it('refuses a chunked body (no Content-Length) once it passes the limit, and creates nothing', async () => {
		const headers = await server.login('lead@demo.test');
		const before = (await server.api('/api/tokens', { headers })).body.tokens.length;
		const encode = (text: string) => new TextEncoder().encode(text);
		const res = await postInPieces('/api/tokens', headers, [
			encode('{"name":"'),
			...Array.from({ length: 8 }, () => encode('x'.repeat(256 * 1024)))
		]);
		expect(res.status).toBe(413);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
		expect((await server.api('/api/tokens', { headers })).body.tokens).toHaveLength(before);
	});

	it('reads a body sent in pieces that split its characters', async () => {
		const headers = await server.login('lead@demo.test');
		const bytes = new TextEncoder().encode(JSON.stringify({ name: 'Avaliação — 評価 ✓' }));
		const res = await postInPieces(
			'/api/tokens',
			headers,
			Array.from(bytes, (b) => Uint8Array.of(b))
		);
		expect(res.status).toBe(201);
		const { tokens } = (await server.api('/api/tokens', { headers })).body;
		expect(tokens.map((t: { name: string }) => t.name)).toContain('Avaliação — 評価 ✓');
	});

	it('sets security headers and a strict CSP on the app', async () => {
		const res = await fetch(server.url + '/login');
		expect(res.status).toBe(200);
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toMatch(/script-src 'self'( 'sha256-[^']+')*(;|$)/);
		expect(csp).not.toContain("unsafe-inline' ;");
		expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('referrer-policy')).toBeTruthy();
	});

	it('answers unknown API routes with a JSON 404', async () => {
		const res = await server.api('/api/nope');
		expect(res.status).toBe(404);
		expect(res.body.error.code).toBe('not_found');
	});
});
