// Single sign-on that grants access: an invitation accepted through the provider (membership granted to the
// invited email only, in the same step as the account), and OIDC_ROLE_MAP applied at every sign-in (grants what the
// claim maps to, takes back what it no longer maps to in the projects the map names, leaves other projects alone),
// each change audited. The server is restarted with the map once the project it names exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { eventually, type TestServer } from '../fixtures/server';
import type { TestProvider } from '../fixtures/oidc-provider';
import { inviteDirectly, signInAs, startSsoProvider, startSsoServer, userByEmail, whoIs } from '../fixtures/sso';
import { auditLog, invitations } from '../../drizzle/schema';

let provider: TestProvider;
let server: TestServer;
let mapped: string;
let other: string;
// Owned by this file: the server is restarted on it (a fixture-made directory goes with its first server).
const dataDir = mkdtempSync(join(tmpdir(), 'concord-oidc-roles-'));

beforeAll(async () => {
	const world = await startSsoProvider(1);
	provider = world.provider;
	const first = await startSsoServer(provider, world.ports[0], {}, dataDir);
	const admin = await first.login('admin@demo.test');
	const create = (name: string) => first.api('/api/projects', { body: { name }, headers: admin });
	mapped = (await create('Mapped by groups')).body.project.id;
	other = (await create('Managed in Concord')).body.project.id;
	await first.close();
	server = await startSsoServer(
		provider,
		world.ports[0],
		{
			OIDC_ROLE_CLAIM: 'groups',
			OIDC_ROLE_MAP: `concord-admins=admin, raters=evaluator@${mapped}, qa=lead@${mapped}, gone=lead@no-such-project`
		},
		dataDir
	);
	// This process's fetch may still hold a kept-alive socket to the first server on the same port: use it up.
	await eventually(() => fetch(`${server.url}/api/health`).then((r) => r.ok), 5000, 'the restarted server');
});
afterAll(async () => {
	await server?.close();
	await provider?.close();
	rmSync(dataDir, { recursive: true, force: true });
});

describe('an invitation accepted through single sign-on', () => {
	it('makes the account of the invited email, even outside the allowed domains, grants the membership and lands in the project', async () => {
		const token = await inviteDirectly(server, { projectId: other, email: 'ivy@partner.test', role: 'manager' });
		provider.setAccount('ivy', { email: 'ivy@partner.test', email_verified: true });
		const landed = await signInAs(server, provider, 'ivy', `?invitation=${token}`);
		// They land in the project the invitation let them into.
		expect(landed.location).toBe(`/projects/${other}`);
		const me = await whoIs(server, landed.cookie);
		expect(me.user?.email).toBe('ivy@partner.test');
		expect(me.memberships).toEqual([{ projectId: other, role: 'manager' }]);
		const [row] = await server.deps.db.select().from(invitations).where(eq(invitations.projectId, other));
		expect(row.acceptedBy).toBe(me.user?.id);
		// Single use: the same link again is refused before the provider is even asked.
		const again = await fetch(`${server.url}/api/auth/oidc/start?invitation=${token}`, { redirect: 'manual' });
		expect(again.headers.get('location')).toBe('/login?error=sso_invitation_invalid');
	});

	it('refuses another email than the invited one, and makes no account for it', async () => {
		const token = await inviteDirectly(server, { projectId: other, email: 'jon@partner.test', role: 'evaluator' });
		provider.setAccount('not-jon', { email: 'jane@partner.test', email_verified: true });
		const landed = await signInAs(server, provider, 'not-jon', `?invitation=${token}`);
		expect(landed).toMatchObject({ location: '/login?error=sso_invitation_email', cookie: '' });
		expect(await userByEmail(server, 'jane@partner.test')).toBeUndefined();
		const [row] = await server.deps.db.select().from(invitations).where(eq(invitations.email, 'jon@partner.test'));
		expect(row.acceptedAt).toBeNull();
	});
});

