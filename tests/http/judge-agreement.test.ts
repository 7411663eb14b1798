// "Humans and judges" over the real server and a project where the answers are known (tests/fixtures/judge-world.ts):
// a judge equal to the reference reads α 1 ("trust"), one opposite to it "do not rely", one with five items "too
// few"; the reference says which kind of reference each item used; per evaluator, kappa matches a hand computation;
// by guideline version every stamp counts; over time the newest scores fall in their weeks; the items a judge
// differs on most come first, each linking to its escalation when it has one; judges never enter the people's
// figures unless asked; evaluators get 403 and unknown parameters 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { evaluations } from '../../drizzle/schema';
import { bumpEvaluationSeq } from '../../server/db/project-counts';
import { krippendorffAlpha, toTable, type Rating } from '#shared/agreement/index';
import type { JudgeAgreementReport } from '#shared/judge-agreement';
import type { AgreementReport } from '#shared/agreement-report';
import { startExchangeServer, type ExchangeServer, type PersonKey } from '../fixtures/exchange';
import { ITEMS, base, buildJudgeWorld, referenceOf, type JudgeWorld } from '../fixtures/judge-world';

let x: ExchangeServer;
let w: JudgeWorld;

const get = (query = '', who: PersonKey = 'lead') =>
	x.server.api(`/api/projects/${w.pid}/agreement/judges${query}`, { headers: x.as[who] });
const report = async (query = ''): Promise<JudgeAgreementReport> => {
	const res = await get(query);
	expect(res.status, JSON.stringify(res.body)).toBe(200);
	return res.body;
};
const judgeOf = (r: JudgeAgreementReport, name: string) => r.judges.find((j) => j.name === name)!;
const dim = (r: JudgeAgreementReport, name: string, key: string) =>
	judgeOf(r, name).dimensions.find((d) => d.key === key)!;

/** Cohen's kappa with linear weights over categories 1..K, written out from the textbook formula. */
function linearKappa(pairs: [number, number][], K: number): number {
	const n = pairs.length;
	const w = (i: number, j: number) => Math.abs(i - j) / (K - 1);
	const a = new Array(K + 1).fill(0);
	const b = new Array(K + 1).fill(0);
	let observed = 0;
	for (const [x1, x2] of pairs) {
		a[x1]++;
		b[x2]++;
		observed += w(x1, x2);
	}
	let expected = 0;
	for (let i = 1; i <= K; i++) for (let j = 1; j <= K; j++) expected += (a[i] * b[j] * w(i, j)) / n;
	return 1 - observed / expected;
}

beforeAll(async () => {
	x = await startExchangeServer();
	w = await buildJudgeWorld(x);
}, 60_000);
afterAll(() => x.server.close());

