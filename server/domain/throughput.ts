// Throughput and turnaround of submitted evaluations. Pure.
// Evaluations per day or week (by submission time, per evaluator), each evaluator's median and 90th-percentile
// time per item (evaluations without a recorded time are left out of time figures), and item turnaround: the
// time from an item's first submitted evaluation to the one that completed it (the project's overlap).
import type { AgreementFilters, Bucket, ThroughputEvaluator, ThroughputReport } from '#shared/agreement-report';
import type { SubmissionFacts as ScoredEvaluation } from './agreement-columns';
import type { Person } from './agreement-report';
import { bucketEnd, bucketRange, bucketStart, DAY_MS, median, percentile } from './time-buckets';

export interface ThroughputInput {
	rows: readonly ScoredEvaluation[];
	filters: AgreementFilters;
	bucket: Bucket;
	people: ReadonlyMap<string, Person>;
	/** Evaluations an item needs to be complete. */
	overlap: number;
}

function evaluatorFigures(
	rows: readonly ScoredEvaluation[],
	people: ReadonlyMap<string, Person>
): ThroughputEvaluator[] {
	const by = new Map<string, { n: number; times: number[]; days: Set<number> }>();
	for (const e of rows) {
		const a = by.get(e.evaluatorId) ?? { n: 0, times: [], days: new Set<number>() };
		by.set(e.evaluatorId, a);
		a.n++;
		if (e.timeSpentMs > 0) a.times.push(e.timeSpentMs);
		a.days.add(Math.floor(e.submittedAt / DAY_MS));
	}
	return [...by]
		.map(([id, a]) => ({
			id,
			name: people.get(id)?.name ?? id,
			evaluations: a.n,
			medianTimeMs: median(a.times),
			p90TimeMs: percentile(a.times, 90),
			activeDays: a.days.size
		}))
		.sort((x, y) => x.name.localeCompare(y.name) || x.id.localeCompare(y.id));
}

function turnaround(rows: readonly ScoredEvaluation[], overlap: number): { completed: number; median: number | null } {
	const byItem = new Map<string, number[]>();
	for (const e of rows) {
		const list = byItem.get(e.itemId);
		if (list) list.push(e.submittedAt);
		else byItem.set(e.itemId, [e.submittedAt]);
	}
	const spans: number[] = [];
	for (const times of byItem.values()) {
		if (times.length < overlap) continue;
		times.sort((a, b) => a - b);
		spans.push(times[overlap - 1] - times[0]);
	}
	return { completed: spans.length, median: median(spans) };
}

export function throughputReport(input: ThroughputInput): ThroughputReport {
	const { rows, filters, bucket, people } = input;
	const overlap = Math.max(1, input.overlap);
	const done = turnaround(rows, overlap);
	const times = rows.filter((e) => e.timeSpentMs > 0).map((e) => e.timeSpentMs);
	const evaluators = evaluatorFigures(rows, people);
	const totals = {
		evaluations: rows.length,
		medianTimeMs: median(times),
		perDay: null as number | null,
		itemsCompleted: done.completed,
		medianItemTurnaroundMs: done.median
	};
	if (!rows.length) return { filters, bucket, buckets: [], evaluators, totals };
	let min = Infinity;
	let max = -Infinity;
	for (const e of rows) {
		min = Math.min(min, e.submittedAt);
		max = Math.max(max, e.submittedAt);
	}
	const starts = bucketRange(min, max, bucket);
	const index = new Map(starts.map((s, i) => [s, i]));
	const acc = starts.map((): { n: number; by: Record<string, number>; times: number[] } => ({
		n: 0,
		by: {},
		times: []
	}));
	for (const e of rows) {
		const i = index.get(bucketStart(e.submittedAt, bucket));
		if (i === undefined) continue;
		acc[i].n++;
		acc[i].by[e.evaluatorId] = (acc[i].by[e.evaluatorId] ?? 0) + 1;
		if (e.timeSpentMs > 0) acc[i].times.push(e.timeSpentMs);
	}
	// Per day over the range asked for (a "last 30 days" filter divides by 30), else over the weeks or days shown.
	const spanStart = Math.min(filters.from ?? starts[0], starts[0]);
	const spanEnd = Math.max(filters.to ?? bucketEnd(starts[starts.length - 1], bucket), max + 1);
	const days = Math.max(1, Math.round((spanEnd - spanStart) / DAY_MS));
	totals.perDay = rows.length / days;
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