describe('roles from the provider (OIDC_ROLE_MAP)', () => {
	const signInWith = async (groups: unknown) => {
		provider.setAccount('rosa', { email: 'rosa@demo.test', email_verified: true, groups });
		const landed = await signInAs(server, provider, 'rosa');
		expect(landed.location).toBe('/');
		return whoIs(server, landed.cookie);
	};

	it('grants what the claim maps to, the highest role when several map to one project, and the admin flag', async () => {
		// Rosa is an existing password account, member of the project the map does not name.
		const admin = await server.login('admin@demo.test');
		await server.api('/api/admin/users', {
			body: { email: 'rosa@demo.test', name: 'Rosa', password: 'a long enough phrase 42' },
			headers: admin
		});
		await server.api(`/api/projects/${other}/members`, {
			method: 'PUT',
			body: { email: 'rosa@demo.test', role: 'evaluator' },
			headers: admin
		});
		let me = await signInWith(['raters']);
		expect(me.user?.isAdmin).toBe(false);
		expect(me.memberships).toContainEqual({ projectId: mapped, role: 'evaluator' });
		me = await signInWith(['raters', 'qa', 'concord-admins', 'unrelated']);
		expect(me.user?.isAdmin).toBe(true);
		expect(me.memberships).toContainEqual({ projectId: mapped, role: 'lead' });
		// Her password session, in use as an admin's...
		const password = await server.login('rosa@demo.test', 'a long enough phrase 42');
		expect((await server.api('/api/admin/users', { headers: password })).status).toBe(200);
		// A single string is one value.
		me = await signInWith('qa');
		expect(me.user?.isAdmin).toBe(false);
		expect(me.memberships).toContainEqual({ projectId: mapped, role: 'lead' });
		// ...loses the admin role with the sign-in that took it away.
		expect((await server.api('/api/admin/users', { headers: password })).status).toBe(403);
	});

	it('takes back what the claim no longer maps to, only in the projects the map names', async () => {
		// Another lead runs the mapped project, so Rosa's lead role may go (the last lead's may not: see below).
		const admin = await server.login('admin@demo.test');
		const added = await server.api(`/api/projects/${mapped}/members`, {
			method: 'PUT',
			body: { email: 'lead@demo.test', role: 'lead' },
			headers: admin
		});
		expect(added.status).toBe(200);
		const me = await signInWith([]);
		expect(me.user?.isAdmin).toBe(false);
		expect(me.memberships).toEqual([{ projectId: other, role: 'evaluator' }]);
	});

	it('audits every change it makes', async () => {
		const rosa = await userByEmail(server, 'rosa@demo.test');
		const rows = await server.deps.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entityId, rosa.id)));
		const changes = rows
			.filter((r) => r.action !== 'auth.sign_in' && r.actorId === null)
			.map((r) => [r.action, r.projectId, r.data]);
		expect(changes).toEqual([
			['membership.set', mapped, { role: 'evaluator' }],
			['user.admin_set', null, { isAdmin: true, via: 'oidc_role_map' }],
			['membership.set', mapped, { role: 'lead' }],
			['user.admin_set', null, { isAdmin: false, via: 'oidc_role_map' }],
			['membership.remove', mapped, { via: 'oidc_role_map' }]
		]);
	});

	it('keeps the project’s last lead a lead whatever the map says, and still signs her in', async () => {
		let me = await signInWith(['qa']);
		expect(me.memberships).toContainEqual({ projectId: mapped, role: 'lead' });
		const admin = await server.login('admin@demo.test');
		const other = await userByEmail(server, 'lead@demo.test');
		const removed = await server.api(`/api/projects/${mapped}/members/${other.id}`, {
			method: 'DELETE',
			headers: admin
		});
		expect(removed.status).toBe(200);
		// Rosa is now the project's only lead: neither a demotion nor a removal by the map applies.
		me = await signInWith(['raters']);
		expect(me.memberships).toContainEqual({ projectId: mapped, role: 'lead' });
		me = await signInWith([]);
		expect(me.memberships).toContainEqual({ projectId: mapped, role: 'lead' });
	});
});
