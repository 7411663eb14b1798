// Calibration sessions over the real server: creation rules, blind scoring (REST bodies and the room document
// both checked), lead-only decisions, 409 after reveal until a new round, consensus → gold, the report per round
// (JSON and CSV), close, audit trail, and "most disagreed" candidates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { eventually, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, joinRoom, memberIds, type Person, type RoomClient } from '../fixtures/calibration-session';
import { auditLog } from '../../drizzle/schema';

let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
let sessionId: string;
let items: string[];
const rooms: RoomClient[] = [];

const SECRET = 'ana-private-rationale-7f3c';

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 8 });
	ids = await memberIds(server, ws);
	items = ws.itemIds.slice(0, 3);
});
afterAll(async () => {
	for (const r of rooms) r.destroy();
	await server?.close();
});

const as = (p: Person) => ws.people[p];
const get = (path: string, p: Person) => server.api(path, { headers: as(p) });
const post = (path: string, p: Person, body: unknown = {}) => server.api(path, { headers: as(p), body });
const score = (p: Person, itemId: string, scores: Record<string, unknown>, rationale = `${p} says so`) =>
	post(`/api/calibrations/${sessionId}/items/${itemId}/scores`, p, { scores, rationale, timeSpentMs: 60_000 });
const view = async (p: Person) => (await get(`/api/calibrations/${sessionId}`, p)).body;

describe('creating a session', () => {
	it('is for leads, with items of the project and participants who can score', async () => {
		const body = {
			title: 'Week 1',
			rubricId: ws.rubricId,
			itemIds: items,
			participantIds: [ids.ana, ids.ben, ids.chen]
		};
		expect((await post(`/api/projects/${ws.pid}/calibrations`, 'ana', body)).status).toBe(403);
		expect((await post(`/api/projects/${ws.pid}/calibrations`, 'pm', body)).status).toBe(403);
		const badItem = await post(`/api/projects/${ws.pid}/calibrations`, 'lead', { ...body, itemIds: ['nope'] });
		expect(badItem.status).toBe(400);
		expect(badItem.body.error.details[0]).toMatchObject({ path: 'itemIds.0' });
		expect(
			(await post(`/api/projects/${ws.pid}/calibrations`, 'lead', { ...body, participantIds: [ids.ana, ids.pm] }))
				.status
		).toBe(400);
		expect(
			(await post(`/api/projects/${ws.pid}/calibrations`, 'lead', { ...body, participantIds: [ids.ana] })).status
		).toBe(400);

		const created = await createSession(server, ws, {
			title: 'Week 1',
			itemIds: items,
			participantIds: [ids.ana, ids.ben, ids.chen]
		});
		sessionId = created.calibration.id;
		expect(created.calibration.phase).toBe('scoring');
		const inbox = await get('/api/notifications', 'ben');
		expect(
			inbox.body.notifications.some((n: any) => n.kind === 'calibration.invited' && n.data.calibrationId === sessionId)
		).toBe(true);
	});

	it('lists sessions: participants see theirs, leads and managers all', async () => {
		const other = await createSession(server, ws, {
			title: 'Lead only',
			itemIds: [ws.itemIds[5]],
			participantIds: [ids.lead, ids.ben]
		});
		const mine = (p: Person) =>
			get(`/api/projects/${ws.pid}/calibrations`, p).then((r) => r.body.calibrations.map((s: any) => s.id));
		expect(await mine('ana')).toEqual([sessionId]);
		expect(await mine('pm')).toEqual(expect.arrayContaining([sessionId, other.calibration.id]));
		const summary = (await get(`/api/projects/${ws.pid}/calibrations`, 'ana')).body.calibrations[0];
		expect(summary).toMatchObject({
			phase: 'scoring',
			round: 1,
			itemCount: 3,
			isParticipant: true,
			myRemaining: 3,
			progress: { submitted: 0, expected: 9 }
		});
		expect((await get(`/api/calibrations/${other.calibration.id}`, 'ana')).status).toBe(403);
	});
});

