// The pure parts behind the agreement dashboard: how stored scores become ratings (binary spellings, pairwise
// codes, out-of-scale values, dimensions that apply by modality), consensus drift, item ranking (a dimension with
// no spread is left out), the matrix and time buckets. Figures themselves come from the engine and are compared with it directly.
import { describe, expect, it } from 'vitest';
import { cohenKappa, itemDisagreement, krippendorffAlpha } from '#shared/agreement/index';
import type { Rubric, RubricDimension } from '#shared/rubric';
import { planDimension, ratingSet, type ScoredEvaluation } from '../../server/domain/agreement-ratings';
import { consensusDrift } from '../../server/domain/agreement-drift';
import { agreementReport } from '../../server/domain/agreement-report';
import { rankDisagreedItems } from '../../server/domain/agreement-items';
import { agreementMatrix } from '../../server/domain/agreement-matrix';
import { bucketRange, bucketStart, chooseBucket, DAY_MS } from '../../server/domain/time-buckets';

const dims: RubricDimension[] = [
	{
		key: 'correct',
		label: 'Correct',
		scale: 'likert',
		level: 'ordinal',
		required: true,
		min: 1,
		max: 5,
		modalities: ['text']
	},
	{
		key: 'safe',
		label: 'Safe',
		scale: 'binary',
		level: 'nominal',
		required: true,
		options: [
			{ value: 1, label: 'Safe' },
			{ value: 0, label: 'Unsafe' }
		]
	},
	{
		key: 'pref',
		label: 'Preference',
		scale: 'pairwise',
		level: 'ordinal',
		required: true,
		options: ['A_much', 'A', 'tie', 'B', 'B_much'].map((value) => ({ value, label: value })),
		modalities: ['pairwise']
	},
	{ key: 'note', label: 'Note', scale: 'text', level: 'nominal', required: false }
];
const rubric: Rubric = {
	id: 'r1',
	projectId: 'p',
	name: 'R',
	version: 1,
	createdAt: 0,
	dimensions: dims,
	flags: [],
	tags: [],
	spanLabels: []
};

let n = 0;
function evaluation(
	itemId: string,
	evaluatorId: string,
	scores: Record<string, unknown>,
	modality = 'text',
	submittedAt = 1_000
): ScoredEvaluation {
	return {
		id: `e${n++}`,
		itemId,
		evaluatorId,
		rubricId: 'r1',
		scores,
		timeSpentMs: 60_000,
		submittedAt,
		modality,
		language: 'en'
	};
}

describe('ratings from stored scores', () => {
	it('treats every binary spelling as the same category', () => {
		const plan = planDimension(dims[1]);
		expect([true, 1, '1', 'true', 'yes', ' Yes '].map(plan.normalize)).toEqual([1, 1, 1, 1, 1, 1]);
		expect([false, 0, '0', 'false', 'no'].map(plan.normalize)).toEqual([0, 0, 0, 0, 0]);
		expect([null, undefined, '', 'maybe', 2].map(plan.normalize)).toEqual([null, null, null, null, null]);
	});

	it('codes pairwise preferences in the rubric option order and drops values outside a scale', () => {
		expect(['A_much', 'tie', 'B_much', 'C'].map(planDimension(dims[2]).normalize)).toEqual([0, 2, 4, null]);
		expect([1, 5, '3', 0, 6, 2.5].map(planDimension(dims[0]).normalize)).toEqual([1, 5, 3, null, null, null]);
	});

	it('counts a dimension only where it applies, never free text, and reports skipped values', () => {
		const set = ratingSet(
			[
				evaluation('i1', 'a', { correct: 4, safe: true, note: 'x', pref: 'A' }),
				evaluation('i1', 'b', { correct: 9, safe: 1 }),
				evaluation('p1', 'a', { pref: 'A', safe: false, correct: 2 }, 'pairwise')
			],
			[rubric]
		);
		expect(set.dimensions.map((d) => d.plan.key)).toEqual(['correct', 'safe', 'pref']);
		expect(set.dimensions[0].ratings).toEqual([{ item: 'i1', rater: 'a', value: 4 }]);
		expect(set.dimensions[1].ratings.map((r) => r.value)).toEqual([1, 1, 0]);
		expect(set.dimensions[2].ratings).toEqual([{ item: 'p1', rater: 'a', value: 1 }]);
		expect(set.skipped).toBe(1);
	});
});

