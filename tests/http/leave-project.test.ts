// Leaving a project, and the rule that a project always keeps a quality lead: any member may leave (and then no
// longer reaches the project), but its last lead can neither leave, be removed nor be demoted (409 saying to make
// someone else lead first), also when two leads demote and leave at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { auditLog, memberships, users } from '../../drizzle/schema';

let server: TestServer;
let ws: ReviewWorkspace;
const ids: Record<string, string> = {};

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 1 });
	for (const u of await server.deps.db.select().from(users)) ids[u.email.split('@')[0]] = u.id;
});
afterAll(async () => server?.close());

const leave = (headers: Record<string, string>) =>
	server.api(`/api/projects/${ws.pid}/members/me`, { method: 'DELETE', headers });
const setRole = (email: string, role: string) =>
	server.api(`/api/projects/${ws.pid}/members`, { method: 'PUT', body: { email, role }, headers: ws.people.admin });
const remove = (who: string) =>
	server.api(`/api/projects/${ws.pid}/members/${ids[who]}`, { method: 'DELETE', headers: ws.people.admin });
const leads = async () =>
	(
		await server.deps.db
			.select({ userId: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.projectId, ws.pid), eq(memberships.role, 'lead')))
	).map((m) => m.userId);

describe('leaving a project', () => {
	it('a member leaves and no longer reaches the project; the leave is audited', async () => {
		const res = await leave(ws.people.chen);
		expect(res.status).toBe(200);
		expect((await server.api(`/api/projects/${ws.pid}`, { headers: ws.people.chen })).status).toBe(404);
		const [row] = await server.deps.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'membership.leave'), eq(auditLog.entityId, ids.chen)));
		expect(row.actorId).toBe(ids.chen);
		// Not a member any more: there is nothing to leave.
		expect((await leave(ws.people.chen)).status).toBe(404);
	});

	it('an admin who is not a member has nothing to leave', async () => {
		expect((await leave(ws.people.admin)).status).toBe(404);
	});
});

describe('the last lead', () => {
	it('can neither leave, be removed nor be demoted, with a message saying what to do', async () => {
		expect(await leads()).toEqual([ids.lead]);
		for (const res of [await leave(ws.people.lead), await remove('lead'), await setRole('lead@demo.test', 'manager')]) {
			expect(res.status).toBe(409);
			expect(res.body.error.message).toMatch(/Make someone else lead first/);
		}
		expect(await leads()).toEqual([ids.lead]);
	});

	it('once there is another lead, the first may be demoted, removed or leave', async () => {
		await setRole('ben@demo.test', 'lead');
		expect((await setRole('lead@demo.test', 'evaluator')).status).toBe(200);
		expect(await leads()).toEqual([ids.ben]);
		// Now Ben is the only one again.
		expect((await remove('ben')).status).toBe(409);
		await setRole('lead@demo.test', 'lead');
		expect((await remove('ben')).status).toBe(200);
		expect(await leads()).toEqual([ids.lead]);
	});

	it('of leads demoting and leaving at once, one lead remains (several rounds)', async () => {
		for (let round = 0; round < 4; round++) {
			for (const email of ['lead@demo.test', 'ana@demo.test', 'ben@demo.test']) await setRole(email, 'lead');
			const results = await Promise.all([
				setRole('lead@demo.test', 'evaluator'),
				leave(ws.people.ana),
				remove('ben'),
				setRole('ana@demo.test', 'manager')
			]);
			expect(results.some((r) => r.status === 409)).toBe(true);
			expect(await leads()).toHaveLength(1);
			// Back in the project for the next round (Ana left or Ben was removed: re-add them).
			await setRole('ana@demo.test', 'evaluator');
			await setRole('ben@demo.test', 'evaluator');
		}
	});
});
