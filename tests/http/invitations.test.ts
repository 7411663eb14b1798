// Invitations against the real server: who may invite, strict bodies, the link shown once and stored hashed,
// replacing and revoking, previewing and accepting (a new account, or the existing one signed in), single use
// under concurrent accepts, the password policy and the audit rows each change writes (expiry and throttling:
// invitation-expiry.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../../server/db/client';
import { secretHash } from '../../server/domain/ids';
import { startTestServer, teamProject, type TestServer } from '../fixtures/server';

let server: TestServer;
let as: Record<string, Record<string, string>>;
let pid: string;
/** A project the lead is not a member of. */
let otherPid: string;

beforeAll(async () => {
	server = await startTestServer();
	({ as, pid } = await teamProject(server, 'Invitations'));
	as.pm = await server.login('pm@demo.test');
	otherPid = (await server.api('/api/projects', { body: { name: 'Elsewhere' }, headers: as.admin })).body.project.id;
});
afterAll(() => server.close());

const invite = (headers: Record<string, string>, email: string, role = 'evaluator', project = pid) =>
	server.api(`/api/projects/${project}/invitations`, { body: { email, role }, headers });
const tokenOf = (url: string) => url.split('/invite/')[1];
const accept = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
	server.api('/api/invitations/accept', { body, headers });
const cookieOf = (headers: Headers) => (headers.get('set-cookie') ?? '').split(';')[0];
const auditOf = (entityId: string) =>
	rows<{ action: string; actor_id: string | null; data: string | null }>(
		server.deps.db,
		sql`select action, actor_id, data from audit_log where entity_id = ${entityId} order by id`
	);