describe('blind scoring', () => {
	it("keeps every sheet blind — REST and room — until the reveal, except each person's own", async () => {
		const room = joinRoom(server, sessionId, as('ben'));
		rooms.push(room);
		await room.synced;
		expect((await score('ana', items[0], { correctness: 5, safe: true }, SECRET)).status).toBe(201);
		await eventually(
			() => room.state()?.submitted?.[items[0]]?.includes(ids.ana),
			5000,
			'the room to learn that ana submitted'
		);

		const anaView = await view('ana');
		expect(anaView.mine[items[0]]).toMatchObject({ scores: { correctness: 5, safe: true }, rationale: SECRET });
		for (const p of ['ben', 'lead', 'pm'] as const) {
			const v = await view(p);
			expect(v.submitted[items[0]]).toEqual([ids.ana]);
			expect(v.revealed).toEqual([]);
			expect(JSON.stringify(v)).not.toContain(SECRET);
		}
		expect(JSON.stringify(room.doc.toJSON())).not.toContain(SECRET);
		expect(JSON.stringify(room.doc.getMap('state').toJSON())).not.toContain('correctness":5');
	});

	it('refuses outsiders, wrong items and scores that do not fit the rubric', async () => {
		expect((await score('pm', items[0], { correctness: 3, safe: true })).status).toBe(403);
		expect((await score('lead', items[0], { correctness: 3, safe: true })).status).toBe(403);
		expect((await score('ana', ws.itemIds[7], { correctness: 3, safe: true })).status).toBe(404);
		const bad = await score('ben', items[0], { correctness: 9 });
		expect(bad.status).toBe(400);
		expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['scores.correctness', 'scores.safe']);
	});

	it('lets a participant change a sheet before the reveal', async () => {
		expect((await score('ana', items[0], { correctness: 4, safe: true }, SECRET)).status).toBe(201);
		expect((await score('ana', items[0], { correctness: 5, safe: true }, SECRET)).status).toBe(201);
		expect(Object.keys((await view('ana')).mine)).toEqual([items[0]]);
	});
});

