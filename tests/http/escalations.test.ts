// Escalations over the real server: opening (manual and automatic, exactly once), every transition with its
// role check and 409s, concurrent claims by two leads, verdict → gold + notifications, the queue and "mine".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { auditLog } from '../../drizzle/schema';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { WS } from '../collab/fixture';
import { eventually } from '../fixtures/server';
import { escalationStateKey, PROPOSALS_KEY } from '#shared/escalation';

let server: TestServer;
let ws: ReviewWorkspace;
const events: { name: string; payload: Record<string, unknown> }[] = [];

beforeAll(async () => {
	server = await startReviewServer();
	for (const name of ['escalation.opened', 'escalation.resolved'] as const)
		server.deps.events.on(name, (payload) => void events.push({ name, payload: { ...payload } }));
	ws = await createReviewWorkspace(server, { items: 12 });
});
afterAll(() => server?.close());

const post = (path: string, headers: Record<string, string>, body: unknown = {}) => server.api(path, { body, headers });
const escalate = (itemId: string, headers: Record<string, string>, body: unknown) =>
	post(`/api/items/${itemId}/escalations`, headers, body);
const auditActions = async (id: string) =>
	(
		await server.deps.db
			.select({ action: auditLog.action })
			.from(auditLog)
			.where(and(eq(auditLog.entityType, 'escalation'), eq(auditLog.entityId, id)))
			.orderBy(auditLog.id)
	).map((r) => r.action);

describe('opening an escalation', () => {
	it('validates the reason and requires a note for "other"', async () => {
		const item = ws.itemIds[0];
		expect((await escalate(item, ws.people.ana, { reason: 'because' })).status).toBe(400);
		const noNote = await escalate(item, ws.people.ana, { reason: 'other' });
		expect(noNote.status).toBe(400);
		expect(noNote.body.error.details).toEqual([expect.objectContaining({ path: 'note' })]);
	});

	it('opens one per person and item, audited, and tells the leads', async () => {
		const item = ws.itemIds[0];
		const res = await escalate(item, ws.people.ana, {
			reason: 'guideline_ambiguous',
			note: 'Is a European Portuguese answer wrong here?'
		});
		expect(res.status).toBe(201);
		expect(res.body.escalation).toMatchObject({
			itemId: item,
			state: 'open',
			source: 'manual',
			reason: 'guideline_ambiguous',
			openedBy: { name: 'Ana Souza' }
		});
		expect(await auditActions(res.body.escalation.id)).toEqual(['escalation.open']);
		expect((await escalate(item, ws.people.ana, { reason: 'broken_item' })).status).toBe(409);
		const leadInbox = await server.api('/api/notifications', { headers: ws.people.lead });
		expect(
			leadInbox.body.notifications.some(
				(n: any) => n.kind === 'escalation.opened' && n.data.escalationId === res.body.escalation.id
			)
		).toBe(true);
	});

	it('is not for managers, and hides projects from non-members', async () => {
		expect((await escalate(ws.itemIds[0], ws.people.pm, { reason: 'broken_item' })).status).toBe(403);
		const outsider = await server.login('admin@demo.test');
		expect((await escalate(ws.itemIds[0], outsider, { reason: 'broken_item' })).status).toBe(403);
		expect((await escalate('no-such-item', ws.people.ana, { reason: 'broken_item' })).status).toBe(404);
	});

	it("lists an item's escalations: evaluators only their own or those they are involved in", async () => {
		const item = ws.itemIds[0];
		const asLead = await server.api(`/api/items/${item}/escalations`, { headers: ws.people.lead });
		const asAna = await server.api(`/api/items/${item}/escalations`, { headers: ws.people.ana });
		const asBen = await server.api(`/api/items/${item}/escalations`, { headers: ws.people.ben });
		expect(asLead.body.escalations).toHaveLength(1);
		expect(asAna.body.escalations).toHaveLength(1);
		expect(asBen.body.escalations).toHaveLength(0);
		await ws.submit(ws.people.ben, item, { correctness: 4, safe: true });
		expect(
			(await server.api(`/api/items/${item}/escalations`, { headers: ws.people.ben })).body.escalations
		).toHaveLength(1);
	});
});

