// The blind rule (server/domain/blind.ts) as a table: role × state of the viewer's own evaluation (none, draft,
// submitted) × channel (escalation detail, the item's evaluations, the item's escalation list, the item's room,
// exports). Other people's scores, rationales, sources and score proposals reach an evaluator only after she has
// submitted her own evaluation of the item. Each item carries secrets (in rationales, sources and a live proposal)
// that must never appear where the rule says no, and must appear where it says yes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { joinNamedRoom, memberIds, type Person, type RoomClient } from '../fixtures/calibration-session';

type Own = 'none' | 'draft' | 'submitted';
/** The members, and an admin who is not a member of the project (reads it like a manager; never evaluates). */
type Viewer = { who: Person | 'admin'; own: Own };

let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
/** One item per state of Ana's own evaluation; Ben and Chen submitted on each, the lead shared a proposal. */
const itemOf = {} as Record<Own, string>;
/** Ana's escalation on each item. */
const escalationOf = {} as Record<Own, string>;
const rooms: RoomClient[] = [];

const secret = (own: Own, what: string) => `secret-${what}-${own}`;
const as = (p: Person | 'admin') => ws.people[p];
const get = (path: string, p: Person | 'admin') => server.api(path, { headers: as(p) });
const post = (path: string, p: Person, body: unknown) => server.api(path, { headers: as(p), body });

function joined(name: string, p: Person | 'admin'): RoomClient {
	const room = joinNamedRoom(server, name, as(p));
	rooms.push(room);
	return room;
}

/** Everything other people wrote about the item, as the viewer could receive it. */
function leaks(text: string, own: Own): string[] {
	return ['rationale-ben', 'source-chen', 'proposal-lead'].filter((what) => text.includes(secret(own, what)));
}

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 4 });
	ids = await memberIds(server, ws);
	const states: Own[] = ['none', 'draft', 'submitted'];
	for (const [i, own] of states.entries()) {
		const itemId = ws.itemIds[i];
		itemOf[own] = itemId;
		await ws.submit(ws.people.ben, itemId, { correctness: 2, safe: false }, secret(own, 'rationale-ben'));
		const chen = await post(`/api/items/${itemId}/evaluations`, 'chen', {
			rubricId: ws.rubricId,
			scores: { correctness: 5, safe: true },
			sources: [{ url: `https://example.org/${secret(own, 'source-chen')}`, note: 'checked' }],
			state: 'submitted'
		});
		expect(chen.status).toBe(201);
		// A third submission that disagrees opens an automatic escalation (its dimension says where people differ).
		await ws.submit(ws.people.lead, itemId, { correctness: 1, safe: false }, 'lead view');
		if (own !== 'none') {
			const ana = await post(`/api/items/${itemId}/evaluations`, 'ana', {
				rubricId: ws.rubricId,
				scores: { correctness: 3, safe: true },
				rationale: 'ana thinking',
				state: own
			});
			expect(ana.status).toBe(201);
		}
		const opened = await post(`/api/items/${itemId}/escalations`, 'ana', {
			reason: 'guideline_ambiguous',
			note: 'Which year counts?'
		});
		expect(opened.status).toBe(201);
		escalationOf[own] = opened.body.escalation.id;
		// The lead shares a proposal and starts the discussion in the item's room.
		const lead = joined(`item:${itemId}`, 'lead');
		await lead.synced;
		const proposals = lead.doc.getMap('annotations').get('proposals') as import('yjs').Map<unknown>;
		proposals.set(ids.lead, {
			userId: ids.lead,
			name: 'Lea Lima',
			scores: { correctness: 4 },
			note: secret(own, 'proposal-lead'),
			at: Date.now()
		});
		const { addComment } = await import('../../src/lib/collab/room-doc');
		addComment(lead.doc, { id: ids.lead, name: 'Lea Lima' }, `discussion-${own}`);
		await eventually(
			() =>
				server.deps.rooms.read(`item:${itemId}`, (d) =>
					JSON.stringify(d.getMap('annotations').toJSON()).includes(secret(own, 'proposal-lead'))
				),
			5000,
			'the proposal to be stored'
		);
	}
});