describe('GET /api/projects/:pid/agreement/judges', () => {
	it('trusts a judge equal to the reference, and says which references it used', async () => {
		const r = await report();
		expect(r.thresholds).toEqual({ minItems: 10, tentative: 0.667, reliable: 0.8 });
		expect(r.judges.map((j) => j.name)).toEqual(['Aligned', 'Mixed', 'Sparse']);
		const c = dim(r, 'Aligned', 'correctness');
		expect(c.level).toBe('ordinal');
		expect(c.weights).toBe('linear');
		expect(c.reference.n).toBe(ITEMS);
		expect(c.reference.alpha.value).toBeCloseTo(1, 10);
		expect(c.reference.kappa.value).toBeCloseTo(1, 10);
		expect(c.reference.verdict).toBe('trust');
		expect(c.reference.uses).toEqual({ gold: 10, consensus: 1, verdict: 1, median: 12 });
		expect(c.reference.reading).toBe(`Trust the judge for Correctness: α 1.00 on ${ITEMS} items, at least 0.8`);
	});

	it('says not to rely on a judge opposite to the people, with the figure and n in the words', async () => {
		const s = dim(await report(), 'Aligned', 'safe');
		// Two coders disagreeing on all 24 binary units, 24 of each value: α = 1 − Do/De, De = 2·24·24/(48·47).
		expect(s.reference.alpha.value).toBeCloseTo(1 - 1 / ((2 * 24 * 24) / (48 * 47)), 10);
		expect(s.reference.verdict).toBe('do-not-rely');
		expect(s.reference.uses).toEqual({ gold: 10, consensus: 1, verdict: 1, majority: 12 });
		expect(s.reference.reading).toMatch(/^Do not rely on the judge for Safe yet: α -0\.96 on 24 items, below 0\.667$/);
	});

	it('says there are too few items for a judge with five scores', async () => {
		const c = dim(await report(), 'Sparse', 'correctness');
		expect(c.reference.n).toBe(5);
		expect(c.reference.alpha.value).toBeCloseTo(1, 10);
		expect(c.reference.verdict).toBe('too-few');
		expect(c.reference.reading).toBe('Too few items to say (n 5 < 10)');
	});

	it('compares the judge with each evaluator on the items both scored (kappa checked by hand)', async () => {
		const c = dim(await report(), 'Aligned', 'correctness');
		expect(c.evaluators.map((e) => e.name)).toEqual(['Ana Souza', 'Ben Carter', 'Chen Wei']);
		const ana = c.evaluators[0];
		expect(ana.n).toBe(ITEMS);
		const pairs = Array.from({ length: ITEMS }, (_, i): [number, number] => [referenceOf(i).correctness, base(i)]);
		expect(ana.kappa.value).toBeCloseTo(linearKappa(pairs, 5), 10);
		const rows: Rating[] = pairs.flatMap(([j, h], i) => [
			{ item: i, rater: 'j', value: j },
			{ item: i, rater: 'h', value: h }
		]);
		expect(ana.alpha.value).toBeCloseTo(
			(krippendorffAlpha(toTable(rows, { categories: [1, 2, 3, 4, 5] }), { level: 'ordinal' }) as { value: number })
				.value,
			10
		);
		// The people's own agreement is there to compare with.
		expect(humansOn(await report(), 'correctness').humanItems).toBe(ITEMS);
	});

	it('reports every guideline-version stamp, and the headline can be limited to one', async () => {
		const r = await report('?dimension=correctness');
		const versions = judgeOf(r, 'Aligned').versions;
		expect(versions.map((v) => v.label)).toEqual([null, 'Style guide v1']);
		expect(versions[0].dimensions[0].alpha.value).toBeLessThan(0.667);
		expect(versions[1].dimensions[0].alpha.value).toBeCloseTo(1, 10);
		const old = await report('?dimension=correctness&guidelineVersionId=none');
		expect(dim(old, 'Aligned', 'correctness').reference.verdict).toBe('do-not-rely');
		const v1 = await report(`?dimension=correctness&guidelineVersionId=${w.versionId}`);
		expect(dim(v1, 'Aligned', 'correctness').reference.verdict).toBe('trust');
		expect((await get('?guidelineVersionId=nope')).status).toBe(400);
	});

	it('puts the newest scores in the week they were made', async () => {
		const t = judgeOf(await report('?dimension=correctness&bucket=week'), 'Aligned').timeline;
		expect(t.length).toBeGreaterThanOrEqual(2);
		const counts = t.map((p) => p.dimensions[0].n);
		expect(counts[0]).toBe(12);
		expect(counts.at(-1)).toBe(12);
		expect(t[0].dimensions[0].alpha.value).toBeCloseTo(1, 10);
		const months = await report('?dimension=correctness&bucket=month');
		expect(months.bucket).toBe('month');
	});

	it('lists the items a judge differs on most first, linking to the open escalation when there is one', async () => {
		const opened = await x.server.api(`/api/items/${w.itemIds[1]}/escalations`, {
			headers: x.as.ana,
			body: { reason: 'guideline_ambiguous', note: 'judge disagrees' }
		});
		expect(opened.status).toBe(201);
		const mixed = judgeOf(await report(), 'Mixed').differing;
		expect(mixed.map((d) => d.itemId)).toEqual([w.itemIds[0], w.itemIds[1], w.itemIds[2]]);
		expect(mixed.map((d) => d.distance)).toEqual([0.375, 0.25, 0.125]);
		expect(mixed[0].dimensions[0]).toMatchObject({ key: 'correctness', judge: 5, reference: 2, referenceKind: 'gold' });
		expect(mixed[0].href).toBe(`/projects/${w.pid}/items/${w.itemIds[0]}`);
		expect(mixed[1].escalation?.id).toBe(opened.body.escalation.id);
		expect(mixed[1].href).toBe(`/projects/${w.pid}/escalations/${opened.body.escalation.id}`);
		expect(judgeOf(await report(), 'Aligned').differing).toHaveLength(20);
	});

	it('keeps to one judge or one dimension when asked', async () => {
		const r = await report(`?judgeId=${w.judges.sparse}&dimension=safe`);
		expect(r.judges.map((j) => j.name)).toEqual(['Sparse']);
		expect(r.judges[0].dimensions.map((d) => d.key)).toEqual(['safe']);
		expect((await get('?judgeId=unknown')).status).toBe(404);
		expect((await get('?dimension=nope')).status).toBe(400);
	});

	it('is for leads and managers only, and refuses unknown parameters', async () => {
		expect((await get('', 'pm')).status).toBe(200);
		expect((await get('', 'admin')).status).toBe(200);
		expect((await get('', 'ana')).status).toBe(403);
		expect((await get('?judge=1')).status).toBe(400);
		expect((await get('?bucket=day')).status).toBe(400);
	});
});

