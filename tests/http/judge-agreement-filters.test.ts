// "Humans and judges" honours the agreement dashboard's filters, over the real server and the known project of
// tests/fixtures/judge-world.ts (items 0–11 in English, 12–23 in Brazilian Portuguese): a language filter keeps
// the people's evaluations and the judges' scores of those items only (the "Mixed" judge, off on items 0–2 only,
// becomes exact; "Sparse", on items 0–4, drops out); a period keeps the judges' scores made in it (the "Aligned"
// judge's newest scores on items 0–11 are a week old); a modality with no items leaves nothing; the people's
// figures and the judges' agree on what the filter kept; a bad period is a 400 as on the people's figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JudgeAgreementReport } from '#shared/judge-agreement';
import { startExchangeServer, type ExchangeServer } from '../fixtures/exchange';
import { buildJudgeWorld, WEEK, type JudgeWorld } from '../fixtures/judge-world';

let x: ExchangeServer;
let w: JudgeWorld;

const get = (path: string, query: Record<string, string>) =>
	x.server.api(`/api/projects/${w.pid}/${path}?${new URLSearchParams(query)}`, { headers: x.as.lead });
const judges = async (query: Record<string, string> = {}): Promise<JudgeAgreementReport> => {
	const res = await get('agreement/judges', query);
	expect(res.status, JSON.stringify(res.body)).toBe(200);
	return res.body;
};
const correctness = (r: JudgeAgreementReport, name: string) =>
	r.judges.find((j) => j.name === name)?.dimensions.find((d) => d.key === 'correctness');

beforeAll(async () => {
	x = await startExchangeServer();
	w = await buildJudgeWorld(x, 'Filtered judges', { languageOf: (i) => (i < 12 ? 'en' : 'pt-BR') });
}, 60_000);
afterAll(() => x.server.close());

describe('Humans and judges with the dashboard filters', () => {
	it('a language keeps the items in that language, for the people and the judges alike', async () => {
		const all = await judges();
		expect(all.judges.map((j) => j.name)).toEqual(['Aligned', 'Mixed', 'Sparse']);
		expect(correctness(all, 'Mixed')!.reference.n).toBe(24);
		expect(correctness(all, 'Mixed')!.reference.alpha.value).toBeLessThan(0.99);

		const pt = await judges({ language: 'pt-BR' });
		expect(pt.filters).toMatchObject({ language: 'pt-BR', modality: null, from: null, to: null });
		// Sparse scored items 0–4 only, all in English.
		expect(pt.judges.map((j) => j.name)).toEqual(['Aligned', 'Mixed']);
		const mixed = correctness(pt, 'Mixed')!;
		expect(mixed.reference.n).toBe(12);
		expect(mixed.reference.alpha.value).toBeCloseTo(1, 10);
		// No gold on items 12–23: the people's median is every reference.
		expect(mixed.reference.uses).toEqual({ median: 12 });
		expect(pt.judges.find((j) => j.name === 'Mixed')!.scoredItems).toBe(12);
		for (const e of mixed.evaluators) expect(e.n).toBe(12);
		expect(pt.judges.flatMap((j) => j.differing.map((d) => d.itemId)).every((id) => w.itemIds.indexOf(id) >= 12)).toBe(
			true
		);

		// The people's figures above say the same about the items kept.
		const people = await get('agreement', { language: 'pt-BR', dimension: 'correctness' });
		expect(people.status).toBe(200);
		const humans = pt.dimensions.find((d) => d.key === 'correctness')!;
		expect(humans.humanItems).toBe(people.body.dimensions[0].itemsUsed);
		expect(humans.humans.value).toBeCloseTo(people.body.dimensions[0].agreement.value, 10);
	});

	it('a period keeps the judge scores made in it', async () => {
		const recent = await judges({ from: String(Date.now() - 3 * 86_400_000) });
		// Aligned's newest scores on items 0–11 were made a week ago, its older stamp eight weeks ago: out.
		const aligned = correctness(recent, 'Aligned')!;
		expect(aligned.reference.n).toBe(12);
		expect(aligned.reference.uses).toEqual({ median: 12 });
		// A period before every evaluation: no people, and only the gold answers of items 0–11 to compare with.
		const early = await judges({ to: String(Date.now() - 2 * WEEK) });
		const old = correctness(early, 'Aligned')!;
		expect(early.dimensions.find((d) => d.key === 'correctness')!.humanItems).toBe(0);
		// The old stamp scored every item 1; gold correctness is base + 1 ≥ 2: the judge never matches.
		expect(old.reference.n).toBe(12);
		expect(old.reference.uses).toEqual({ gold: 10, consensus: 1, verdict: 1 });
		expect(old.reference.alpha.value).toBeLessThan(0);
	});

	it('judges counted as raters in the people’s figures obey the period too', async () => {
		// Two weeks ago only the "Aligned" judge's older stamp existed; Mixed and Sparse scored just now.
		const res = await get('agreement', { includeJudges: '1', to: String(Date.now() - 2 * WEEK) });
		expect(res.status).toBe(200);
		expect(res.body.includedJudges.map((j: { name: string }) => j.name)).toEqual(['Aligned']);
	});

	it('a modality without items leaves no judge to measure', async () => {
		const r = await judges({ modality: 'chat' });
		expect(r.judges).toEqual([]);
	});

	it('refuses an empty period and unknown parameters, as the people’s figures do', async () => {
		for (const path of ['agreement', 'agreement/judges']) {
			const empty = await get(path, { from: '2025-03-02', to: '2025-03-01' });
			expect(empty.status).toBe(400);
			expect(empty.body.error.details[0].path).toBe('to');
			expect((await get(path, { evaluator: 'ana' })).status).toBe(400);
		}
	});
});