describe('reveal, re-score, consensus, report', () => {
	it('only the lead reveals; everyone sees all sheets at once, live in the room', async () => {
		const round1: [Person, string, Record<string, unknown>][] = [
			['ben', items[0], { correctness: 2, safe: false }],
			['chen', items[0], { correctness: 4, safe: true }],
			['ana', items[1], { correctness: 3, safe: true }],
			['ben', items[1], { correctness: 1, safe: true }],
			['chen', items[1], { correctness: 3, safe: true }],
			['ana', items[2], { correctness: 4, safe: true }],
			['ben', items[2], { correctness: 4, safe: true }],
			['chen', items[2], { correctness: 4, safe: true }]
		];
		for (const [p, item, s] of round1) expect((await score(p, item, s)).status).toBe(201);
		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'ana')).status).toBe(403);
		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'pm')).status).toBe(403);
		const revealed = await post(`/api/calibrations/${sessionId}/reveal`, 'lead');
		expect(revealed.status).toBe(200);
		expect(revealed.body.calibration.phase).toBe('revealed');
		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'lead')).status).toBe(409);

		const ben = await view('ben');
		expect(ben.revealed[0].scores.find((s: any) => s.userId === ids.ana && s.itemId === items[0])).toMatchObject({
			scores: { correctness: 5 },
			rationale: SECRET
		});
		expect(ben.revealed[0].items[items[0]].find((d: any) => d.key === 'correctness').value).toBeCloseTo(0.5, 5);
		expect(ben.revealed[0].dimensions.find((d: any) => d.key === 'correctness').value).toBeCloseTo(
			(0.5 + 2 / 3 + 1) / 3,
			5
		);
		const room = rooms[0];
		await eventually(() => room.state()?.calibration.phase === 'revealed', 5000, 'the reveal to reach the room');
		expect(JSON.stringify(room.state().revealed)).toContain(SECRET);
	});

	it('refuses sheets after the reveal (409) and consensus from anyone but the lead', async () => {
		expect((await score('ana', items[0], { correctness: 3, safe: true })).status).toBe(409);
		expect(
			(
				await post(`/api/calibrations/${sessionId}/items/${items[2]}/consensus`, 'ana', {
					scores: { correctness: 4, safe: true }
				})
			).status
		).toBe(403);
		expect(
			(await post(`/api/calibrations/${sessionId}/items/${items[2]}/consensus`, 'lead', { scores: { correctness: 7 } }))
				.status
		).toBe(400);
	});

	it("makes the consensus the item's gold answer", async () => {
		const res = await post(`/api/calibrations/${sessionId}/items/${items[2]}/consensus`, 'lead', {
			scores: { correctness: 4, safe: true },
			note: 'Everyone agreed.'
		});
		expect(res.status).toBe(200);
		expect(res.body.consensus[items[2]]).toMatchObject({
			scores: { correctness: 4, safe: true },
			note: 'Everyone agreed.'
		});
		const item = await get(`/api/items/${items[2]}`, 'lead');
		expect(item.body.item.gold).toMatchObject({
			scores: { correctness: 4, safe: true },
			note: 'Everyone agreed.',
			source: 'calibration',
			calibrationId: sessionId
		});
	});

	it('opens a new blind round on some items; the others stay decidable', async () => {
		expect((await post(`/api/calibrations/${sessionId}/rounds`, 'ana', {})).status).toBe(403);
		expect((await post(`/api/calibrations/${sessionId}/rounds`, 'lead', { itemIds: ['nope'] })).status).toBe(400);
		const res = await post(`/api/calibrations/${sessionId}/rounds`, 'lead', { itemIds: [items[0], items[1]] });
		expect(res.status).toBe(200);
		expect(res.body.calibration).toMatchObject({ phase: 'scoring', round: 2 });
		expect(res.body.activeItemIds).toEqual([items[0], items[1]]);
		expect((await score('ana', items[2], { correctness: 4, safe: true })).status).toBe(409);
		expect(
			(
				await post(`/api/calibrations/${sessionId}/items/${items[0]}/consensus`, 'lead', {
					scores: { correctness: 4, safe: true }
				})
			).status
		).toBe(409);

		const round2: [Person, string, Record<string, unknown>][] = [
			['ana', items[0], { correctness: 4, safe: true }],
			['ben', items[0], { correctness: 4, safe: true }],
			['chen', items[0], { correctness: 4, safe: true }],
			['ana', items[1], { correctness: 3, safe: true }],
			['ben', items[1], { correctness: 2, safe: true }],
			['chen', items[1], { correctness: 3, safe: true }]
		];
		for (const [p, item, s] of round2) expect((await score(p, item, s)).status).toBe(201);
		const ben = await view('ben');
		expect(ben.revealed.map((r: any) => r.round)).toEqual([1]);
		expect(JSON.stringify(ben.revealed)).not.toContain('"round":2');
		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'lead')).status).toBe(200);
		for (const [item, scores] of [
			[items[0], { correctness: 4, safe: true }],
			[items[1], { correctness: 3, safe: true }]
		] as const) {
			expect(
				(
					await post(`/api/calibrations/${sessionId}/items/${item}/consensus`, 'lead', {
						scores,
						note: 'Agreed in round 2'
					})
				).status
			).toBe(200);
		}
	});

	it('reports agreement per round (before and after), deviation from consensus, contested items and time', async () => {
		expect((await get(`/api/calibrations/${sessionId}/report`, 'ana')).status).toBe(403);
		const { status, body } = await get(`/api/calibrations/${sessionId}/report`, 'pm');
		expect(status).toBe(200);
		const dim = (figures: any[], key: string) => figures.find((d) => d.key === key).value;
		const [r1, r2] = body.rounds;
		expect(r1).toMatchObject({ round: 1, items: 3, before: null });
		expect(dim(r1.dimensions, 'correctness')).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 5);
		expect(r2).toMatchObject({ round: 2, items: 2 });
		expect(dim(r2.dimensions, 'correctness')).toBeCloseTo((1 + 5 / 6) / 2, 5);
		expect(dim(r2.before, 'correctness')).toBeCloseTo((0.5 + 2 / 3) / 2, 5);
		expect(dim(r2.dimensions, 'safe')).toBe(1);
		expect(dim(r2.before, 'safe')).toBeCloseTo(2 / 3, 5);
		expect(r2.overall).toBeGreaterThan(r1.overall);
		expect(r1.alpha.find((a: any) => a.key === 'correctness').value).toEqual(expect.any(Number));
		expect(r2.alpha.find((a: any) => a.key === 'safe')).toMatchObject({ value: null, reason: expect.any(String) });
		const ben = body.participants.find((p: any) => p.id === ids.ben);
		expect(ben.byDimension.correctness).toBeCloseTo(0.25 / 3, 5);
		expect(ben.byDimension.safe).toBe(0);
		expect(ben.deviation).toBeCloseTo(0.25 / 6, 5);
		expect(ben).toMatchObject({ sheets: 5, timeSpentMs: 300_000 });
		expect(body.participants.find((p: any) => p.id === ids.ana).deviation).toBe(0);
		expect(body).toMatchObject({ consensusCount: 3, itemCount: 3, contested: [] });
		expect(body.time.participantMs).toBe(15 * 60_000);

		const csv = await get(`/api/calibrations/${sessionId}/report?format=csv`, 'lead');
		expect(csv.headers.get('content-type')).toContain('text/csv');
		const lines = String(csv.body).trim().split('\r\n');
		expect(lines[0]).toBe('section,round,dimension,participant,item,value,ratings,items');
		expect(lines).toContain('agreement,1,correctness,,,0.7222,9,3');
		expect(lines).toContain('agreement_before,2,correctness,,,0.5833,6,2');
		expect(lines).toContain('agreement,2,correctness,,,0.9167,6,2');
	});

	it('closes once, then refuses changes; every decision is in the audit trail', async () => {
		expect((await post(`/api/calibrations/${sessionId}/close`, 'ben')).status).toBe(403);
		const closed = await post(`/api/calibrations/${sessionId}/close`, 'lead');
		expect(closed.status).toBe(200);
		expect(closed.body.calibration.phase).toBe('closed');
		expect(closed.body.calibration.closedAt).toBeGreaterThan(0);
		expect((await post(`/api/calibrations/${sessionId}/close`, 'lead')).status).toBe(409);
		expect((await post(`/api/calibrations/${sessionId}/rounds`, 'lead', {})).status).toBe(409);
		expect((await score('ana', items[0], { correctness: 4, safe: true })).status).toBe(409);
		const actions = (
			await server.deps.db
				.select({ action: auditLog.action })
				.from(auditLog)
				.where(and(eq(auditLog.entityType, 'calibration'), eq(auditLog.entityId, sessionId)))
				.orderBy(asc(auditLog.id))
		)
			.map((r) => r.action)
			.filter((a, i, all) => a !== 'calibration.score' || all[i - 1] !== 'calibration.score');
		expect(actions).toEqual([
			'calibration.create',
			'calibration.score',
			'calibration.reveal',
			'calibration.consensus',
			'calibration.round',
			'calibration.score',
			'calibration.reveal',
			'calibration.consensus',
			'calibration.consensus',
			'calibration.close'
		]);
		const audits = JSON.stringify(
			await server.deps.db.select().from(auditLog).where(eq(auditLog.action, 'calibration.score'))
		);
		expect(audits).not.toContain(SECRET);
	});
});