describe('transitions', () => {
	let id: string;
	const item = () => ws.itemIds[1];

	beforeAll(async () => {
		await ws.submit(ws.people.ben, item(), { correctness: 2, safe: true }, 'The date is wrong.');
		await ws.submit(ws.people.chen, item(), { correctness: 5, safe: true }, 'Looks right to me.');
		id = (await escalate(item(), ws.people.ben, { reason: 'guideline_missing', note: 'Nothing on partial dates' })).body
			.escalation.id;
	});

	it('lets only leads claim, once', async () => {
		expect((await post(`/api/escalations/${id}/claim`, ws.people.ben)).status).toBe(403);
		expect((await post(`/api/escalations/${id}/claim`, ws.people.pm)).status).toBe(403);
		const claimed = await post(`/api/escalations/${id}/claim`, ws.people.lead);
		expect(claimed.status).toBe(200);
		expect(claimed.body.escalation).toMatchObject({ state: 'in_review', claimedBy: { name: 'Lea Lima' } });
		const again = await post(`/api/escalations/${id}/claim`, ws.people.lead);
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('conflict');
	});

	it('shows the detail to leads, managers and the evaluators involved only', async () => {
		const asLead = await server.api(`/api/escalations/${id}`, { headers: ws.people.lead });
		expect(asLead.status).toBe(200);
		expect(asLead.body.evaluations.map((e: any) => e.evaluatorName).sort()).toEqual(['Ben Carter', 'Chen Wei']);
		expect(asLead.body.evaluations[0]).toMatchObject({
			scores: expect.any(Object),
			rationale: expect.any(String),
			spans: []
		});
		expect(asLead.body.agreement.find((a: any) => a.key === 'correctness')).toMatchObject({
			ratings: 2,
			conflict: false
		});
		expect(asLead.body.can).toEqual({ decide: true, discuss: true });
		const asPm = await server.api(`/api/escalations/${id}`, { headers: ws.people.pm });
		expect(asPm.status).toBe(200);
		expect(asPm.body.can).toEqual({ decide: false, discuss: false });
		expect((await server.api(`/api/escalations/${id}`, { headers: ws.people.chen })).status).toBe(200);
		expect((await server.api(`/api/escalations/${id}`, { headers: ws.people.ana })).status).toBe(403);
		expect(asLead.body.item.gold).toBeNull();
	});

	it('refuses verdicts from evaluators and verdicts that do not fit the rubric', async () => {
		expect(
			(
				await post(`/api/escalations/${id}/verdict`, ws.people.ben, {
					scores: { correctness: 2, safe: true },
					reasonCode: 'guideline_missing',
					note: 'x'
				})
			).status
		).toBe(403);
		const bad = await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
			scores: { correctness: 9 },
			reasonCode: 'guideline_missing',
			note: 'x'
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['scores.correctness', 'scores.safe']);
		expect(
			(
				await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
					scores: { correctness: 2, safe: true },
					reasonCode: 'nope',
					note: 'x'
				})
			).status
		).toBe(400);
		expect(
			(
				await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
					scores: { correctness: 2, safe: true },
					reasonCode: 'policy',
					note: 'x',
					guidelineVersionId: 'nope'
				})
			).status
		).toBe(400);
	});

	it('resolves with a verdict that becomes gold and notifies the evaluators involved', async () => {
		const res = await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
			scores: { correctness: 2, safe: true },
			reasonCode: 'guideline_missing',
			note: 'A wrong year is a factual error: score 2.'
		});
		expect(res.status).toBe(200);
		expect(res.body.escalation).toMatchObject({
			state: 'resolved',
			verdict: { scores: { correctness: 2, safe: true }, reasonCode: 'guideline_missing' }
		});
		expect(res.body.escalation.closedAt).toBeGreaterThanOrEqual(res.body.escalation.claimedAt);
		const gold = (await server.api(`/api/items/${item()}`, { headers: ws.people.lead })).body.item.gold;
		expect(gold).toMatchObject({
			scores: { correctness: 2, safe: true },
			source: 'verdict',
			escalationId: id,
			note: 'A wrong year is a factual error: score 2.'
		});
		for (const who of [ws.people.ben, ws.people.chen]) {
			const inbox = await server.api('/api/notifications', { headers: who });
			const n = inbox.body.notifications.find(
				(x: any) => x.kind === 'escalation.resolved' && x.data.escalationId === id
			);
			expect(n).toBeTruthy();
			expect(inbox.body.unread).toBeGreaterThan(0);
		}
		expect(
			(await server.api('/api/notifications', { headers: ws.people.ana })).body.notifications.some(
				(x: any) => x.data.escalationId === id
			)
		).toBe(false);
		expect(await auditActions(id)).toEqual(['escalation.open', 'escalation.claim', 'escalation.verdict']);
	});

	it('lets a recipient mark a notification read, and nobody else', async () => {
		const inbox = await server.api('/api/notifications', { headers: ws.people.chen });
		const n = inbox.body.notifications.find((x: any) => x.data.escalationId === id);
		expect((await post(`/api/notifications/${n.id}/read`, ws.people.ben)).status).toBe(404);
		const read = await post(`/api/notifications/${n.id}/read`, ws.people.chen);
		expect(read.status).toBe(200);
		expect(read.body.notifications.find((x: any) => x.id === n.id).readAt).toEqual(expect.any(Number));
		expect(read.body.unread).toBe(inbox.body.unread - 1);
	});

	it('refuses every transition the resolved state does not allow', async () => {
		expect((await post(`/api/escalations/${id}/claim`, ws.people.lead)).status).toBe(409);
		expect((await post(`/api/escalations/${id}/dismiss`, ws.people.lead, { note: 'late' })).status).toBe(409);
		expect(
			(
				await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
					scores: { correctness: 3, safe: true },
					reasonCode: 'policy',
					note: 'again'
				})
			).status
		).toBe(409);
	});

	it('reopens (lead only, with a note), then dismisses straight from open', async () => {
		expect((await post(`/api/escalations/${id}/reopen`, ws.people.ben, { note: 'please' })).status).toBe(403);
		expect((await post(`/api/escalations/${id}/reopen`, ws.people.lead, {})).status).toBe(400);
		const reopened = await post(`/api/escalations/${id}/reopen`, ws.people.lead, {
			note: 'New evidence from the source'
		});
		expect(reopened.status).toBe(200);
		expect(reopened.body.escalation).toMatchObject({ state: 'open', claimedBy: null, verdict: null, closedAt: null });
		expect((await post(`/api/escalations/${id}/reopen`, ws.people.lead, { note: 'twice' })).status).toBe(409);
		expect(
			(
				await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
					scores: { correctness: 2, safe: true },
					reasonCode: 'policy',
					note: 'unclaimed'
				})
			).status
		).toBe(409);
		const dismissed = await post(`/api/escalations/${id}/dismiss`, ws.people.lead, { note: 'Covered by section 2.3' });
		expect(dismissed.status).toBe(200);
		expect(dismissed.body.escalation).toMatchObject({ state: 'dismissed', closeNote: 'Covered by section 2.3' });
		expect((await post(`/api/escalations/${id}/dismiss`, ws.people.lead, { note: 'again' })).status).toBe(409);
		const benInbox = await server.api('/api/notifications', { headers: ws.people.ben });
		expect(
			benInbox.body.notifications.some((x: any) => x.kind === 'escalation.dismissed' && x.data.escalationId === id)
		).toBe(true);
		expect(await auditActions(id)).toEqual([
			'escalation.open',
			'escalation.claim',
			'escalation.verdict',
			'escalation.reopen',
			'escalation.dismiss'
		]);
	});
});

