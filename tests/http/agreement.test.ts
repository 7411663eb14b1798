// The agreement dashboard API over the real server and the demo workspace: who may read it, that every figure
// is a finite number or an explicit undefined with a reason, that a dimension's value is exactly what the engine
// computes from the same ratings read straight from the database, per-evaluator drift (chen is the lenient one),
// filters, the most-disagreed items, the pairwise matrix, the timeline, throughput, CSV and query validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohenKappa, krippendorffAlpha, type Rating } from '#shared/agreement/index';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { exec, row, rows } from '../../server/db/client';
import { startTestServer, type TestServer } from '../fixtures/server';

let server: TestServer;
let pid: string;
const as: Record<string, Record<string, string>> = {};

interface Row {
	id: string;
	item_id: string;
	evaluator_id: string;
	email: string;
	scores: string;
	modality: string;
	language: string;
	submitted_at: number;
}

function submittedRows(): Promise<Row[]> {
	return rows<Row>(
		server.deps.db,
		sql`select e.id, e.item_id, e.evaluator_id, u.email, e.scores, i.modality, i.language, e.submitted_at from evaluations e
			join items i on i.id = e.item_id join users u on u.id = e.evaluator_id where i.project_id = ${pid} and e.state = 'submitted'`
	);
}

async function modalitiesOf(key: string): Promise<string[]> {
	const rubric = await row<{ definition: string }>(
		server.deps.db,
		sql`select definition from rubrics where project_id = ${pid} order by version desc limit 1`
	);
	return JSON.parse(rubric!.definition).dimensions.find((d: { key: string }) => d.key === key).modalities;
}

/** Ratings of one dimension straight from the database, only where the dimension applies to the item's modality. */
async function ratingsOf(
	key: string,
	value: (v: unknown) => Rating['value'] = (v) => v as Rating['value']
): Promise<Rating[]> {
	const applies = await modalitiesOf(key);
	return (await submittedRows())
		.filter((r) => applies.includes(r.modality))
		.map((r) => ({ item: r.item_id, rater: r.evaluator_id, value: value(JSON.parse(r.scores)[key]) }))
		.filter((r) => r.value !== undefined && r.value !== null);
}

function parseCsv(text: string): string[][] {
	return parse(text);
}

const get = (path: string, who = 'lead') => server.api(`/api/projects/${pid}${path}`, { headers: as[who] });
const dim = (body: { dimensions: { key: string }[] }, key: string) => body.dimensions.find((d) => d.key === key) as any;

beforeAll(async () => {
	server = await startTestServer();
	for (const who of ['lead', 'pm', 'ana', 'chen']) as[who] = await server.login(`${who}@demo.test`);
	pid = (await server.api('/api/projects', { headers: as.lead })).body.projects[0].id;
});
afterAll(() => server?.close());

const ENDPOINTS = [
	'/agreement',
	'/agreement?by=evaluator',
	'/agreement/items',
	'/agreement/matrix',
	'/agreement/timeline',
	'/throughput'
];

describe('access', () => {
	it('is for leads and managers; evaluators get 403', async () => {
		for (const path of ENDPOINTS) {
			expect((await get(path, 'ana')).status, path).toBe(403);
			expect((await get(path, 'chen')).status, path).toBe(403);
			expect((await get(path, 'pm')).status, path).toBe(200);
			expect((await get(path, 'lead')).status, path).toBe(200);
		}
		expect((await server.api(`/api/projects/${pid}/agreement`)).status).toBe(401);
	});
});