describe('candidates', () => {
	it('ranks items by how much their evaluations disagree', async () => {
		const [calm, split] = [ws.itemIds[6], ws.itemIds[7]];
		for (const p of ['ana', 'ben', 'chen'] as const) await ws.submit(as(p), calm, { correctness: 4, safe: true });
		await ws.submit(as('ana'), split, { correctness: 1, safe: false });
		await ws.submit(as('ben'), split, { correctness: 5, safe: true });
		expect((await get(`/api/projects/${ws.pid}/calibration-candidates`, 'ana')).status).toBe(403);
		const res = await get(`/api/projects/${ws.pid}/calibration-candidates?rubricId=${ws.rubricId}`, 'lead');
		expect(res.status).toBe(200);
		const order = res.body.items.map((i: any) => i.id);
		expect(order[0]).toBe(split);
		expect(res.body.items[0].disagreement).toBeGreaterThan(0.5);
		expect(res.body.items.find((i: any) => i.id === calm).disagreement).toBe(0);
		expect(order.indexOf(calm)).toBeLessThan(order.indexOf(ws.itemIds[4]));
		// The ranking is kept between requests only until the project's evaluations change.
		const late = ws.itemIds[5];
		expect(res.body.items.find((i: any) => i.id === late).disagreement).toBeNull();
		await ws.submit(as('ana'), late, { correctness: 1, safe: false });
		await ws.submit(as('ben'), late, { correctness: 5, safe: true });
		const again = await get(`/api/projects/${ws.pid}/calibration-candidates?rubricId=${ws.rubricId}`, 'lead');
		expect(again.body.items.find((i: any) => i.id === late).disagreement).toBeGreaterThan(0.5);
	});
});
