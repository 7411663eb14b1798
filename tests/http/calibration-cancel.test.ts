// Cancelling a calibration session over the real server: the lead may call off a session that is still being
// scored blind (evaluators and managers may not); cancelling reveals nothing — the sheets already submitted are
// kept as each author's own evaluations, visible to their author only, never in the lead's view, the room, the
// report or its CSV — and the session is read-only afterwards (every write refused with a clear error, sockets
// already open in its room read-only), audited, and no longer listed as live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { eventually, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import {
	createSession,
	joinRoom,
	memberIds,
	writeAndSettle,
	type Person,
	type RoomClient
} from '../fixtures/calibration-session';
import { readDiscussion } from '#collab/room-doc';
import { auditLog, calibrationScores } from '../../drizzle/schema';

let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
let sessionId: string;
let itemId: string;
const rooms: RoomClient[] = [];

const ANA_SECRET = 'ana-blind-rationale-91c2';
const BEN_SECRET = 'ben-blind-rationale-4be0';

const as = (p: Person) => ws.people[p];
const get = (path: string, p: Person) => server.api(path, { headers: as(p) });
const post = (path: string, p: Person, body: unknown = {}) => server.api(path, { headers: as(p), body });

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2 });
	ids = await memberIds(server, ws);
	itemId = ws.itemIds[0];
	sessionId = (await createSession(server, ws, { itemIds: ws.itemIds, participantIds: [ids.ana, ids.ben, ids.chen] }))
		.calibration.id;
	for (const [p, rationale, correctness] of [
		['ana', ANA_SECRET, 5],
		['ben', BEN_SECRET, 1]
	] as const) {
		const res = await post(`/api/calibrations/${sessionId}/items/${itemId}/scores`, p, {
			scores: { correctness, safe: true },
			rationale
		});
		expect(res.status).toBe(201);
	}
});
afterAll(async () => {
	for (const r of rooms) r.destroy();
	await server?.close();
});

describe('cancelling a session in blind scoring', () => {
	it('is for leads only', async () => {
		for (const p of ['ana', 'pm'] as const) {
			const res = await post(`/api/calibrations/${sessionId}/cancel`, p);
			expect(res.status).toBe(403);
		}
		expect((await get(`/api/calibrations/${sessionId}`, 'lead')).body.calibration.phase).toBe('scoring');
	});

	it('ends the session without revealing a sheet; each author keeps her own', async () => {
		const room = joinRoom(server, sessionId, as('chen'));
		const lead = joinRoom(server, sessionId, as('lead'));
		rooms.push(room, lead);
		await Promise.all([room.synced, lead.synced]);
		const res = await post(`/api/calibrations/${sessionId}/cancel`, 'lead');
		expect(res.status).toBe(200);
		expect(res.body.calibration.phase).toBe('cancelled');
		expect(res.body.calibration.closedAt).toBeGreaterThan(0);
		expect(res.body.readOnly).toBe(true);
		expect(res.body.revealed).toEqual([]);
		expect(res.body.can).toMatchObject({ score: false, discuss: false });

		// Nobody but the author reads a sheet: not the lead's view, the room, the report or its CSV.
		const leadView = JSON.stringify((await get(`/api/calibrations/${sessionId}`, 'lead')).body);
		const report = await get(`/api/calibrations/${sessionId}/report`, 'lead');
		const csv = await get(`/api/calibrations/${sessionId}/report?format=csv`, 'lead');
		expect(report.status).toBe(200);
		expect(report.body.rounds).toEqual([]);
		await eventually(() => room.state()?.calibration.phase === 'cancelled', 5000, 'the cancel in the room');
		for (const text of [leadView, JSON.stringify(report.body), String(csv.body), JSON.stringify(room.doc.toJSON())]) {
			expect(text).not.toContain(ANA_SECRET);
			expect(text).not.toContain(BEN_SECRET);
		}
		// Chen's socket, open before the cancel, is read-only now: what she writes is dropped.
		await writeAndSettle(room, lead, { id: ids.chen, name: 'Chen Wei' }, itemId, 'after the cancel');
		expect(await server.deps.rooms.read(`session:${sessionId}`, (doc) => readDiscussion(doc))).toEqual([]);

		const chen = (await get(`/api/calibrations/${sessionId}`, 'chen')).body;
		expect(chen.revealed).toEqual([]);
		expect(JSON.stringify(chen)).not.toContain(ANA_SECRET);

		// The sheets stay in the record, and their author still reads her own.
		const ana = (await get(`/api/calibrations/${sessionId}`, 'ana')).body;
		expect(ana.mine[itemId].rationale).toBe(ANA_SECRET);
		expect(JSON.stringify(ana)).not.toContain(BEN_SECRET);
		const kept = await server.deps.db
			.select({ userId: calibrationScores.userId })
			.from(calibrationScores)
			.where(eq(calibrationScores.calibrationId, sessionId));
		expect(kept.map((k) => k.userId).sort()).toEqual([ids.ana, ids.ben].sort());
	});

	it('leaves a read-only session: every decision and sheet is refused with a clear reason', async () => {
		const refusals = [
			await post(`/api/calibrations/${sessionId}/cancel`, 'lead'),
			await post(`/api/calibrations/${sessionId}/reveal`, 'lead'),
			await post(`/api/calibrations/${sessionId}/close`, 'lead'),
			await post(`/api/calibrations/${sessionId}/rounds`, 'lead', {}),
			await post(`/api/calibrations/${sessionId}/items/${itemId}/scores`, 'chen', {
				scores: { correctness: 3, safe: true },
				rationale: 'too late'
			}),
			await post(`/api/calibrations/${sessionId}/items/${itemId}/consensus`, 'lead', {
				scores: { correctness: 3, safe: true }
			})
		];
		for (const res of refusals) {
			expect(res.status).toBe(409);
			expect(res.body.error).toMatchObject({ code: 'conflict', details: { phase: 'cancelled' } });
			expect(res.body.error.message).toMatch(/cancelled; it is read-only/);
		}
		const view = (await get(`/api/calibrations/${sessionId}`, 'lead')).body;
		expect(view.calibration.phase).toBe('cancelled');
		expect(view.revealed).toEqual([]);
		expect(view.consensus).toEqual({});
	});

	it('is audited and drops the session from the live list', async () => {
		const actions = await server.deps.db
			.select({ action: auditLog.action, actorId: auditLog.actorId })
			.from(auditLog)
			.where(and(eq(auditLog.entityType, 'calibration'), eq(auditLog.entityId, sessionId)));
		expect(actions.filter((a) => a.action === 'calibration.cancel')).toEqual([
			{ action: 'calibration.cancel', actorId: ids.lead }
		]);
		const live = await get(`/api/projects/${ws.pid}/calibrations?live=1`, 'lead');
		expect(live.body.calibrations.map((s: { id: string }) => s.id)).not.toContain(sessionId);
		const all = await get(`/api/projects/${ws.pid}/calibrations`, 'lead');
		expect(all.body.calibrations.find((s: { id: string }) => s.id === sessionId)).toMatchObject({
			phase: 'cancelled',
			readOnly: true
		});
	});
});
