// Judge settings and suggestions. Both behaviours are off by default; only a lead changes them (audited), naming a
// judge of the project that is not retired. With suggestions on, whoever scores an item sees the chosen judge's
// newest scores before submitting (and nothing of any other judge), and the server records that suggestion on her
// evaluation: the client can neither forge nor clear it; off, nothing is shown and nothing recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { memberIds, type Person } from '../fixtures/calibration-session';
import { addJudgeScore, retireJudge } from '../fixtures/judge-scores';
import { auditLog, evaluations } from '../../drizzle/schema';

let server: TestServer;
let ws: ReviewWorkspace;
let other: ReviewWorkspace;
let ids: Record<Person, string>;
let judgeId: string;
let secondJudgeId: string;
let newest: string;

const as = (p: Person) => ws.people[p];
const get = (path: string, p: Person) => server.api(path, { headers: as(p) });
const put = (body: unknown, p: Person = 'lead') =>
	server.api(`/api/projects/${ws.pid}/judges/settings`, { method: 'PUT', headers: as(p), body });
const save = (p: Person, itemId: string, state: 'draft' | 'submitted', extra: Record<string, unknown> = {}) =>
	server.api(`/api/items/${itemId}/evaluations`, {
		headers: as(p),
		body: { rubricId: ws.rubricId, scores: { correctness: 3, safe: true }, state, ...extra }
	});
async function suggestionIdOf(p: Person, itemId: string) {
	const [row] = await server.deps.db
		.select({ s: evaluations.suggestionId })
		.from(evaluations)
		.where(and(eq(evaluations.itemId, itemId), eq(evaluations.evaluatorId, ids[p])));
	return row?.s;
}

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	other = await createReviewWorkspace(server, { items: 1 });
	ids = await memberIds(server, ws);
	const old = await addJudgeScore(server, {
		projectId: ws.pid,
		itemId: ws.itemIds[0],
		actorId: ids.lead,
		scores: { correctness: 2, safe: true },
		rationale: 'superseded',
		createdAt: Date.now() - 60_000
	});
	judgeId = old.judgeId;
	newest = (
		await addJudgeScore(server, {
			projectId: ws.pid,
			itemId: ws.itemIds[0],
			actorId: ids.lead,
			scores: { correctness: 4, safe: false },
			rationale: 'The year is wrong.'
		})
	).id;
	secondJudgeId = (
		await addJudgeScore(server, {
			projectId: ws.pid,
			itemId: ws.itemIds[0],
			actorId: ids.lead,
			judge: 'Second judge',
			scores: { correctness: 1, safe: false },
			rationale: 'second-judge-secret'
		})
	).judgeId;
});
afterAll(() => server?.close());

describe('GET/PUT /api/projects/:pid/judges/settings', () => {
	it('is off by default, readable by leads and managers, not by evaluators', async () => {
		for (const p of ['lead', 'pm'] as const) {
			const res = await get(`/api/projects/${ws.pid}/judges/settings`, p);
			expect(res.status).toBe(200);
			expect(res.body.settings).toEqual({ escalation: null, suggestions: null });
		}
		expect((await get(`/api/projects/${ws.pid}/judges/settings`, 'ana')).status).toBe(403);
	});

	it('lets only a lead change them, strictly validated, and audits the change', async () => {
		expect((await put({ suggestions: { judgeId } }, 'pm')).status).toBe(403);
		expect((await put({ suggestions: { judgeId } }, 'ana')).status).toBe(403);
		expect((await put({ suggestions: { judgeId }, extra: 1 })).status).toBe(400);
		expect((await put({ escalation: { judgeId, threshold: -1 } })).status).toBe(400);
		const res = await put({ escalation: { judgeId, threshold: 1 } });
		expect(res.status).toBe(200);
		expect(res.body.settings).toEqual({ escalation: { judgeId, threshold: 1 }, suggestions: null });
		const rows = await server.deps.db.select().from(auditLog).where(eq(auditLog.action, 'judge.settings'));
		expect(rows.map((r) => [r.actorId, r.projectId])).toEqual([[ids.lead, ws.pid]]);
		expect((await get(`/api/projects/${ws.pid}/judges/settings`, 'pm')).body.settings.escalation.threshold).toBe(1);
		// Settings of the project are kept beside the rest (the threshold still there).
		const project = await get(`/api/projects/${ws.pid}`, 'lead');
		expect(project.body.project.settings.agreementThreshold).toBe(0.5);
		expect((await put({})).body.settings).toEqual({ escalation: null, suggestions: null });
	});

	it('refuses a judge of another project, an unknown one and a retired one', async () => {
		const foreign = await addJudgeScore(server, {
			projectId: other.pid,
			itemId: other.itemIds[0],
			actorId: ids.lead,
			judge: 'Foreign',
			scores: { correctness: 3 }
		});
		expect((await put({ suggestions: { judgeId: foreign.judgeId } })).status).toBe(400);
		expect((await put({ escalation: { judgeId: 'nope', threshold: 1 } })).status).toBe(400);
		const retired = await addJudgeScore(server, {
			projectId: ws.pid,
			itemId: ws.itemIds[2],
			actorId: ids.lead,
			judge: 'Retired',
			scores: { correctness: 3 }
		});
		await retireJudge(server, retired.judgeId);
		const res = await put({ suggestions: { judgeId: retired.judgeId } });
		expect(res.status).toBe(400);
		expect(res.body.error.details[0].path).toBe('suggestions.judgeId');
	});
});

