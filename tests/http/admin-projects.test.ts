// An admin opens every project, also one they are not a member of, as 'admin': a reader and manager. They read
// what a project manager reads (items with gold, every submitted evaluation, the escalation queue, agreement,
// calibration reports, exports) and manage members, but never score, decide an escalation or a calibration, edit
// or publish a guideline; in rooms they read and write nothing. Admins do not evaluate, so seeing submitted work
// breaks no blind rule (tests/http/blind-rule.test.ts has the admin row).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { joinNamedRoom, type RoomClient } from '../fixtures/calibration-session';
import { can, MATRIX, PROJECT_ROLES, projectRole } from '../../server/domain/permissions';

let server: TestServer;
let ws: ReviewWorkspace;
let escalationId: string;
let guidelineId: string;
const rooms: RoomClient[] = [];

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2, threshold: 0.9 });
	const [item] = ws.itemIds;
	await ws.submit(ws.people.ana, item, { correctness: 1, safe: false }, 'ana rationale');
	await ws.submit(ws.people.ben, item, { correctness: 5, safe: true }, 'ben rationale');
	const opened = await server.api(`/api/items/${item}/escalations`, {
		headers: ws.people.ana,
		body: { reason: 'guideline_ambiguous', note: 'Which year?' }
	});
	escalationId = opened.body.escalation.id;
	const made = await server.api(`/api/projects/${ws.pid}/guidelines`, {
		headers: ws.people.lead,
		body: { title: 'Handbook' }
	});
	guidelineId = made.body.guideline.id;
});

afterAll(async () => {
	for (const r of rooms) r.destroy();
	await server?.close();
});

const get = (path: string) => server.api(path, { headers: ws.people.admin });
const post = (path: string, body: unknown = {}) => server.api(path, { headers: ws.people.admin, body });

describe('an admin who is not a member', () => {
	it('sees the project in the list and opens it with the role admin', async () => {
		const list = await get('/api/projects');
		expect(list.body.projects.find((p: { id: string }) => p.id === ws.pid).role).toBe('admin');
		const one = await get(`/api/projects/${ws.pid}`);
		expect(one.status).toBe(200);
		expect(one.body.project.role).toBe('admin');
		// A lead's own list still shows their role; nobody else is called admin.
		const lead = await server.api('/api/projects', { headers: ws.people.lead });
		expect(lead.body.projects[0].role).toBe('lead');
	});

	it('reads like a manager: items with gold, submitted evaluations, the queue, agreement, exports', async () => {
		expect((await get(`/api/projects/${ws.pid}/items`)).status).toBe(200);
		const evaluations = await get(`/api/items/${ws.itemIds[0]}/evaluations`);
		expect(evaluations.body.evaluations.map((e: { rationale: string }) => e.rationale).sort()).toEqual([
			'ana rationale',
			'ben rationale'
		]);
		expect((await get(`/api/projects/${ws.pid}/escalations`)).body.escalations.length).toBeGreaterThan(0);
		const detail = await get(`/api/escalations/${escalationId}`);
		expect(detail.body.blind).toBe(false);
		expect(detail.body.can).toEqual({ decide: false, discuss: false });
		expect((await get(`/api/projects/${ws.pid}/agreement`)).status).toBe(200);
		expect((await get(`/api/projects/${ws.pid}/export?format=jsonl`)).status).toBe(200);
		expect((await get(`/api/projects/${ws.pid}/members`)).status).toBe(200);
	});

	it('never scores, decides escalations or calibrations, or edits guidelines', async () => {
		const score = await post(`/api/items/${ws.itemIds[1]}/evaluations`, {
			rubricId: ws.rubricId,
			scores: { correctness: 3 },
			state: 'submitted'
		});
		const refused = [
			score,
			await post(`/api/escalations/${escalationId}/claim`),
			await post(`/api/escalations/${escalationId}/dismiss`, { note: 'no' }),
			await post(`/api/projects/${ws.pid}/guidelines`, { title: 'Mine' }),
			await post(`/api/guidelines/${guidelineId}/publish`, { changelog: 'x', escalationIds: [] })
		];
		expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(refused.map(() => [403, 'forbidden']));
		const calibration = await post(`/api/projects/${ws.pid}/calibrations`, {
			title: 'T',
			rubricId: ws.rubricId,
			itemIds: [ws.itemIds[0]],
			participantIds: ['a', 'b']
		});
		expect(calibration.status).toBe(403);
	});

	it('manages the project: adds and removes members', async () => {
		const added = await server.api(`/api/projects/${ws.pid}/members`, {
			method: 'PUT',
			headers: ws.people.admin,
			body: { email: 'pm@demo.test', role: 'manager' }
		});
		expect(added.status).toBe(200);
	});

	it('joins rooms read-only: an item room and the guideline room sync, its writes are dropped', async () => {
		for (const name of [`item:${ws.itemIds[0]}`, `guideline:${guidelineId}`]) {
			const room = joinNamedRoom(server, name, ws.people.admin);
			rooms.push(room);
			await room.synced;
			room.doc.getArray('discussion').push(['admin note']);
			// The lead's view of the room never receives it.
			const lead = joinNamedRoom(server, name, ws.people.lead);
			rooms.push(lead);
			await lead.synced;
			await new Promise((r) => setTimeout(r, 300));
			expect(JSON.stringify(lead.doc.getArray('discussion').toJSON())).not.toContain('admin note');
		}
	});
});

describe('the permission table', () => {
	it('gives the admin role every manager permission plus managing the project and its people, and nothing that decides or scores', () => {
		const extra = [...MATRIX.admin].filter((a) => !MATRIX.manager.has(a));
		expect(extra.sort()).toEqual(['member.invite', 'project.manage']);
		for (const a of ['item.evaluate', 'escalation.decide', 'calibration.decide', 'guideline.edit'] as const)
			expect(can({ isAdmin: true, role: null }, a)).toBe(false);
		expect(PROJECT_ROLES).toEqual(['evaluator', 'lead', 'manager', 'admin']);
	});

	it('an admin who is a member acts with their membership, and still manages the project', () => {
		expect(projectRole(true, 'evaluator')).toBe('evaluator');
		expect(projectRole(true, null)).toBe('admin');
		expect(projectRole(false, null)).toBe(null);
		expect(can({ isAdmin: true, role: 'evaluator' }, 'project.manage')).toBe(true);
		expect(can({ isAdmin: true, role: 'evaluator' }, 'agreement.read')).toBe(false);
		expect(can({ isAdmin: false, role: null }, 'project.read')).toBe(false);
	});
});
