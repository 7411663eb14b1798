// Agreement over time, per dimension. Pure.
// An item belongs to the bucket of its last submitted rating in scope (the moment its ratings were complete), and a
// point is the coefficient matched to each dimension's level over the ratings of the items completed in that
// bucket. Bucketing by the item keeps every item's ratings together, so a point never compares raters across
// different items. The series runs from the first to the last completion in scope; buckets in between with no
// completed items are present with undefined figures (the chart shows a gap).
import type { AgreementFilters, AgreementTimeline, Bucket, TimelinePoint } from '#shared/agreement-report';
import { levelToMetric } from '#shared/agreement/index';
import { pickRatings, type RatingSet } from './agreement-ratings';
import { dimensionView } from './agreement-report';
import { bucketEnd, bucketRange, bucketStart } from './time-buckets';

/** `completed`: each item's last submission in scope (agreement-columns itemCompletions). */
export function agreementTimeline(
	set: RatingSet,
	completed: ReadonlyMap<string, number>,
	filters: AgreementFilters,
	bucket: Bucket
): AgreementTimeline {
	const dimensions = set.dimensions.map((d) => ({
		key: d.plan.key,
		label: d.plan.label,
		scale: d.plan.scale,
		level: d.plan.level,
		metric: levelToMetric(d.plan.level).metric
	}));
	if (!completed.size) return { filters, bucket, dimensions, points: [] };
	let min = Infinity;
	let max = -Infinity;
	for (const at of completed.values()) {
		min = Math.min(min, at);
		max = Math.max(max, at);
	}
	const starts = bucketRange(min, max, bucket);
	const index = new Map(starts.map((s, i) => [s, i]));
	const itemBucket = new Map<string, number>();
	for (const [item, at] of completed) {
		const i = index.get(bucketStart(at, bucket));
		if (i !== undefined) itemBucket.set(item, i);
	}
	const points: TimelinePoint[] = starts.map((start) => ({
		start,
		end: bucketEnd(start, bucket),
		items: 0,
		ratings: 0,
		dimensions: []
	}));
	for (const i of itemBucket.values()) points[i].items++;
	for (const d of set.dimensions) {
		const t = d.table;
		const bucketOfItem = Int32Array.from(t.itemIds!, (id) => itemBucket.get(String(id)) ?? -1);
		// The table's positions grouped by bucket (a counting sort): bucket i's are at start[i] .. start[i + 1] - 1.
		const start = new Int32Array(starts.length + 1);
		for (let k = 0; k < t.values.length; k++) {
			const i = bucketOfItem[t.itemIndex[k]];
			if (i >= 0) start[i + 1]++;
		}
		for (let i = 0; i < starts.length; i++) start[i + 1] += start[i];
		const at = start.slice(0, starts.length);
		const grouped = new Int32Array(start[starts.length]);
		for (let k = 0; k < t.values.length; k++) {
			const i = bucketOfItem[t.itemIndex[k]];
			if (i >= 0) grouped[at[i]++] = k;
		}
		const split = starts.map((_, i) => grouped.subarray(start[i], start[i + 1]));
		split.forEach((positions, i) => {
			const view = dimensionView(d, pickRatings(d, positions));
			points[i].ratings += positions.length;
			points[i].dimensions.push({ key: d.plan.key, agreement: view.agreement, items: view.itemsUsed });
		});
	}
	return { filters, bucket, dimensions, points };
}