// In one process two claims cannot interleave (the transaction is synchronous), so this checks the sequential
// refusal; escalation-claim-race.test.ts races claims between two processes on one database.
describe('concurrent claims', () => {
	it('lets exactly one of two leads claiming at once win', async () => {
		const created = await post('/api/admin/users', ws.people.admin, {
			email: 'lead2@demo.test',
			name: 'Second Lead',
			password: 'second-lead-pass'
		});
		expect(created.status).toBe(201);
		expect(
			(
				await server.api(`/api/projects/${ws.pid}/members`, {
					method: 'PUT',
					body: { email: 'lead2@demo.test', role: 'lead' },
					headers: ws.people.admin
				})
			).status
		).toBe(200);
		const lead2 = await server.login('lead2@demo.test', 'second-lead-pass');
		for (const [i, item] of ws.itemIds.slice(2, 6).entries()) {
			const id = (
				await escalate(item, i % 2 ? ws.people.chen : ws.people.ana, { reason: 'policy_safety', note: `race ${i}` })
			).body.escalation.id;
			const results = await Promise.all([
				post(`/api/escalations/${id}/claim`, ws.people.lead),
				post(`/api/escalations/${id}/claim`, lead2)
			]);
			expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
			const winner = results.find((r) => r.status === 200)!.body.escalation.claimedBy.name;
			const detail = await server.api(`/api/escalations/${id}`, { headers: ws.people.lead });
			expect(detail.body.escalation.claimedBy.name).toBe(winner);
			expect((await auditActions(id)).filter((a) => a === 'escalation.claim')).toHaveLength(1);
		}
	});
});