afterAll(async () => {
	for (const r of rooms) r.destroy();
	await server?.close();
});

const viewers: { viewer: Viewer; sees: boolean }[] = [
	{ viewer: { who: 'ana', own: 'none' }, sees: false },
	{ viewer: { who: 'ana', own: 'draft' }, sees: false },
	{ viewer: { who: 'ana', own: 'submitted' }, sees: true },
	{ viewer: { who: 'lead', own: 'none' }, sees: true },
	{ viewer: { who: 'pm', own: 'none' }, sees: true },
	{ viewer: { who: 'admin', own: 'none' }, sees: true }
];
const table = viewers.map(
	(v) =>
		[`${v.viewer.who} (own evaluation: ${v.viewer.own}) ${v.sees ? 'sees' : 'does not see'} others' work`, v] as const
);

describe('channel: GET /api/escalations/:id', () => {
	it.each(table)('%s', async (_, { viewer, sees }) => {
		const res = await get(`/api/escalations/${escalationOf[viewer.own]}`, viewer.who);
		expect(res.status).toBe(200);
		const text = JSON.stringify(res.body);
		expect(res.body.blind).toBe(!sees);
		if (sees) {
			expect(leaks(text, viewer.own)).toEqual(['rationale-ben', 'source-chen']);
			expect(res.body.agreement.length).toBeGreaterThan(0);
		} else {
			expect(leaks(text, viewer.own)).toEqual([]);
			expect(res.body.evaluations).toEqual([]);
			expect(res.body.agreement).toEqual([]);
			// She still sees the item, the discussion (read-only) and what she raised.
			expect(res.body.item.id).toBe(itemOf[viewer.own]);
			expect(res.body.discussion.map((c: { text: string }) => c.text)).toEqual([`discussion-${viewer.own}`]);
			expect(res.body.can.discuss).toBe(false);
		}
	});

	it('an evaluator who neither evaluated nor escalated the item cannot open the escalation', async () => {
		// Nobody has evaluated the fourth item yet: Chen (no evaluation, then a draft) is not involved.
		const itemId = ws.itemIds[3];
		const opened = await post(`/api/items/${itemId}/escalations`, 'ben', { reason: 'broken_item', note: 'Unreadable' });
		expect(opened.status).toBe(201);
		expect((await get(`/api/escalations/${opened.body.escalation.id}`, 'chen')).status).toBe(403);
		await post(`/api/items/${itemId}/evaluations`, 'chen', {
			rubricId: ws.rubricId,
			scores: { correctness: 1 },
			state: 'draft'
		});
		expect((await get(`/api/escalations/${opened.body.escalation.id}`, 'chen')).status).toBe(403);
	});
});

describe('channel: GET /api/items/:id/evaluations', () => {
	it.each(table)('%s', async (_, { viewer }) => {
		const res = await get(`/api/items/${itemOf[viewer.own]}/evaluations`, viewer.who);
		expect(res.status).toBe(200);
		const others = res.body.evaluations.filter(
			(e: { evaluatorId: string }) => e.evaluatorId !== (viewer.who === 'admin' ? '' : ids[viewer.who])
		);
		// This list is the evaluator's own work only, whatever her state; leads and managers read everything.
		if (viewer.who === 'ana') expect(others).toEqual([]);
		else expect(others.length).toBeGreaterThanOrEqual(2);
	});
});