describe('issuing invitations', () => {
	it('gives a lead a single-use link once, stored only as its hash, valid for seven days, audited', async () => {
		const before = Date.now();
		const res = await invite(as.lead, 'Dana@Example.com');
		expect(res.status).toBe(201);
		const { invitation, mailed } = res.body;
		expect(mailed).toBe(false);
		expect(invitation).toMatchObject({ email: 'dana@example.com', role: 'evaluator', state: 'pending' });
		expect(invitation.invitedBy.name).toBe('Lea Lima');
		expect(invitation.url).toMatch(new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]{40,}$`));
		expect(invitation.expiresAt - before).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000 - 1000);
		expect(invitation.expiresAt - before).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 5000);
		const token = tokenOf(invitation.url);
		const stored = await rows<Record<string, unknown>>(
			server.deps.db,
			sql`select * from invitations where id = ${invitation.id}`
		);
		expect(stored[0].token_hash).toBe(secretHash(token));
		expect(JSON.stringify(stored)).not.toContain(token);
		expect((await auditOf(invitation.id)).map((a) => a.action)).toEqual(['invitation.create']);
		// The list never carries the link again.
		const list = await server.api(`/api/projects/${pid}/invitations`, { headers: as.lead });
		expect(list.body.invitations.find((i: { id: string }) => i.id === invitation.id)).not.toHaveProperty('url');
	});

	it('lets an admin invite into any project, and refuses evaluators, managers, outsiders and strangers', async () => {
		expect((await invite(as.admin, 'eve@example.com', 'lead', otherPid)).status).toBe(201);
		expect((await invite(as.ana, 'eve@example.com')).status).toBe(403);
		expect(
			(
				await invite(
					as.pm,
					'eve@example.com',
					'evaluator',
					(await server.api('/api/me', { headers: as.pm })).body.memberships[0].projectId
				)
			).status
		).toBe(403);
		// The lead of other projects does not learn that this one exists.
		expect((await invite(as.lead, 'eve@example.com', 'evaluator', otherPid)).status).toBe(404);
		expect((await invite({}, 'eve@example.com')).status).toBe(401);
		expect((await server.api(`/api/projects/${pid}/invitations`, { headers: as.ana })).status).toBe(403);
		expect((await server.api(`/api/projects/${otherPid}/invitations`, { headers: as.lead })).status).toBe(404);
	});

	it('validates bodies and queries strictly', async () => {
		const url = `/api/projects/${pid}/invitations`;
		const extra = await server.api(url, {
			body: { email: 'x@example.com', role: 'evaluator', note: 'hi' },
			headers: as.lead
		});
		expect(extra.status).toBe(400);
		expect(JSON.stringify(extra.body.error.details)).toContain('note');
		expect((await invite(as.lead, 'not-an-email')).status).toBe(400);
		expect((await invite(as.lead, 'x@example.com', 'admin')).status).toBe(400);
		expect((await server.api(`${url}?state=lost`, { headers: as.lead })).status).toBe(400);
		expect((await server.api(`${url}?sort=email`, { headers: as.lead })).status).toBe(400);
		expect((await accept({ token: 'x', name: 'Half' })).status).toBe(400);
	});

	it('refuses to invite a member with their role or a higher one, and allows raising a role', async () => {
		const same = await invite(as.lead, 'ana@demo.test', 'evaluator');
		expect(same.status).toBe(409);
		expect(same.body.error.message).toContain('already a member of this project as evaluator');
		expect((await invite(as.lead, 'lead@demo.test', 'manager')).status).toBe(409);
		expect((await invite(as.lead, 'chen@demo.test', 'manager')).status).toBe(201);
	});

	it('replaces a pending invitation to the same address instead of piling up', async () => {
		const first = (await invite(as.lead, 'fay@example.com')).body.invitation;
		const second = (await invite(as.lead, 'fay@example.com', 'manager')).body.invitation;
		const pending = (await server.api(`/api/projects/${pid}/invitations?limit=100`, { headers: as.lead })).body;
		const fays = pending.invitations.filter((i: { email: string }) => i.email === 'fay@example.com');
		expect(fays).toEqual([expect.objectContaining({ id: second.id, role: 'manager' })]);
		const revoked = await server.api(`/api/projects/${pid}/invitations?state=revoked`, { headers: as.lead });
		expect(revoked.body.invitations.map((i: { id: string }) => i.id)).toContain(first.id);
		expect((await auditOf(first.id)).map((a) => a.action)).toEqual(['invitation.create', 'invitation.revoke']);
		// The replaced link no longer works; the new one does.
		const old = await accept({ token: tokenOf(first.url), name: 'Fay', password: 'a long new passphrase' });
		expect(old.status).toBe(409);
		expect((await server.api(`/api/invitations/${tokenOf(second.url)}`)).body.problem).toBeNull();
	});

	it('pages the list by cursor, newest first', async () => {
		for (const n of [1, 2, 3]) await invite(as.lead, `pager${n}@example.com`);
		const url = `/api/projects/${pid}/invitations?limit=2`;
		const seen: string[] = [];
		let page = (await server.api(url, { headers: as.lead })).body;
		seen.push(...page.invitations.map((i: { email: string }) => i.email));
		while (page.nextCursor) {
			page = (await server.api(`${url}&cursor=${page.nextCursor}`, { headers: as.lead })).body;
			seen.push(...page.invitations.map((i: { email: string }) => i.email));
		}
		expect(seen.slice(0, 3)).toEqual(['pager3@example.com', 'pager2@example.com', 'pager1@example.com']);
		expect(new Set(seen).size).toBe(seen.length);
	});
});

describe('revoking', () => {
	it('withdraws a pending invitation once; the link then explains itself', async () => {
		const { invitation } = (await invite(as.lead, 'gil@example.com')).body;
		const url = `/api/invitations/${invitation.id}`;
		expect((await server.api(url, { method: 'DELETE', headers: as.ana })).status).toBe(403);
		expect((await server.api(url, { method: 'DELETE', headers: as.lead })).status).toBe(200);
		const again = await server.api(url, { method: 'DELETE', headers: as.lead });
		expect(again.status).toBe(409);
		expect(again.body.error.message).toContain('revoked');
		const preview = (await server.api(`/api/invitations/${tokenOf(invitation.url)}`)).body;
		expect(preview).toMatchObject({ state: 'revoked', problem: expect.stringContaining('withdrawn') });
		expect(
			(await accept({ token: tokenOf(invitation.url), name: 'Gil', password: 'a long new passphrase' })).status
		).toBe(409);
		const audit = await auditOf(invitation.id);
		expect(audit.map((a) => a.action)).toEqual(['invitation.create', 'invitation.revoke']);
	});

	it('hides another project’s invitation from a lead who is not in it', async () => {
		const { invitation } = (await invite(as.admin, 'hal@example.com', 'evaluator', otherPid)).body;
		expect((await server.api(`/api/invitations/${invitation.id}`, { method: 'DELETE', headers: as.lead })).status).toBe(
			404
		);
		expect(
			(await server.api(`/api/invitations/${invitation.id}`, { method: 'DELETE', headers: as.admin })).status
		).toBe(200);
	});
});

describe('accepting', () => {
	it('previews a link without signing in, and knows no link it did not give out', async () => {
		const { invitation } = (await invite(as.lead, 'ivy@example.com', 'manager')).body;
		const preview = await server.api(`/api/invitations/${tokenOf(invitation.url)}`);
		expect(preview.status).toBe(200);
		expect(preview.body).toMatchObject({
			projectName: 'Invitations',
			role: 'manager',
			email: 'ivy@example.com',
			invitedByName: 'Lea Lima',
			state: 'pending',
			problem: null,
			accountExists: false,
			methods: { password: true, oidc: null }
		});
		expect((await server.api('/api/invitations/not-a-real-token')).status).toBe(404);
	});

	it('creates the account, adds the membership and signs in, in one step; the link is then used', async () => {
		const { invitation } = (await invite(as.lead, 'jo@example.com')).body;
		const token = tokenOf(invitation.url);
		const res = await accept({ token, name: 'Jo Park', password: 'river stone lantern' });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			projectId: pid,
			role: 'evaluator',
			user: { email: 'jo@example.com', name: 'Jo Park' }
		});
		const me = await server.api('/api/me', { headers: { cookie: cookieOf(res.headers), origin: server.url } });
		expect(me.body.memberships).toEqual([{ projectId: pid, role: 'evaluator' }]);
		expect((await server.login('jo@example.com', 'river stone lantern')).cookie).toBeTruthy();
		const used = await accept({ token, name: 'Jo Again', password: 'river stone lantern' });
		expect(used.status).toBe(409);
		expect((await server.api(`/api/invitations/${token}`)).body).toMatchObject({
			state: 'accepted',
			accountExists: true
		});
		const userId = res.body.user.id;
		expect((await auditOf(invitation.id)).map((a) => a.action)).toEqual(['invitation.create', 'invitation.accept']);
		const userAudit = (await auditOf(userId)).map((a) => a.action);
		expect(userAudit).toEqual(expect.arrayContaining(['user.create', 'membership.set', 'auth.sign_in']));
		const signIn = (await auditOf(userId)).find((a) => a.action === 'auth.sign_in')!;
		expect(JSON.parse(signIn.data!).method).toBe('invitation');
	});

	it('lets only one of two concurrent accepts of one link through', async () => {
		const { invitation } = (await invite(as.lead, 'kim@example.com')).body;
		const token = tokenOf(invitation.url);
		const results = await Promise.all([
			accept({ token, name: 'Kim One', password: 'first quiet harbour' }),
			accept({ token, name: 'Kim Two', password: 'second quiet harbour' })
		]);
		expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
		const accounts = await rows<{ n: number | string }>(
			server.deps.db,
			sql`select count(*) as n from users where email = ${'kim@example.com'}`
		);
		expect(Number(accounts[0].n)).toBe(1);
	});

	it('holds a new password to the policy and creates nothing when it fails', async () => {
		const { invitation } = (await invite(as.lead, 'lou.reed@example.com')).body;
		const token = tokenOf(invitation.url);
		const short = await accept({ token, name: 'Lou', password: 'short' });
		expect(short.status).toBe(400);
		expect(short.body.error.details[0]).toMatchObject({ path: 'password', rule: 'too_short' });
		const personal = await accept({ token, name: 'Lou', password: 'lou.reed@example.com' });
		expect(personal.body.error.details[0].rule).toBe('personal');
		expect((await server.api(`/api/invitations/${token}`)).body).toMatchObject({
			state: 'pending',
			accountExists: false
		});
	});

	it('asks an existing account to sign in, refuses another account, and raises a role', async () => {
		const { invitation } = (await invite(as.admin, 'chen@demo.test', 'lead', otherPid)).body;
		const token = tokenOf(invitation.url);
		expect((await server.api(`/api/invitations/${token}`)).body.accountExists).toBe(true);
		expect((await accept({ token })).status).toBe(401);
		expect((await accept({ token, name: 'Chen', password: 'a brand new passphrase' })).status).toBe(409);
		const wrong = await accept({ token }, as.ana);
		expect(wrong.status).toBe(403);
		expect(wrong.body.error.message).toContain('chen@demo.test');
		const ok = await accept({ token }, as.chen);
		expect(ok.status).toBe(200);
		expect(ok.body.memberships).toEqual(expect.arrayContaining([{ projectId: otherPid, role: 'lead' }]));
		// Inviting an evaluator as lead raises them once they accept.
		const raise = tokenOf((await invite(as.lead, 'ben@demo.test', 'lead')).body.invitation.url);
		const raised = await accept({ token: raise }, as.ben);
		expect(raised.body.memberships).toEqual(expect.arrayContaining([{ projectId: pid, role: 'lead' }]));
	});
});