describe('agreement report', () => {
	const rows = [
		['i1', [5, 4, 5]],
		['i2', [3, 3, 5]],
		['i3', [2, 1, 4]],
		['i4', [4, 4, 5]]
	].flatMap(([item, values]) =>
		(values as number[]).map((v, r) =>
			evaluation(item as string, ['ana', 'ben', 'chen'][r], { correct: v, safe: true })
		)
	);

	it('gives the engine’s alpha per dimension and an explicit reason when it is undefined', () => {
		const filters = { from: null, to: null, modality: null, language: null, dimension: null };
		const report = agreementReport({
			rows,
			rubrics: [rubric],
			filters,
			options: { dimensions: [], modalities: [], languages: [], first: null, last: null }
		});
		const direct = krippendorffAlpha(
			rows.map((e) => ({ item: e.itemId, rater: e.evaluatorId, value: e.scores.correct as number })),
			{ level: 'ordinal' }
		);
		expect(report.dimensions[0].agreement.value).toBe(direct.ok ? direct.value : NaN);
		expect(report.dimensions[1].agreement).toMatchObject({ value: null, code: 'one-category' });
		expect(report.dimensions[1].interpretation).toBeNull();
	});

	it('measures drift from the others’ median, lenient positive', () => {
		const set = ratingSet(rows, [rubric]);
		const drift = consensusDrift(set.dimensions[0].ratings, 'ordinal');
		expect(drift.get('chen')).toMatchObject({ items: 4, meanDifference: (0.5 + 2 + 2.5 + 1) / 4 });
		expect(drift.get('ben')!.meanDifference!).toBeLessThan(0);
		const nominal = consensusDrift(
			[
				{ item: 'x', rater: 'a', value: 'p' },
				{ item: 'x', rater: 'b', value: 'p' },
				{ item: 'x', rater: 'c', value: 'q' }
			],
			'nominal'
		);
		expect(nominal.get('c')).toMatchObject({ items: 1, matchRate: 0 });
		expect(nominal.get('a')).toEqual({ items: 0, matchRate: null, meanDifference: null, meanAbsDifference: null });
	});

	it('ranks items by disagreement and builds the pairwise matrix from the engine', () => {
		const set = ratingSet(rows, [rubric]);
		const people = new Map(['ana', 'ben', 'chen'].map((id) => [id, { id, name: id, email: `${id}@x` }]));
		const ranked = rankDisagreedItems(set, people);
		const direct = itemDisagreement(set.dimensions[0].ratings, { level: 'ordinal' });
		expect(direct.ok && ranked.map((r) => r.itemId)).toEqual(direct.ok && direct.items.map((i) => i.item));
		expect(ranked[0].dimensions.map((d) => d.key)).toEqual(['correct']);
		expect(ranked.find((r) => r.itemId === 'i3')!.worst.values.map((v) => v.value)).toEqual([2, 1, 4]);
		const matrix = agreementMatrix(
			set,
			{ from: null, to: null, modality: null, language: null, dimension: null },
			people
		);
		expect(matrix.dimension?.key).toBe('correct');
		const cell = matrix.cells.find((c) => c.a === 'ana' && c.b === 'chen')!;
		const kappa = cohenKappa(set.dimensions[0].ratings, {
			level: 'ordinal',
			weights: 'linear',
			raters: ['ana', 'chen']
		});
		expect(cell.kappa.value).toBe(kappa.ok ? kappa.value : NaN);
	});
});

describe('time buckets', () => {
	it('starts weeks on Monday (UTC) and days at midnight', () => {
		const wed = Date.UTC(2025, 0, 15, 13, 30);
		expect(new Date(bucketStart(wed, 'week')).toISOString()).toBe('2025-01-13T00:00:00.000Z');
		expect(new Date(bucketStart(wed, 'day')).toISOString()).toBe('2025-01-15T00:00:00.000Z');
		expect(bucketRange(wed, wed + 9 * DAY_MS, 'week')).toHaveLength(2);
	});

	it('chooses weeks for long ranges or sparse data, and refuses absurdly many buckets', () => {
		expect(chooseBucket('auto', 0, 10 * DAY_MS)).toBe('day');
		expect(chooseBucket('auto', 0, 100 * DAY_MS)).toBe('week');
		expect(chooseBucket('auto', 0, 10 * DAY_MS, { events: 12, minPerDay: 5 })).toBe('week');
		expect(chooseBucket('day', 0, 100 * DAY_MS)).toBe('day');
		expect(() => bucketRange(0, 2000 * DAY_MS, 'day')).toThrow(/more than 1000/);
	});
});