describe('channel: GET /api/items/:id/escalations', () => {
	it('a blind evaluator sees only her own escalations of the item, not the automatic ones', async () => {
		const sources = async (own: Own) =>
			(await get(`/api/items/${itemOf[own]}/escalations`, 'ana')).body.escalations
				.map((e: { source: string }) => e.source)
				.sort();
		expect(await sources('none')).toEqual(['manual']);
		expect(await sources('draft')).toEqual(['manual']);
		expect(await sources('submitted')).toEqual(['auto', 'manual']);
		const lead = await get(`/api/items/${itemOf.none}/escalations`, 'lead');
		expect(lead.body.escalations.map((e: { source: string }) => e.source).sort()).toEqual(['auto', 'manual']);
	});

	it('the blind escalation detail lists no automatic escalation among the related ones', async () => {
		const res = await get(`/api/escalations/${escalationOf.none}`, 'ana');
		expect(res.body.related).toEqual([]);
		const lead = await get(`/api/escalations/${escalationOf.none}`, 'lead');
		expect(lead.body.related.map((e: { source: string }) => e.source)).toEqual(['auto']);
	});
});

describe('channel: the item room (score proposals)', () => {
	it.each(table)('%s', async (_, { viewer, sees }) => {
		const room = joined(`item:${itemOf[viewer.own]}`, viewer.who);
		if (sees) {
			await room.synced;
			expect(leaks(JSON.stringify(room.doc.getMap('annotations').toJSON()), viewer.own)).toEqual(['proposal-lead']);
		} else {
			expect((await room.closed).code).toBe(4403);
			expect(leaks(JSON.stringify(room.doc.getMap('annotations').toJSON()), viewer.own)).toEqual([]);
		}
		room.destroy();
	});

	it('reopening a submitted evaluation as a draft closes the room for her at once', async () => {
		const itemId = ws.itemIds[3];
		await ws.submit(ws.people.ana, itemId, { correctness: 4, safe: true });
		const room = joined(`item:${itemId}`, 'ana');
		await room.synced;
		const res = await post(`/api/items/${itemId}/evaluations`, 'ana', {
			rubricId: ws.rubricId,
			scores: { correctness: 4 },
			state: 'draft'
		});
		expect(res.status).toBe(201);
		expect((await room.closed).code).toBe(4403);
	});
});

describe('channel: notifications', () => {
	it('a blind evaluator hears of the verdict on her escalation, and of nothing the others wrote', async () => {
		const id = escalationOf.none;
		expect((await post(`/api/escalations/${id}/claim`, 'lead', {})).status).toBe(200);
		const verdict = await post(`/api/escalations/${id}/verdict`, 'lead', {
			scores: { correctness: 3, safe: true },
			reasonCode: 'guideline_unclear',
			note: 'Count the year of the event.'
		});
		expect(verdict.status).toBe(200);
		const inbox = await get('/api/notifications', 'ana');
		const mine = inbox.body.notifications.filter(
			(n: { data: { escalationId?: string } }) => n.data.escalationId === id
		);
		expect(mine.map((n: { kind: string }) => n.kind)).toEqual(['escalation.resolved']);
		expect(leaks(JSON.stringify(inbox.body), 'none')).toEqual([]);
		// The verdict is hers to see; the others' sheets still are not.
		const detail = await get(`/api/escalations/${id}`, 'ana');
		expect(detail.body.escalation.verdict.scores).toEqual({ correctness: 3, safe: true });
		expect(detail.body.evaluations).toEqual([]);
	});
});

describe('channel: exports and agreement', () => {
	it('an evaluator exports nothing and reads no agreement figures, whatever she submitted', async () => {
		expect((await get(`/api/projects/${ws.pid}/export?format=jsonl`, 'ana')).status).toBe(403);
		expect((await get(`/api/projects/${ws.pid}/agreement`, 'ana')).status).toBe(403);
	});
});

describe('the rule itself', () => {
	it.each(table)('%s', async (_, { viewer, sees }) => {
		const { seesOthersWork } = await import('../../server/domain/blind');
		const role =
			viewer.who === 'ana' ? 'evaluator' : viewer.who === 'lead' ? 'lead' : viewer.who === 'pm' ? 'manager' : 'admin';
		expect(seesOthersWork({ role, submitted: viewer.own === 'submitted' })).toBe(sees);
	});
	it('non-members see nothing', async () => {
		const { seesOthersWork } = await import('../../server/domain/blind');
		expect(seesOthersWork({ role: null, submitted: true })).toBe(false);
	});
});