describe('suggestions', () => {
	const itemJudges = async (p: Person, itemId = ws.itemIds[0]) => {
		const res = await get(`/api/items/${itemId}/judges`, p);
		expect(res.status).toBe(200);
		return res.body;
	};

	it('off: nothing is shown before submitting and nothing is recorded', async () => {
		expect((await put({})).status).toBe(200);
		expect(await itemJudges('ana')).toEqual({ judges: [], suggestion: null });
		expect((await save('ana', ws.itemIds[0], 'draft')).status).toBe(201);
		expect(await suggestionIdOf('ana', ws.itemIds[0])).toBeNull();
	});

	it('on: the chosen judge’s newest scores are shown, and no other judge’s', async () => {
		expect((await put({ suggestions: { judgeId } })).status).toBe(200);
		const body = await itemJudges('ana');
		expect(body.judges).toEqual([]);
		expect(body.suggestion).toMatchObject({ id: newest, judgeId, scores: { correctness: 4, safe: false } });
		expect(JSON.stringify(body)).not.toContain('second-judge-secret');
		expect(JSON.stringify(body)).not.toContain('superseded');
		// Nothing to suggest on an item the judge has not scored; managers never score, so never get one.
		expect((await itemJudges('ana', ws.itemIds[1])).suggestion).toBeNull();
		expect((await itemJudges('pm')).suggestion).toBeNull();
	});

	it('records the suggestion on every save, and the client can neither forge nor clear it', async () => {
		expect((await save('ana', ws.itemIds[0], 'draft', { suggestionId: null })).status).toBe(400);
		expect((await save('ana', ws.itemIds[0], 'draft', { suggestionId: 'forged' })).status).toBe(400);
		expect((await save('ana', ws.itemIds[0], 'draft')).status).toBe(201);
		expect(await suggestionIdOf('ana', ws.itemIds[0])).toBe(newest);
		const submitted = await save('ana', ws.itemIds[0], 'submitted');
		expect(submitted.status).toBe(201);
		expect(submitted.body.evaluation.suggestionId).toBe(newest);
		// On an item the judge has not scored, nothing was shown: nothing recorded.
		expect((await save('ben', ws.itemIds[1], 'submitted')).status).toBe(201);
		expect(await suggestionIdOf('ben', ws.itemIds[1])).toBeNull();
	});

	it('once she submitted, she sees every judge as others’ work, the suggestion no longer singled out', async () => {
		const body = await itemJudges('ana');
		expect(body.suggestion).toBeNull();
		expect(body.judges.map((j: { judgeId: string }) => j.judgeId).sort()).toEqual([judgeId, secondJudgeId].sort());
	});

	it('a retired judge suggests nothing; turned off, the next save records none', async () => {
		expect((await save('chen', ws.itemIds[0], 'draft')).status).toBe(201);
		expect(await suggestionIdOf('chen', ws.itemIds[0])).toBe(newest);
		await retireJudge(server, judgeId);
		expect((await itemJudges('chen')).suggestion).toBeNull();
		expect((await save('chen', ws.itemIds[0], 'draft')).status).toBe(201);
		expect(await suggestionIdOf('chen', ws.itemIds[0])).toBeNull();
		expect((await put({})).status).toBe(200);
		expect((await save('ana', ws.itemIds[0], 'submitted')).status).toBe(201);
		expect(await suggestionIdOf('ana', ws.itemIds[0])).toBeNull();
	});
});