describe('automatic escalation', () => {
	const autoOf = async (itemId: string) =>
		(await server.api(`/api/items/${itemId}/escalations`, { headers: ws.people.lead })).body.escalations.filter(
			(e: any) => e.source === 'auto'
		);

	it('fires exactly once when agreement falls below the threshold after enough evaluations', async () => {
		const item = ws.itemIds[8];
		await ws.submit(ws.people.ana, item, { correctness: 1, safe: true });
		await ws.submit(ws.people.ben, item, { correctness: 5, safe: true });
		expect(await autoOf(item)).toHaveLength(0);
		await ws.submit(ws.people.chen, item, { correctness: 3, safe: true });
		const opened = await autoOf(item);
		expect(opened).toHaveLength(1);
		expect(opened[0]).toMatchObject({
			state: 'open',
			reason: 'low_agreement',
			dimension: 'correctness',
			openedBy: null
		});
		expect(opened[0].note).toMatch(/correctness 0\.33 < 0\.50/);
		await ws.submit(ws.people.lead, item, { correctness: 1, safe: false });
		await ws.submit(ws.people.ana, item, { correctness: 2, safe: true });
		expect(await autoOf(item)).toHaveLength(1);
		// Not again after it is closed either.
		await post(`/api/escalations/${opened[0].id}/dismiss`, ws.people.lead, { note: 'Known hard case' });
		await ws.submit(ws.people.chen, item, { correctness: 5, safe: false });
		expect(await autoOf(item)).toHaveLength(1);
	});

	it('does not fire when the evaluators agree', async () => {
		const item = ws.itemIds[9];
		for (const who of [ws.people.ana, ws.people.ben, ws.people.chen])
			await ws.submit(who, item, { correctness: 4, safe: true });
		expect(await autoOf(item)).toHaveLength(0);
	});

	it('marks the conflicting dimension in the detail', async () => {
		const [auto] = await autoOf(ws.itemIds[8]);
		const detail = await server.api(`/api/escalations/${auto.id}`, { headers: ws.people.ana });
		expect(detail.status).toBe(200);
		expect(detail.body.agreement.find((a: any) => a.key === 'correctness')).toMatchObject({
			conflict: true,
			ratings: 4,
			threshold: 0.5
		});
		expect(detail.body.agreement.find((a: any) => a.key === 'comment')).toMatchObject({ value: null, conflict: false });
	});
});

