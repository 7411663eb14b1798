// UTC day, week and month buckets for time series (weeks start on Monday, months on the 1st), and the automatic
// choice between days and weeks: days for ranges up to nine weeks (and, when a minimum is given, enough events per
// day to say something), weeks beyond. A series covers every bucket from its first to its last, so
// charts show gaps as gaps. Pure.
import type { Bucket } from '#shared/agreement-report';
import { Validation } from './errors';

export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** The Unix epoch was a Thursday: shift so week starts fall on Mondays. */
const MONDAY_SHIFT = 3 * DAY_MS;
const MAX_BUCKETS = 1000;

/** Months serve series that run for a long time (a judge's scores over a year); the dashboard's are days or weeks. */
export type SeriesBucket = Bucket | 'month';

export function bucketStart(ms: number, bucket: SeriesBucket): number {
	if (bucket === 'day') return Math.floor(ms / DAY_MS) * DAY_MS;
	if (bucket === 'month') {
		const d = new Date(ms);
		return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
	}
	return Math.floor((ms + MONDAY_SHIFT) / WEEK_MS) * WEEK_MS - MONDAY_SHIFT;
}

export function bucketEnd(start: number, bucket: SeriesBucket): number {
	if (bucket === 'month') {
		const d = new Date(start);
		return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
	}
	return start + (bucket === 'day' ? DAY_MS : WEEK_MS);
}

export function chooseBucket(
	requested: Bucket | 'auto',
	first: number | null,
	last: number | null,
	density?: { events: number; minPerDay: number }
): Bucket {
	if (requested !== 'auto') return requested;
	if (first === null || last === null) return 'day';
	const days = Math.max(1, Math.ceil((last - first) / DAY_MS));
	if (days > 63) return 'week';
	return density && density.events / days < density.minPerDay ? 'week' : 'day';
}

/** Starts of every bucket from the one holding `first` to the one holding `last`. */
export function bucketRange(first: number, last: number, bucket: SeriesBucket): number[] {
	const starts: number[] = [];
	for (let s = bucketStart(first, bucket); s <= last; s = bucketEnd(s, bucket)) {
		if (starts.length >= MAX_BUCKETS)
			throw Validation(
				`The range has more than ${MAX_BUCKETS} ${bucket} buckets; choose a shorter range or weekly buckets`,
				[{ path: 'bucket', message: 'too many buckets' }]
			);
		starts.push(s);
	}
	return starts;
}

export function median(values: readonly number[]): number | null {
	if (!values.length) return null;
	const s = [...values].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number | null {
	if (!values.length) return null;
	const s = [...values].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