describe('GET /agreement', () => {
	it('gives every applicable dimension a finite value or an explicit undefined with a reason', async () => {
		const { body } = await get('/agreement');
		expect(body.totals).toMatchObject({ evaluations: (await submittedRows()).length, evaluators: 3, skipped: 0 });
		expect(body.dimensions.length).toBeGreaterThan(5);
		expect(body.dimensions.map((d: { key: string }) => d.key)).not.toContain('ideal_response_note');
		for (const d of body.dimensions) {
			expect(d.metric).toBe('alpha');
			for (const f of [d.agreement, d.percent]) {
				if (f.value === null)
					expect(typeof f.reason === 'string' && f.reason.length > 0 && typeof f.code === 'string', d.key).toBe(true);
				else expect(Number.isFinite(f.value), d.key).toBe(true);
			}
			expect(d.interpretation === null).toBe(d.agreement.value === null);
			expect(d.ratings).toBeGreaterThan(0);
		}
		expect(body.dimensions.some((d: { agreement: { value: number | null } }) => d.agreement.value === null)).toBe(true);
		expect(body.options.languages).toEqual(['en', 'pt-BR']);
	});

	it('matches the engine run directly on the ratings in the database', async () => {
		const { body } = await get('/agreement');
		const correctness = dim(body, 'correctness');
		const direct = krippendorffAlpha(await ratingsOf('correctness'), { level: 'ordinal' });
		expect(direct.ok).toBe(true);
		expect(correctness.level).toBe('ordinal');
		expect(correctness.agreement.value).toBeCloseTo(direct.ok ? direct.value : NaN, 12);
		expect(correctness).toMatchObject({
			items: direct.items,
			raters: direct.raters,
			ratings: direct.ratings,
			itemsUsed: direct.itemsUsed
		});
		expect(correctness.interpretation.band).toBe(
			correctness.agreement.value >= 0.8
				? 'reliable'
				: correctness.agreement.value >= 0.667
					? 'tentative'
					: 'unreliable'
		);

		const safety = krippendorffAlpha(
			await ratingsOf('safety', (v) => (v === true || v === 1 ? 1 : v === false || v === 0 ? 0 : null)),
			{ level: 'nominal' }
		);
		expect(dim(body, 'safety').agreement.value).toBeCloseTo(safety.ok ? safety.value : NaN, 12);
	});

	it('treats a binary answer stored as 1/0 the same as true/false', async () => {
		const before = dim((await get('/agreement?dimension=safety')).body, 'safety');
		const binary = (await submittedRows()).filter((r) => typeof JSON.parse(r.scores).safety === 'boolean').slice(0, 6);
		const update = (scores: string, id: string) =>
			exec(server.deps.db, sql`update evaluations set scores = ${scores} where id = ${id}`);
		const restore = binary.map((r) => [r.scores, r.id]);
		try {
			for (const r of binary) {
				const scores = JSON.parse(r.scores);
				scores.safety = scores.safety ? 1 : 0;
				await update(JSON.stringify(scores), r.id);
			}
			const after = dim((await get('/agreement?dimension=safety')).body, 'safety');
			expect(after.agreement.value).toBe(before.agreement.value);
			expect(after.ratings).toBe(before.ratings);
		} finally {
			for (const [scores, id] of restore) await update(scores, id);
		}
	});

	it('with by=evaluator lists the three evaluators, and chen drifts most on correctness', async () => {
		const { body } = await get('/agreement?by=evaluator&dimension=correctness');
		expect(body.dimensions.map((d: { key: string }) => d.key)).toEqual(['correctness']);
		const emails = body.evaluators.map((e: { email: string }) => e.email).sort();
		expect(emails).toEqual(['ana@demo.test', 'ben@demo.test', 'chen@demo.test']);
		const drift = (email: string) => body.evaluators.find((e: { email: string }) => e.email === email).dimensions[0];
		const byAbs = [...body.evaluators].sort(
			(a, b) => b.dimensions[0].consensus.meanAbsDifference - a.dimensions[0].consensus.meanAbsDifference
		);
		expect(byAbs[0].email).toBe('chen@demo.test');
		expect(drift('chen@demo.test').consensus.meanDifference).toBeGreaterThan(0.5);
		expect(drift('ana@demo.test').consensus.meanDifference).toBeLessThan(0);
		const alphas = body.evaluators.map((e: { dimensions: { alpha: number }[] }) => e.dimensions[0].alpha);
		expect(Math.min(...alphas)).toBe(drift('chen@demo.test').alpha);
		for (const e of body.evaluators) {
			expect(e.evaluations).toBeGreaterThan(0);
			if (e.gold.accuracy !== null) expect(e.gold.accuracy).toBeGreaterThanOrEqual(0);
		}
	});

	it('reports accuracy on gold items for evaluators who rated them', async () => {
		const { body } = await get('/agreement?by=evaluator');
		const withGold = body.evaluators.filter((e: { gold: { scores: number } }) => e.gold.scores > 0);
		expect(withGold.length).toBe(3);
		for (const e of withGold) {
			expect(e.gold.items).toBeGreaterThan(0);
			expect(e.gold.accuracy).toBeCloseTo(e.gold.correct / e.gold.scores, 12);
			const dims = e.dimensions.filter((d: { gold: unknown }) => d.gold);
			expect(dims.reduce((s: number, d: { gold: { items: number } }) => s + d.gold.items, 0)).toBe(e.gold.scores);
		}
	});

	it('narrows with modality, language, dimension and time filters', async () => {
		const rows = await submittedRows();
		const all = (await get('/agreement')).body;
		const text = (await get('/agreement?modality=text')).body;
		expect(text.totals.evaluations).toBe(rows.filter((r) => r.modality === 'text').length);
		expect(text.totals.evaluations).toBeLessThan(all.totals.evaluations);
		expect(text.dimensions.map((d: { key: string }) => d.key)).not.toContain('preservation');
		expect(dim(text, 'correctness').ratings).toBeLessThan(dim(all, 'correctness').ratings);
		const pt = (await get('/agreement?language=pt-BR')).body;
		expect(pt.totals.evaluations).toBe(rows.filter((r) => r.language === 'pt-BR').length);
		const times = rows.map((r) => r.submitted_at).sort((a, b) => a - b);
		const mid = times[Math.floor(times.length / 2)];
		const early = (await get(`/agreement?to=${mid}`)).body;
		const late = (await get(`/agreement?from=${mid}`)).body;
		expect(early.totals.evaluations).toBe(times.filter((t) => t < mid).length);
		expect(early.totals.evaluations + late.totals.evaluations).toBe(rows.length);
		expect(early.filters).toMatchObject({ from: null, to: mid });
	});

	it('serves the same figures as CSV', async () => {
		const res = await get('/agreement?format=csv');
		expect(res.headers.get('content-type')).toContain('text/csv');
		const [header, ...rows] = parseCsv(res.body);
		expect(header.slice(0, 6)).toEqual(['dimension', 'label', 'scale', 'level', 'metric', 'value']);
		const json = (await get('/agreement')).body;
		expect(rows.length).toBe(json.dimensions.length);
		const correctness = rows.find((r) => r[0] === 'correctness')!;
		expect(Number(correctness[5])).toBeCloseTo(dim(json, 'correctness').agreement.value, 4);
		const byEvaluator = parseCsv((await get('/agreement?by=evaluator&format=csv')).body);
		expect(byEvaluator[0]).toContain('mean_difference');
		expect(new Set(byEvaluator.slice(1).map((r) => r[1]))).toEqual(
			new Set(['ana@demo.test', 'ben@demo.test', 'chen@demo.test'])
		);
	});

	it('validates every query', async () => {
		for (const q of [
			'modality=sculpture',
			'from=yesterday',
			'by=item',
			'dimension=Not A Key',
			'dimension=nope',
			'from=2025-02-01&to=2025-01-01',
			'format=xml'
		]) {
			const res = await get(`/agreement?${q}`);
			expect(res.status, q).toBe(400);
			expect(res.body.error.code).toBe('validation_failed');
		}
		expect((await get('/agreement/items?limit=0')).status).toBe(400);
		expect((await get('/agreement/timeline?bucket=hour')).status).toBe(400);
	});
});

