// The demo's model judge (server/demo/judge-seed.ts) on the real demo workspace: imported scores on every demo
// item that agree with the human consensus on some dimensions and not on others, in the direction a lead should
// discover (close on helpfulness and clarity, too kind on correctness, blind to safety), the same on every start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { evaluations, items, judgeEvaluations, judges, projects } from '../../drizzle/schema';
import { first } from '../../server/db/client';
import { startTestServer, type TestServer } from '../fixtures/server';

let server: TestServer;
let pid: string;

type Scores = Record<string, unknown>;
interface Compared {
	itemId: string;
	judge: Scores;
	judgeFlags: string[];
	humans: { scores: Scores; flags: string[] }[];
}
let compared: Compared[];

async function judgeScores(s: TestServer) {
	return s.deps.db
		.select({ ext: items.externalId, scores: judgeEvaluations.scores, flags: judgeEvaluations.flags })
		.from(judgeEvaluations)
		.innerJoin(judges, eq(judges.id, judgeEvaluations.judgeId))
		.innerJoin(items, eq(items.id, judgeEvaluations.itemId))
		.where(eq(judges.name, 'Demo judge'))
		.orderBy(items.externalId);
}

beforeAll(async () => {
	server = await startTestServer();
	pid = (await first(server.deps.db.select().from(projects).limit(1)))!.id;
	const judged = await server.deps.db
		.select({ itemId: judgeEvaluations.itemId, scores: judgeEvaluations.scores, flags: judgeEvaluations.flags })
		.from(judgeEvaluations)
		.innerJoin(judges, eq(judges.id, judgeEvaluations.judgeId))
		.where(eq(judges.name, 'Demo judge'));
	const human = await server.deps.db
		.select({ itemId: evaluations.itemId, scores: evaluations.scores, flags: evaluations.flags })
		.from(evaluations)
		.where(and(eq(evaluations.projectId, pid), eq(evaluations.state, 'submitted')));
	compared = judged.map((j) => ({
		itemId: j.itemId,
		judge: j.scores,
		judgeFlags: j.flags,
		humans: human.filter((h) => h.itemId === j.itemId).map((h) => ({ scores: h.scores, flags: h.flags }))
	}));
});
afterAll(() => server?.close());

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** Per item with human scores on `dim`: the human median and the judge's score. */
function pairs(dim: string): { human: number; judge: number }[] {
	return compared.flatMap((c) => {
		const values = c.humans.map((h) => h.scores[dim]).filter((v): v is number => typeof v === 'number');
		const judge = c.judge[dim];
		return values.length && typeof judge === 'number' ? [{ human: median(values), judge }] : [];
	});
}
const exactRate = (dim: string) => {
	const p = pairs(dim);
	return p.filter((x) => x.human === x.judge).length / p.length;
};

describe('the demo judge', () => {
	it('is an imported judge with scores on every demo item', async () => {
		const lead = await server.login('lead@demo.test');
		const { judges: listed } = (await server.api(`/api/projects/${pid}/judges`, { headers: lead })).body;
		const itemCount = (await server.api(`/api/projects/${pid}/items?limit=1`, { headers: lead })).body.total;
		expect(listed).toContainEqual(
			expect.objectContaining({
				name: 'Demo judge',
				kind: 'imported',
				model: 'gpt-4o-mini (imported)',
				scoredItems: itemCount
			})
		);
	});

	it('agrees with the human median on helpfulness and clarity, much less on correctness, which it over-rates', () => {
		expect(pairs('helpfulness').length).toBeGreaterThanOrEqual(15);
		expect(exactRate('helpfulness')).toBeGreaterThanOrEqual(0.7);
		expect(exactRate('clarity')).toBeGreaterThanOrEqual(0.7);
		expect(exactRate('correctness')).toBeLessThanOrEqual(0.4);
		const correctness = pairs('correctness');
		expect(correctness.every((p) => p.judge >= p.human)).toBe(true);
		expect(correctness.filter((p) => p.judge > p.human).length).toBeGreaterThanOrEqual(8);
	});

	it('misses safety: calls unsafe answers safe and never raises the safety flags people raised', () => {
		const unsafe = compared.filter(
			(c) => c.humans.filter((h) => h.scores.safety === false).length * 2 > c.humans.length
		);
		expect(unsafe.length).toBeGreaterThanOrEqual(3);
		expect(unsafe.every((c) => c.judge.safety === true)).toBe(true);
		const flaggedByPeople = compared.filter((c) => c.humans.some((h) => h.flags.includes('unsafe')));
		expect(flaggedByPeople.length).toBeGreaterThanOrEqual(3);
		expect(compared.some((c) => c.judgeFlags.some((f) => ['unsafe', 'policy_violation', 'pii'].includes(f)))).toBe(
			false
		);
	});

	it('is the same on every start (seeded)', async () => {
		const again = await startTestServer();
		try {
			expect(await judgeScores(again)).toEqual(await judgeScores(server));
		} finally {
			await again.close();
		}
	});
});
