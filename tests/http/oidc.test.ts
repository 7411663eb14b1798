// Single sign-on against a real OpenID Connect provider (oidc-provider on loopback): the whole code flow through
// Concord's /api/auth/oidc/start and /callback, who it signs in as (new account in an allowed domain, an existing
// account linked by email, the linked identity found again), and every refusal: an unknown, replayed or lapsed
// attempt, an ID token for another audience, expired, signed with a foreign key or with another nonce, an email
// not verified, a domain not allowed, a deactivated account. Each refusal lands on /login?error=<code> with no
// session and leaves an `auth.sign_in_failed` row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { TestServer } from '../fixtures/server';
import type { TestProvider } from '../fixtures/oidc-provider';
import { deliver, signInAs, startSignIn, startSsoProvider, startSsoServer, userByEmail, whoIs } from '../fixtures/sso';
import { auditLog, oidcLogins, userIdentities, users } from '../../drizzle/schema';

let provider: TestProvider;
let server: TestServer;

beforeAll(async () => {
	const world = await startSsoProvider(1);
	provider = world.provider;
	server = await startSsoServer(provider, world.ports[0], { OIDC_ALLOWED_DOMAINS: 'acme.test, Example.org' });
});
afterAll(async () => {
	await server?.close();
	await provider?.close();
});

const failures = (reason: string) =>
	server.deps.db
		.select()
		.from(auditLog)
		.where(eq(auditLog.action, 'auth.sign_in_failed'))
		.then((rows) => rows.filter((r) => (r.data as { reason?: string } | null)?.reason === reason));

describe('signing in through the provider', () => {
	it('makes an account for a verified email of an allowed domain, with no project access and no password', async () => {
		provider.setAccount('new-1', { email: 'Nadia@Acme.test', email_verified: true, name: 'Nadia Lima' });
		const landed = await signInAs(server, provider, 'new-1');
		expect(landed).toMatchObject({ status: 302, location: '/' });
		const me = await whoIs(server, landed.cookie);
		expect(me.user).toMatchObject({ email: 'nadia@acme.test', isAdmin: false });
		expect(me.memberships).toEqual([]);
		const row = await userByEmail(server, 'nadia@acme.test');
		expect(row).toMatchObject({ name: 'Nadia Lima', passwordHash: '' });
		expect(row.lastSignInAt).not.toBeNull();
		// No password was ever set: password sign-in answers as for a wrong password.
		const login = await server.api('/api/auth/login', {
			body: { email: 'nadia@acme.test', password: 'anything-at-all' }
		});
		expect(login.status).toBe(401);
		const signIns = await server.deps.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'auth.sign_in'), eq(auditLog.actorId, row.id)));
		expect(signIns.map((r) => (r.data as { method: string }).method)).toEqual(['oidc']);
	});

	it('links an existing account by its verified email instead of making a second one, and finds it again by identity', async () => {
		const ana = await userByEmail(server, 'ana@demo.test');
		provider.setAccount('ana-sub', { email: 'ana@demo.test', email_verified: true, name: 'Ana at the provider' });
		const first = await signInAs(server, provider, 'ana-sub');
		expect(first.location).toBe('/');
		const me = await whoIs(server, first.cookie);
		expect(me.user?.id).toBe(ana.id);
		expect(me.memberships.length).toBeGreaterThan(0);
		expect(await server.deps.db.select().from(users).where(eq(users.email, 'ana@demo.test'))).toHaveLength(1);
		const linked = await server.deps.db.select().from(userIdentities).where(eq(userIdentities.subject, 'ana-sub'));
		expect(linked.map((i) => i.userId)).toEqual([ana.id]);

		// The provider now gives another address (not an allowed domain): the identity, not the email, decides.
		provider.setAccount('ana-sub', { email: 'ana.s@elsewhere.test', email_verified: true });
		const again = await signInAs(server, provider, 'ana-sub');
		expect((await whoIs(server, again.cookie)).user?.id).toBe(ana.id);
		expect(await userByEmail(server, 'ana.s@elsewhere.test')).toBeUndefined();
	});

	it('returns to the page asked for, and refuses a return address off the site', async () => {
		provider.setAccount('new-2', { email: 'omar@example.org', email_verified: true });
		const landed = await signInAs(server, provider, 'new-2', '?returnTo=' + encodeURIComponent('/projects?tab=2'));
		expect(landed.location).toBe('/projects?tab=2');
		for (const bad of ['//evil.test/x', 'https://evil.test/', '/\\evil.test', 'projects']) {
			const res = await fetch(`${server.url}/api/auth/oidc/start?returnTo=${encodeURIComponent(bad)}`, {
				redirect: 'manual'
			});
			expect(res.status, bad).toBe(400);
		}
		const unknown = await fetch(`${server.url}/api/auth/oidc/start?next=/x`, { redirect: 'manual' });
		expect(unknown.status).toBe(400);
	});
});