describe('queue and my escalations', () => {
	it('gives leads and managers the queue with counts, SLA age and turnaround, filtered and sorted', async () => {
		const all = await server.api(`/api/projects/${ws.pid}/escalations`, { headers: ws.people.pm });
		expect(all.status).toBe(200);
		const total = Object.values(all.body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
		expect(total).toBe(all.body.escalations.length);
		expect(all.body.counts.in_review).toBeGreaterThanOrEqual(4);
		expect(all.body.turnaround).toMatchObject({
			medianClaimMs: expect.any(Number),
			claimed: expect.any(Number),
			closed: expect.any(Number)
		});
		expect(all.body.escalations[0]).toMatchObject({
			modality: 'text',
			excerpt: expect.stringContaining('Question'),
			ageMs: expect.any(Number)
		});
		const created = all.body.escalations.map((e: any) => e.createdAt);
		expect(created).toEqual([...created].sort((a, b) => a - b));
		const open = await server.api(
			`/api/projects/${ws.pid}/escalations?state=in_review&reason=policy_safety&sort=newest`,
			{ headers: ws.people.lead }
		);
		expect(open.body.escalations).toHaveLength(4);
		expect(open.body.escalations.every((e: any) => e.state === 'in_review' && e.reason === 'policy_safety')).toBe(true);
		const byDim = await server.api(`/api/projects/${ws.pid}/escalations?dimension=correctness`, {
			headers: ws.people.lead
		});
		expect(byDim.body.escalations.map((e: any) => e.source)).toEqual(['auto']);
		const pt = await server.api(`/api/projects/${ws.pid}/escalations?language=pt-BR`, { headers: ws.people.lead });
		expect(pt.body.escalations.every((e: any) => e.language === 'pt-BR')).toBe(true);
		expect(
			(await server.api(`/api/projects/${ws.pid}/escalations?age=24`, { headers: ws.people.lead })).body.escalations
		).toHaveLength(0);
		expect(all.body.facets.reasons).toContain('low_agreement');
		expect(
			(await server.api(`/api/projects/${ws.pid}/escalations?state=bogus`, { headers: ws.people.lead })).status
		).toBe(400);
	});

	it('is not for evaluators, who get their own escalations with outcome and comparison instead', async () => {
		expect((await server.api(`/api/projects/${ws.pid}/escalations`, { headers: ws.people.ben })).status).toBe(403);
		const item = ws.itemIds[10];
		await ws.submit(ws.people.ana, item, { correctness: 4, safe: true });
		await ws.submit(ws.people.ben, item, { correctness: 2, safe: true });
		const id = (await escalate(item, ws.people.ana, { reason: 'instruction_infeasible', note: 'Unclear prompt' })).body
			.escalation.id;
		await post(`/api/escalations/${id}/claim`, ws.people.lead);
		await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
			scores: { correctness: 2, safe: true },
			reasonCode: 'evaluator_error',
			note: 'The answer misses the date.'
		});
		const mine = await server.api(`/api/projects/${ws.pid}/escalations?mine=1`, { headers: ws.people.ana });
		expect(mine.status).toBe(200);
		const entry = mine.body.escalations.find((e: any) => e.id === id);
		expect(entry).toMatchObject({
			involvement: 'opened',
			state: 'resolved',
			verdict: { reasonCode: 'evaluator_error' }
		});
		expect(entry.comparison).toEqual([
			{ dimension: 'correctness', mine: 4, verdict: 2, match: false },
			{ dimension: 'safe', mine: true, verdict: true, match: true }
		]);
		const bens = await server.api(`/api/projects/${ws.pid}/escalations?mine=1`, { headers: ws.people.ben });
		expect(bens.body.escalations.find((e: any) => e.id === id)).toMatchObject({
			involvement: 'evaluated',
			comparison: expect.arrayContaining([expect.objectContaining({ match: true, mine: 2 })])
		});
		const chens = await server.api(`/api/projects/${ws.pid}/escalations?mine=1`, { headers: ws.people.chen });
		expect(chens.body.escalations.some((e: any) => e.id === id)).toBe(false);
	});
});