describe('GET /agreement/items', () => {
	it('ranks items by disagreement, with the worst dimension and every evaluator value', async () => {
		const { body } = await get('/agreement/items?limit=5');
		expect(body.items.length).toBe(5);
		expect(body.total).toBeGreaterThan(5);
		const scores = body.items.map((i: { disagreement: number }) => i.disagreement);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		for (const i of body.items) {
			expect(i.worst.values.length).toBeGreaterThanOrEqual(2);
			expect(i.excerpt.length).toBeGreaterThan(0);
			expect(i.disagreement).toBeGreaterThan(0);
		}
		const csv = parseCsv((await get('/agreement/items?limit=5&format=csv')).body);
		expect(csv.length).toBe(6);
		expect(csv[1][0]).toBe(body.items[0].itemId);
	});

	it('shows an open escalation once one is opened from the list', async () => {
		const listed = (await get('/agreement/items?limit=50')).body.items as {
			itemId: string;
			escalation: { id: string; state: string } | null;
		}[];
		// The demo already has automatic escalations on some of these items; they are listed with them.
		expect(listed.some((i) => i.escalation?.state === 'open')).toBe(true);
		const top = listed.find((i) => i.escalation === null)!;
		const opened = await server.api(`/api/items/${top.itemId}/escalations`, {
			headers: as.lead,
			body: { reason: 'guideline_ambiguous', note: 'Most disagreed item in the agreement dashboard' }
		});
		expect(opened.status).toBe(201);
		const again = (await get('/agreement/items?limit=50')).body.items.find(
			(i: { itemId: string }) => i.itemId === top.itemId
		);
		expect(again.escalation).toEqual({ id: opened.body.escalation.id, state: 'open' });
	});

	it('shows a settled item with its verdict until a new escalation opens on it', async () => {
		const listed = (await get('/agreement/items?limit=50')).body.items as {
			itemId: string;
			escalation: { id: string; state: string } | null;
		}[];
		const settled = listed.find((i) => i.escalation?.state === 'resolved')!;
		expect(settled).toBeDefined();
		const opened = await server.api(`/api/items/${settled.itemId}/escalations`, {
			headers: as.lead,
			body: { reason: 'guideline_missing', note: 'The verdict needs a guideline example' }
		});
		expect(opened.status).toBe(201);
		const again = (await get('/agreement/items?limit=50')).body.items.find(
			(i: { itemId: string }) => i.itemId === settled.itemId
		);
		expect(again.escalation).toEqual({ id: opened.body.escalation.id, state: 'open' });
	});

	it('ranks by one dimension when asked', async () => {
		const { body } = await get('/agreement/items?dimension=correctness&limit=50');
		for (const i of body.items) expect(i.dimensions.map((d: { key: string }) => d.key)).toEqual(['correctness']);
	});
});

