// Throughput and turnaround of submitted evaluations. Pure.
// Evaluations per day or week (by submission time, per evaluator), each evaluator's median and 90th-percentile
// time per item (evaluations without a recorded time are left out of time figures), and item turnaround: the
// time from an item's first submitted evaluation to the one that completed it (the project's overlap).
import type { AgreementFilters, Bucket, ThroughputEvaluator, ThroughputReport } from '#shared/agreement-report';
import type { EvaluationColumns, Scope } from './agreement-columns';
import type { Person } from './agreement-report';
import { bucketEnd, bucketRange, bucketStart, DAY_MS, median, percentile } from './time-buckets';

export interface ThroughputInput {
	/** The submissions, read from the columns at the scope's positions (no row objects are built). */
	columns: EvaluationColumns;
	scope: Scope;
	filters: AgreementFilters;
	bucket: Bucket;
	people: ReadonlyMap<string, Person>;
	/** Evaluations an item needs to be complete. */
	overlap: number;
}

function evaluatorFigures(
	c: EvaluationColumns,
	scope: Scope,
	people: ReadonlyMap<string, Person>
): ThroughputEvaluator[] {
	const by = new Map<number, { n: number; times: number[]; days: Set<number> }>();
	for (let k = 0; k < scope.length; k++) {
		const e = scope[k];
		const a = by.get(c.rater[e]) ?? { n: 0, times: [], days: new Set<number>() };
		by.set(c.rater[e], a);
		a.n++;
		if (c.timeSpentMs[e] > 0) a.times.push(c.timeSpentMs[e]);
		a.days.add(Math.floor(c.submittedAt[e] / DAY_MS));
	}
	return [...by]
		.map(([rater, a]) => {
			const id = c.raterIds[rater];
			return {
				id,
				name: people.get(id)?.name ?? id,
				evaluations: a.n,
				medianTimeMs: median(a.times),
				p90TimeMs: percentile(a.times, 90),
				activeDays: a.days.size
			};
		})
		.sort((x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id));
}

function turnaround(c: EvaluationColumns, scope: Scope, overlap: number): { completed: number; median: number | null } {
	// The scope's submission times grouped by item (counting sort into one array).
	const start = new Int32Array(c.itemIds.length + 1);
	for (let k = 0; k < scope.length; k++) start[c.item[scope[k]] + 1]++;
	for (let i = 0; i < c.itemIds.length; i++) start[i + 1] += start[i];
	const fill = start.slice(0, c.itemIds.length);
	const times = new Float64Array(scope.length);
	for (let k = 0; k < scope.length; k++) times[fill[c.item[scope[k]]]++] = c.submittedAt[scope[k]];
	const spans: number[] = [];
	for (let i = 0; i < c.itemIds.length; i++) {
		if (start[i + 1] - start[i] < overlap) continue;
		const mine = times.subarray(start[i], start[i + 1]).sort();
		spans.push(mine[overlap - 1] - mine[0]);
	}
	return { completed: spans.length, median: median(spans) };
}

export function throughputReport(input: ThroughputInput): ThroughputReport {
	const { columns: c, scope, filters, bucket, people } = input;
	const overlap = Math.max(1, input.overlap);
	const done = turnaround(c, scope, overlap);
	const times: number[] = [];
	for (let k = 0; k < scope.length; k++) if (c.timeSpentMs[scope[k]] > 0) times.push(c.timeSpentMs[scope[k]]);
	const evaluators = evaluatorFigures(c, scope, people);
	const totals = {
		evaluations: scope.length,
		medianTimeMs: median(times),
		perDay: null as number | null,
		itemsCompleted: done.completed,
		medianItemTurnaroundMs: done.median
	};
	if (!scope.length) return { filters, bucket, buckets: [], evaluators, totals };
	let min = Infinity;
	let max = -Infinity;
	for (let k = 0; k < scope.length; k++) {
		min = Math.min(min, c.submittedAt[scope[k]]);
		max = Math.max(max, c.submittedAt[scope[k]]);
	}
	const starts = bucketRange(min, max, bucket);
	const index = new Map(starts.map((s, i) => [s, i]));
	const acc = starts.map((): { n: number; by: Record<string, number>; times: number[] } => ({
		n: 0,
		by: {},
		times: []
	}));
	for (let k = 0; k < scope.length; k++) {
		const e = scope[k];
		const i = index.get(bucketStart(c.submittedAt[e], bucket));
		if (i === undefined) continue;
		const who = c.raterIds[c.rater[e]];
		acc[i].n++;
		acc[i].by[who] = (acc[i].by[who] ?? 0) + 1;
		if (c.timeSpentMs[e] > 0) acc[i].times.push(c.timeSpentMs[e]);
	}
	// Per day over the range asked for (a "last 30 days" filter divides by 30), else over the weeks or days shown.
	const spanStart = Math.min(filters.from ?? starts[0], starts[0]);
	const spanEnd = Math.max(filters.to ?? bucketEnd(starts[starts.length - 1], bucket), max + 1);
	const days = Math.max(1, Math.round((spanEnd - spanStart) / DAY_MS));
	totals.perDay = scope.length / days;
	return {
		filters,
		bucket,
		buckets: starts.map((start, i) => ({
			start,
			end: bucketEnd(start, bucket),
			evaluations: acc[i].n,
			byEvaluator: acc[i].by,
			medianTimeMs: median(acc[i].times)
		})),
		evaluators,
		totals
	};
}