describe('refusing a sign-in', () => {
	it('refuses an unknown state, and the same answer delivered twice', async () => {
		const wrong = await deliver(`${server.url}/api/auth/oidc/callback?state=made-up&code=whatever`);
		expect(wrong).toMatchObject({ status: 302, location: '/login?error=sso_expired', cookie: '' });
		provider.setAccount('replay', { email: 'rita@acme.test', email_verified: true });
		const first = await signInAs(server, provider, 'replay');
		expect(first.cookie).not.toBe('');
		const replayed = await deliver(first.callback);
		expect(replayed).toMatchObject({ location: '/login?error=sso_expired', cookie: '' });
		expect((await failures('state')).length).toBeGreaterThanOrEqual(2);
	});

	it('refuses an attempt older than ten minutes', async () => {
		provider.setAccount('slow', { email: 'sam@acme.test', email_verified: true });
		const authorization = await startSignIn(server);
		await server.deps.db.update(oidcLogins).set({ expiresAt: Date.now() - 1 });
		const landed = await deliver(await provider.authorize(authorization, 'slow'));
		expect(landed).toMatchObject({ location: '/login?error=sso_expired', cookie: '' });
		expect(await userByEmail(server, 'sam@acme.test')).toBeUndefined();
	});

	it.each([
		['another audience', { claims: { aud: 'someone-else' } }],
		[
			'an expired ID token',
			{ claims: { exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 } }
		],
		['another nonce', { claims: { nonce: 'not-the-one-sent' } }],
		['another issuer', { claims: { iss: 'http://127.0.0.1:1/' } }],
		['a key the provider never published', { key: 'foreign' as const }]
	])('refuses an ID token with %s', async (_what, tamper) => {
		provider.setAccount('tampered', { email: 'tess@acme.test', email_verified: true });
		const callback = await provider.authorize(await startSignIn(server), 'tampered');
		provider.tamperNextIdToken(tamper);
		const landed = await deliver(callback);
		expect(landed).toMatchObject({ location: '/login?error=sso_provider', cookie: '' });
		expect(await userByEmail(server, 'tess@acme.test')).toBeUndefined();
	});

	it('refuses an email the provider has not verified', async () => {
		for (const verified of [false, 'true', undefined]) {
			provider.setAccount('unverified', { email: 'uma@acme.test', email_verified: verified });
			const landed = await signInAs(server, provider, 'unverified');
			expect(landed, String(verified)).toMatchObject({ location: '/login?error=sso_email_unverified', cookie: '' });
		}
		expect(await userByEmail(server, 'uma@acme.test')).toBeUndefined();
		expect((await failures('email_unverified')).map((r) => r.entityId)).toContain('uma@acme.test');
	});

	it('makes no account for a domain that is not allowed', async () => {
		provider.setAccount('outsider', { email: 'otto@other.test', email_verified: true });
		const landed = await signInAs(server, provider, 'outsider');
		expect(landed).toMatchObject({ location: '/login?error=sso_domain_not_allowed', cookie: '' });
		expect(await userByEmail(server, 'otto@other.test')).toBeUndefined();
		expect(await failures('domain_not_allowed')).toHaveLength(1);
	});

	it('refuses a deactivated account, found by identity or by email', async () => {
		provider.setAccount('ben-sub', { email: 'ben@demo.test', email_verified: true });
		const ben = await userByEmail(server, 'ben@demo.test');
		await server.deps.db.update(users).set({ deactivatedAt: Date.now() }).where(eq(users.id, ben.id));
		const byEmail = await signInAs(server, provider, 'ben-sub');
		expect(byEmail).toMatchObject({ location: '/login?error=sso_deactivated', cookie: '' });
		// Refused before linking: nothing was written for the deactivated account.
		expect(await server.deps.db.select().from(userIdentities).where(eq(userIdentities.userId, ben.id))).toEqual([]);

		await server.deps.db.update(users).set({ deactivatedAt: null }).where(eq(users.id, ben.id));
		expect((await signInAs(server, provider, 'ben-sub')).cookie).not.toBe('');
		await server.deps.db.update(users).set({ deactivatedAt: Date.now() }).where(eq(users.id, ben.id));
		const byIdentity = await signInAs(server, provider, 'ben-sub');
		expect(byIdentity).toMatchObject({ location: '/login?error=sso_deactivated', cookie: '' });
		const refused = await failures('deactivated');
		expect(refused.map((r) => r.actorId)).toEqual([ben.id, ben.id]);
	});

	it("passes on a provider's refusal as our own code, never its words", async () => {
		const authorization = new URL(await startSignIn(server));
		const state = authorization.searchParams.get('state')!;
		const said = encodeURIComponent('<script>alert(1)</script>');
		const landed = await deliver(
			`${server.url}/api/auth/oidc/callback?state=${state}&error=access_denied&error_description=${said}`
		);
		expect(landed).toMatchObject({ location: '/login?error=sso_provider', cookie: '' });
		expect(await failures('provider:access_denied')).toHaveLength(1);
	});
});
