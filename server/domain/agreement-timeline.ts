// Agreement over time, per dimension. Pure.
// An item belongs to the bucket of its last submitted rating in scope (the moment its ratings were complete), and a
// point is the coefficient matched to each dimension's level over the ratings of the items completed in that
// bucket. Bucketing by the item keeps every item's ratings together, so a point never compares raters across
// different items. The series runs from the first to the last completion in scope; buckets in between with no
// completed items are present with undefined figures (the chart shows a gap).
import type { AgreementFilters, AgreementTimeline, Bucket, TimelinePoint } from '#shared/agreement-report';
import { levelToMetric, type Rating } from '#shared/agreement/index';
import type { RatingSet, ScoredEvaluation } from './agreement-ratings';
import { dimensionView } from './agreement-report';
import { bucketEnd, bucketRange, bucketStart } from './time-buckets';

export function agreementTimeline(
	set: RatingSet,
	rows: readonly ScoredEvaluation[],
	filters: AgreementFilters,
	bucket: Bucket
): AgreementTimeline {
	const completed = new Map<string, number>();
	for (const e of rows) completed.set(e.itemId, Math.max(completed.get(e.itemId) ?? 0, e.submittedAt));
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
		const split: Rating[][] = starts.map(() => []);
		for (const r of d.ratings) {
			const i = itemBucket.get(String(r.item));
			if (i !== undefined) split[i].push(r);
		}
		split.forEach((ratings, i) => {
			const view = dimensionView({ ...d, ratings });
			points[i].ratings += ratings.length;
			points[i].dimensions.push({ key: d.plan.key, agreement: view.agreement, items: view.itemsUsed });
		});
	}
	return { filters, bucket, dimensions, points };
}