/** A y-websocket client (as the browser runs it) in an item room, signed in with a person's cookie. */
function joinRoom(room: string, headers: Record<string, string>) {
	const Polyfill = class extends WS {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers });
		}
	};
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/collab', room, doc, {
		WebSocketPolyfill: Polyfill as unknown as typeof WebSocket,
		disableBc: true,
		maxBackoffTime: 200
	});
	return { doc, provider, close: () => (provider.destroy(), doc.destroy()) };
}

describe('the item room', () => {
	it('mirrors every transition into the room state live, and carries proposals between participants', async () => {
		const item = ws.itemIds[11];
		await ws.submit(ws.people.chen, item, { correctness: 1, safe: true });
		const lead = joinRoom(`item:${item}`, ws.people.lead);
		const chen = joinRoom(`item:${item}`, ws.people.chen);
		try {
			const id = (await escalate(item, ws.people.chen, { reason: 'guideline_ambiguous', note: 'Is 1989 enough?' })).body
				.escalation.id;
			const stateIn = (c: { doc: Y.Doc }) =>
				(c.doc.getMap('state').get(escalationStateKey(id)) as { state?: string } | undefined)?.state;
			await eventually(() => stateIn(chen) === 'open', 5000, 'open mirrored');
			await post(`/api/escalations/${id}/claim`, ws.people.lead);
			await eventually(() => stateIn(chen) === 'in_review', 5000, 'claim mirrored');
			// The server created the shared proposals map with the escalation; participants only write their entry.
			const proposals = chen.doc.getMap('annotations').get(PROPOSALS_KEY) as Y.Map<unknown>;
			expect(proposals).toBeInstanceOf(Y.Map);
			const chenUser = (await server.api('/api/me', { headers: ws.people.chen })).body.user as {
				id: string;
				name: string;
			};
			const chenId = chenUser.id;
			proposals.set(chenId, {
				userId: chenId,
				name: chenUser.name,
				scores: { correctness: 2, safe: true },
				note: 'Date is right, place missing',
				at: Date.now()
			});
			await eventually(
				() => (lead.doc.getMap('annotations').get(PROPOSALS_KEY) as Y.Map<unknown> | undefined)?.get(chenId),
				5000,
				'proposal seen by the lead'
			);
			await post(`/api/escalations/${id}/verdict`, ws.people.lead, {
				scores: { correctness: 2, safe: true },
				reasonCode: 'guideline_unclear',
				note: 'Place matters.'
			});
			await eventually(() => stateIn(chen) === 'resolved' && stateIn(lead) === 'resolved', 5000, 'verdict mirrored');
			expect(chen.doc.getMap('state').get(escalationStateKey(id))).toMatchObject({
				verdict: { scores: { correctness: 2, safe: true }, reasonCode: 'guideline_unclear' }
			});
		} finally {
			lead.close();
			chen.close();
		}
	});
});

describe('domain events', () => {
	it('announces every opening (manual and automatic) and every closing once committed', () => {
		const opened = events.filter((e) => e.name === 'escalation.opened');
		expect(opened.filter((e) => e.payload.source === 'auto').map((e) => e.payload.itemId)).toEqual([ws.itemIds[8]]);
		expect(opened.find((e) => e.payload.itemId === ws.itemIds[0])?.payload).toMatchObject({
			source: 'manual',
			reason: 'guideline_ambiguous',
			openedBy: expect.any(String)
		});
		const closed = events.filter((e) => e.name === 'escalation.resolved').map((e) => e.payload);
		expect(closed).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ state: 'resolved', reasonCode: 'guideline_missing', itemId: ws.itemIds[1] }),
				expect.objectContaining({ state: 'dismissed', reasonCode: null, itemId: ws.itemIds[1] })
			])
		);
	});
});