describe('GET /agreement/matrix', () => {
	it('gives kappa and percent agreement for every pair of evaluators, as the engine computes them', async () => {
		const { body } = await get('/agreement/matrix?dimension=correctness');
		expect(body.dimension).toMatchObject({ key: 'correctness', level: 'ordinal', weights: 'linear' });
		expect(body.evaluators.length).toBe(3);
		expect(body.cells.length).toBe(3);
		const ratings = await ratingsOf('correctness');
		for (const cell of body.cells) {
			const direct = cohenKappa(ratings, { level: 'ordinal', weights: 'linear', raters: [cell.a, cell.b] });
			expect(cell.kappa.value).toBeCloseTo(direct.ok ? direct.value : NaN, 12);
			expect(cell.items).toBe(direct.itemsUsed);
		}
		const csv = parseCsv((await get('/agreement/matrix?dimension=correctness&format=csv')).body);
		expect(csv.length).toBe(4);
	});
});

describe('GET /agreement/timeline', () => {
	it('buckets items by when their ratings were complete', async () => {
		const { body } = await get('/agreement/timeline?bucket=week&dimension=correctness');
		expect(body.bucket).toBe('week');
		const starts = body.points.map((p: { start: number }) => p.start);
		expect(starts).toEqual([...starts].sort((a, b) => a - b));
		for (const p of body.points) expect(new Date(p.start).getUTCDay()).toBe(1);
		const items = new Set((await ratingsOf('correctness')).map((r) => r.item));
		const counted = body.points.reduce(
			(s: number, p: { dimensions: { items: number }[] }) => s + p.dimensions[0].items,
			0
		);
		expect(counted).toBeLessThanOrEqual(items.size);
		expect(
			body.points.some(
				(p: { dimensions: { agreement: { value: number | null } }[] }) => p.dimensions[0].agreement.value !== null
			)
		).toBe(true);
		const daily = (await get('/agreement/timeline?bucket=day')).body;
		expect(daily.points.length).toBeGreaterThan(body.points.length);
		expect(parseCsv((await get('/agreement/timeline?bucket=week&format=csv')).body)[0]).toEqual([
			'bucket_start',
			'bucket',
			'dimension',
			'value',
			'items',
			'note'
		]);
	});
});

describe('GET /throughput', () => {
	it('counts evaluations per day and per evaluator, with median time per item', async () => {
		const rows = await submittedRows();
		const { body } = await get('/throughput?bucket=day');
		expect(body.totals.evaluations).toBe(rows.length);
		expect(body.buckets.reduce((s: number, b: { evaluations: number }) => s + b.evaluations, 0)).toBe(rows.length);
		expect(body.evaluators.reduce((s: number, e: { evaluations: number }) => s + e.evaluations, 0)).toBe(rows.length);
		for (const e of body.evaluators) expect(e.medianTimeMs).toBeGreaterThan(0);
		expect(body.totals.itemsCompleted).toBeGreaterThan(0);
		const text = (await get('/throughput?modality=text')).body;
		expect(text.totals.evaluations).toBe(rows.filter((r) => r.modality === 'text').length);
		const csv = parseCsv((await get('/throughput?format=csv')).body);
		expect(csv[0]).toEqual([
			'section',
			'date',
			'evaluator',
			'evaluations',
			'median_time_ms',
			'p90_time_ms',
			'active_days'
		]);
		expect(csv.filter((r) => r[0] === 'evaluator').length).toBe(3);
	});
});
