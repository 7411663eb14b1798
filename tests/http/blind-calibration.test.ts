// The blind rule in calibration (server/domain/blind.ts, visibleSheets): the sheets of a round nobody has revealed
// yet shape nothing a lead can read, not the session report (JSON or CSV) and not the "propose a guideline
// change" case that points at the most disputed dimension.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, memberIds, type Person } from '../fixtures/calibration-session';

let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
let sessionId: string;
let guidelineId: string;
let itemId: string;

const as = (p: Person) => ws.people[p];
const get = (path: string, p: Person) => server.api(path, { headers: as(p) });
const post = (path: string, p: Person, body: unknown = {}) => server.api(path, { headers: as(p), body });
const PEOPLE = ['ana', 'ben', 'chen'] as const;
/** Round-2 sheets carry a time no round-1 sheet has, so any figure built from them gives itself away. */
const ROUND1_MS = 60_000;
const ROUND2_MS = 3_333_000;

async function scoreAll(sheets: Record<(typeof PEOPLE)[number], Record<string, unknown>>, timeSpentMs: number) {
	for (const p of PEOPLE) {
		const res = await post(`/api/calibrations/${sessionId}/items/${itemId}/scores`, p, {
			scores: sheets[p],
			rationale: `${p} round`,
			timeSpentMs
		});
		expect(res.status).toBe(201);
	}
}

const proposalDimension = async () => {
	const res = await get(`/api/guidelines/${guidelineId}/proposal?source=calibration:${sessionId}:${itemId}`, 'lead');
	expect(res.status).toBe(200);
	return res.body.case.dimension?.key ?? null;
};
const report = async () => (await get(`/api/calibrations/${sessionId}/report`, 'lead')).body;
const reportCsv = async () => (await get(`/api/calibrations/${sessionId}/report?format=csv`, 'lead')).body as string;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2 });
	ids = await memberIds(server, ws);
	itemId = ws.itemIds[0];
	sessionId = (await createSession(server, ws, { itemIds: [itemId], participantIds: [ids.ana, ids.ben, ids.chen] }))
		.calibration.id;
	const created = await post(`/api/projects/${ws.pid}/guidelines`, 'lead', { title: 'Scoring guide' });
	expect(created.status).toBe(201);
	guidelineId = created.body.guideline.id;
});
afterAll(() => server?.close());

describe('a round that is being scored blind', () => {
	it('does not tell the lead, through a guideline proposal, which dimension the sheets disagree on', async () => {
		// Everyone agrees on correctness and disagrees on safe.
		await scoreAll(
			{
				ana: { correctness: 3, safe: true },
				ben: { correctness: 3, safe: false },
				chen: { correctness: 3, safe: true }
			},
			ROUND1_MS
		);
		expect(await proposalDimension()).toBeNull();
		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'lead')).status).toBe(200);
		expect(await proposalDimension()).toBe('safe');
	});

	it('leaves the report and its CSV exactly as the revealed rounds make them', async () => {
		const revealed = await report();
		const revealedCsv = await reportCsv();
		const participantTime = revealed.participants.map((p: { timeSpentMs: number }) => p.timeSpentMs);
		expect(participantTime).toEqual([ROUND1_MS, ROUND1_MS, ROUND1_MS]);
		expect(
			revealed.rounds
				.find((r: { round: number }) => r.round === 1)
				.dimensions.some((d: { ratings: number }) => d.ratings > 0)
		).toBe(true);

		expect((await post(`/api/calibrations/${sessionId}/rounds`, 'lead', {})).status).toBe(200);
		// Round 2, blind: now they disagree on correctness and agree on safe.
		await scoreAll(
			{
				ana: { correctness: 1, safe: true },
				ben: { correctness: 5, safe: true },
				chen: { correctness: 3, safe: true }
			},
			ROUND2_MS
		);

		const blind = await report();
		expect(blind.participants.map((p: { timeSpentMs: number; sheets: number }) => [p.timeSpentMs, p.sheets])).toEqual(
			revealed.participants.map((p: { timeSpentMs: number; sheets: number }) => [p.timeSpentMs, p.sheets])
		);
		const round2 = blind.rounds.find((r: { round: number }) => r.round === 2);
		expect(round2?.dimensions.every((d: { ratings: number }) => !d.ratings) ?? true).toBe(true);
		expect(blind.contested).toEqual(revealed.contested);
		const csv = await reportCsv();
		expect(csv).not.toContain(String(ROUND2_MS));
		const deviations = (text: string) => text.split('\n').filter((l) => l.startsWith('deviation,'));
		expect(deviations(csv)).toEqual(deviations(revealedCsv));
		// The proposal still points where the last revealed round disagreed.
		expect(await proposalDimension()).toBe('safe');

		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'lead')).status).toBe(200);
		const open = await report();
		expect(open.participants.map((p: { timeSpentMs: number }) => p.timeSpentMs)).toEqual([
			ROUND1_MS + ROUND2_MS,
			ROUND1_MS + ROUND2_MS,
			ROUND1_MS + ROUND2_MS
		]);
		expect(await reportCsv()).toContain(String(ROUND1_MS + ROUND2_MS));
		expect(await proposalDimension()).toBe('correctness');
	});
});