function humansOn(r: JudgeAgreementReport, key: string) {
	return r.dimensions.find((d) => d.key === key)!;
}

describe('human agreement figures and judges', () => {
	const human = async (query = '') =>
		(await x.server.api(`/api/projects/${w.pid}/agreement?dimension=correctness${query}`, { headers: x.as.lead }))
			.body as AgreementReport;
	// The people's correctness ratings alone, computed here.
	const peopleRows = (): Rating[] =>
		Array.from({ length: ITEMS }, (_, i) => [
			{ item: i, rater: 'ana', value: base(i) },
			{ item: i, rater: 'ben', value: base(i) },
			{ item: i, rater: 'chen', value: base(i) + 1 }
		]).flat();
	const alphaOf = (rows: Rating[]) =>
		(krippendorffAlpha(toTable(rows, { categories: [1, 2, 3, 4, 5] }), { level: 'ordinal' }) as { value: number })
			.value;

	it('are the people alone by default, whatever judge scores exist', async () => {
		// A rebuild after the judge scores were written: the figures are recomputed, not served from before.
		await bumpEvaluationSeq(x.server.deps.db, w.pid);
		const r = await human();
		expect(r.includedJudges).toBeUndefined();
		expect(r.dimensions[0].raters).toBe(3);
		expect(r.dimensions[0].agreement.value).toBeCloseTo(alphaOf(peopleRows()), 10);
	});

	it('add the active judges as raters when a lead includes them, and say so', async () => {
		const r = await human('&includeJudges=1');
		expect(r.includedJudges?.map((j) => j.name)).toEqual(['Aligned', 'Mixed', 'Sparse']);
		expect(r.dimensions[0].raters).toBe(6);
		const judged: Rating[] = [];
		for (let i = 0; i < ITEMS; i++) {
			const ref = referenceOf(i).correctness;
			judged.push({ item: i, rater: 'aligned', value: ref });
			judged.push({ item: i, rater: 'mixed', value: Math.min(5, ref + (i < 3 ? 3 - i : 0)) });
			if (i < 5) judged.push({ item: i, rater: 'sparse', value: ref });
		}
		expect(r.dimensions[0].agreement.value).toBeCloseTo(alphaOf([...peopleRows(), ...judged]), 10);
		expect(r.dimensions[0].interval).toBeUndefined();
		expect((await human('&includeJudges=0')).includedJudges).toBeUndefined();
		const bad = await x.server.api(`/api/projects/${w.pid}/agreement?includeJudges=yes`, { headers: x.as.lead });
		expect(bad.status).toBe(400);
	});
});

describe('agreement split by suggestion', () => {
	it('is absent until an evaluation records a suggestion, then compares with and without', async () => {
		expect((await report()).suggestions).toBeNull();
		const db = x.server.deps.db;
		// Chen saw the "Aligned" judge's suggestion on items 12–23.
		for (let i = 12; i < ITEMS; i++)
			await db
				.update(evaluations)
				.set({ suggestionId: w.alignedScoreIds[i] })
				.where(and(eq(evaluations.itemId, w.itemIds[i]), eq(evaluations.evaluatorId, x.userIds.chen)));
		await bumpEvaluationSeq(db, w.pid);
		const split = (await report('?dimension=safe')).suggestions!;
		expect(split.shown).toBe(12);
		const safe = split.dimensions[0];
		expect(safe.withSuggestion.evaluations).toBe(12);
		expect(safe.without.evaluations).toBe(ITEMS * 3 - 12);
		const aligned = safe.withSuggestion.judges.find((j) => j.id === w.judges.aligned)!;
		expect(aligned.n).toBe(12);
		// Chen's safe value is the people's (safeOf); the judge said the opposite on every one of them.
		expect(aligned.alpha.value).toBeLessThan(0);
		expect(aligned.alpha.value).toBeCloseTo(1 - 1 / ((2 * 12 * 12) / (24 * 23)), 10);
	});
});
