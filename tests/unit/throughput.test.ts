// Throughput figures read straight from the evaluation columns (no per-submission rows): exact counts per bucket
// and evaluator, time figures that leave out evaluations without a recorded time, and item turnaround from the
// first submission to the one that completed the item, whatever order the submissions were folded in.
import { describe, expect, it } from 'vitest';
import { columnsOf, selectScope, wholeScope, type EvaluationFacts } from '../../server/domain/agreement-columns';
import { throughputReport } from '../../server/domain/throughput';
import { DAY_MS } from '../../server/domain/time-buckets';

const H = 3_600_000;
const D0 = 10 * DAY_MS;
const filters = { from: null, to: null, modality: null, language: null, dimension: null };
const people = new Map(
	['ana', 'ben', 'chen'].map((id) => [id, { id, name: id[0].toUpperCase() + id.slice(1), email: `${id}@demo.test` }])
);

function sub(itemId: string, evaluatorId: string, submittedAt: number, timeSpentMs: number): EvaluationFacts {
	return {
		itemId,
		evaluatorId,
		rubricId: 'r1',
		scores: {},
		timeSpentMs,
		submittedAt,
		modality: 'text',
		language: 'en'
	};
}

// Folded out of submission order: i1's last submission comes first.
const rows = [
	sub('i1', 'chen', D0 + DAY_MS + 2 * H, 120_000),
	sub('i1', 'ana', D0 + 1 * H, 60_000),
	sub('i1', 'ben', D0 + 3 * H, 0),
	sub('i2', 'ana', D0 + DAY_MS + 5 * H, 30_000),
	sub('i3', 'ben', D0 + 2 * H, 90_000),
	sub('i3', 'ana', D0 + DAY_MS + 1 * H, 45_000)
];
const columns = columnsOf(rows, []);

describe('throughputReport', () => {
	it('counts per day and evaluator, times without the unrecorded, turnaround to the overlap-th submission', () => {
		const report = throughputReport({
			columns,
			scope: wholeScope(columns),
			filters,
			bucket: 'day',
			people,
			overlap: 2
		});
		expect(report.buckets).toEqual([
			{ start: D0, end: D0 + DAY_MS, evaluations: 3, byEvaluator: { ana: 1, ben: 2 }, medianTimeMs: 75_000 },
			{
				start: D0 + DAY_MS,
				end: D0 + 2 * DAY_MS,
				evaluations: 3,
				byEvaluator: { chen: 1, ana: 2 },
				medianTimeMs: 45_000
			}
		]);
		expect(report.evaluators).toEqual([
			{ id: 'ana', name: 'Ana', evaluations: 3, medianTimeMs: 45_000, p90TimeMs: 60_000, activeDays: 2 },
			{ id: 'ben', name: 'Ben', evaluations: 2, medianTimeMs: 90_000, p90TimeMs: 90_000, activeDays: 1 },
			{ id: 'chen', name: 'Chen', evaluations: 1, medianTimeMs: 120_000, p90TimeMs: 120_000, activeDays: 1 }
		]);
		// i1: 1h → 3h (its second submission), i3: 2h → a day + 1h; i2 has one submission of the two needed.
		expect(report.totals).toEqual({
			evaluations: 6,
			medianTimeMs: 60_000,
			perDay: 3,
			itemsCompleted: 2,
			medianItemTurnaroundMs: (2 * H + (DAY_MS - H)) / 2
		});
	});

	it('reads only the evaluations of the scope', () => {
		const scope = selectScope(columns, { from: D0 + DAY_MS });
		const report = throughputReport({ columns, scope, filters, bucket: 'day', people, overlap: 2 });
		expect(report.totals.evaluations).toBe(3);
		expect(report.evaluators.map((e) => [e.id, e.evaluations])).toEqual([
			['ana', 2],
			['chen', 1]
		]);
		expect(report.totals.itemsCompleted).toBe(0);
		const none = throughputReport({ columns, scope: new Int32Array(0), filters, bucket: 'day', people, overlap: 2 });
		expect(none).toEqual({
			filters,
			bucket: 'day',
			buckets: [],
			evaluators: [],
			totals: { evaluations: 0, medianTimeMs: null, perDay: null, itemsCompleted: 0, medianItemTurnaroundMs: null }
		});
	});
});
