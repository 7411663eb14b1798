// The audit trail after a representative day, over the real server: a failed and a real sign-in, an API token
// created and revoked, a password changed, a role changed, items imported, an export, a webhook with a secret in
// its URL, an escalation claimed and decided. Each decision the issue lists is in the project's trail with its
// actor; the admin's trail holds the sign-ins (no project) beside every project's rows; and no row anywhere holds a
// password, a token, a token's hash, a session cookie or a webhook's secret path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/server';
import { DEMO_PASSWORD } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { walkPages, withQuery } from '../fixtures/pages';
import { auditLog } from '../../drizzle/schema';
import { secretHash } from '../../server/domain/ids';

let server: TestServer;
let ws: ReviewWorkspace;
const secrets: string[] = [DEMO_PASSWORD];
const NEW_PASSWORD = 'violet-harbour-lantern-42';
const WRONG_PASSWORD = 'not-the-password-at-all';
const HOOK_SECRET = 'T0SECRET/B0SECRET/xoxbSECRETPATH';

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2 });
	const post = (path: string, who: Record<string, string>, body?: unknown) =>
		server.api(path, { method: 'POST', headers: who, body: body ?? {} });

	expect(
		(await server.api('/api/auth/login', { body: { email: 'ana@demo.test', password: WRONG_PASSWORD } })).status
	).toBe(401);
	secrets.push(WRONG_PASSWORD, ws.people.ana.cookie.split('=')[1]);
	const token = await post('/api/tokens', ws.people.ana, { name: 'nightly script', expiresInDays: 7 });
	expect(token.status).toBe(201);
	secrets.push(token.body.token, secretHash(token.body.token));
	expect((await server.api(`/api/tokens/${token.body.id}`, { method: 'DELETE', headers: ws.people.ana })).status).toBe(
		200
	);
	const changed = await post('/api/me/password', ws.people.ben, {
		currentPassword: DEMO_PASSWORD,
		newPassword: NEW_PASSWORD
	});
	expect(changed.status, JSON.stringify(changed.body)).toBe(200);
	secrets.push(NEW_PASSWORD);
	const role = await server.api(`/api/projects/${ws.pid}/members`, {
		method: 'PUT',
		body: { email: 'chen@demo.test', role: 'lead' },
		headers: ws.people.admin
	});
	expect(role.status).toBe(200);
	expect(
		(await fetch(`${server.url}/api/projects/${ws.pid}/export?format=csv&state=all`, { headers: ws.people.pm })).status
	).toBe(200);
	const hook = await post(`/api/projects/${ws.pid}/webhooks`, ws.people.lead, {
		url: `https://hooks.example.com/services/${HOOK_SECRET}?key=abc`,
		events: ['escalation.resolved']
	});
	expect(hook.status, JSON.stringify(hook.body)).toBe(201);
	secrets.push(HOOK_SECRET, 'key=abc', hook.body.webhook.secret);
	await ws.submit(ws.people.ana, ws.itemIds[0], { correctness: 4, safe: true });
	const opened = await post(`/api/items/${ws.itemIds[0]}/escalations`, ws.people.ana, {
		reason: 'guideline_ambiguous',
		note: 'Which year?'
	});
	const id = opened.body.escalation.id as string;
	expect((await post(`/api/escalations/${id}/claim`, ws.people.lead)).status).toBe(200);
	const verdict = await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
		scores: { correctness: 2, safe: true },
		reasonCode: 'guideline_missing',
		note: 'A wrong year is a factual error.'
	});
	expect(verdict.status).toBe(200);
});
afterAll(() => server?.close());

describe('after a day of work', () => {
	it('the project trail names who did each decision the issue lists', async () => {
		const { rows } = await walkPages(server, `/api/projects/${ws.pid}/audit`, 'entries', ws.people.lead, 100);
		const by = (action: string) => rows.find((e) => e.action === action);
		for (const [action, email] of [
			['items.import', 'lead@demo.test'],
			['membership.set', 'admin@demo.test'],
			['export.download', 'pm@demo.test'],
			['evaluation.submit', 'ana@demo.test'],
			['escalation.open', 'ana@demo.test'],
			['escalation.claim', 'lead@demo.test'],
			['escalation.verdict', 'lead@demo.test'],
			['webhook.create', 'lead@demo.test']
		]) {
			expect(by(action)?.actor?.email, action).toBe(email);
		}
		expect(by('export.download')?.detail).toEqual({ format: 'csv', filters: { state: 'all' } });
		expect(by('export.download')?.link).toBe(`/projects/${ws.pid}/export`);
		expect(by('webhook.create')?.detail.url).toBe('https://hooks.example.com/…');
		// Sign-ins and tokens belong to no project.
		expect(rows.some((e) => e.action.startsWith('auth.') || e.action.startsWith('token.'))).toBe(false);
	});

	it('the admin trail holds sign-ins and failed sign-ins beside the projects, filterable to no project', async () => {
		const all = await walkPages(server, '/api/admin/audit', 'entries', ws.people.admin, 100);
		const actions = new Set(all.rows.map((e) => e.action));
		for (const a of [
			'auth.sign_in',
			'auth.sign_in_failed',
			'token.create',
			'token.revoke',
			'user.password_change',
			'escalation.verdict'
		])
			expect(actions, a).toContain(a);
		const failed = all.rows.find((e) => e.action === 'auth.sign_in_failed');
		expect(failed).toMatchObject({ projectId: null, actor: { email: 'ana@demo.test' } });
		const none = await walkPages(
			server,
			withQuery('/api/admin/audit', { project: 'none' }),
			'entries',
			ws.people.admin,
			100
		);
		expect(none.rows.length).toBeGreaterThan(0);
		expect(none.rows.every((e) => e.projectId === null)).toBe(true);
		const one = await server.api(withQuery('/api/admin/audit', { project: ws.pid, action: 'auth.*' }), {
			headers: ws.people.admin
		});
		expect(one.body.entries).toEqual([]);
		const signIns = await server.api(withQuery('/api/admin/audit', { action: 'auth.*', format: 'csv' }), {
			headers: ws.people.admin
		});
		expect(signIns.headers.get('content-disposition')).toMatch(/filename="concord-audit-\d{4}-\d{2}-\d{2}\.csv"/);
		expect(String(signIns.body)).toContain('auth.sign_in_failed');
		const facets = await server.api('/api/admin/audit/facets', { headers: ws.people.admin });
		expect(facets.body.actions).toEqual(
			expect.arrayContaining(['auth.sign_in', 'auth.sign_in_failed', 'escalation.verdict'])
		);
	});

	it('no audit row holds a password, a token, a hash of one, a session cookie or a webhook secret', async () => {
		const rows = await server.deps.db.select().from(auditLog);
		expect(rows.length).toBeGreaterThan(20);
		const text = JSON.stringify(rows);
		for (const secret of secrets)
			expect(text.includes(secret), `a secret (${secret.slice(0, 4)}…) in the trail`).toBe(false);
	});
});
