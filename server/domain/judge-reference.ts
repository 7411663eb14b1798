// What a judge is measured against on one dimension: the people's values per item and the item's human reference.
// Pure.
// The reference of an item is, in this order: its gold answer when the gold has the dimension (imported gold, a
// calibration consensus or an escalation verdict, as `items.gold.source` says: those two become the item's gold
// when recorded); else the consensus of its submitted human evaluations: the majority value on nominal scales (no
// single most frequent value: no reference), the median on ordered ones (the lower of the two middle values when
// their count is even, so the reference is always a point of the scale).
// Distances between two values are scaled to the dimension's span (0 the same, 1 the scale's opposite ends;
// nominal: 0 or 1), so dimensions of different scales can be ranked together.
import type { ReferenceKind } from '#shared/judge-agreement';
import type { DimensionPlan, DimensionRatings, RatingValue } from './agreement-ratings';

/** An item's gold answer with where it came from (`items.gold.source`: 'calibration', 'verdict' or absent). */
export interface GoldAnswer {
	scores: Record<string, unknown>;
	source: string | null;
}

export interface Reference {
	value: RatingValue;
	kind: ReferenceKind;
}

/** The people's ratings of one dimension as parallel arrays, with each item's positions among them. */
export interface HumanValues {
	item: string[];
	rater: string[];
	value: RatingValue[];
	/** Positions of the table's rows (for pickRatings). */
	row: Int32Array;
	byItem: Map<string, number[]>;
}

export function humanValues(d: DimensionRatings | undefined): HumanValues {
	const out: HumanValues = { item: [], rater: [], value: [], row: new Int32Array(0), byItem: new Map() };
	if (!d) return out;
	const t = d.table;
	out.row = new Int32Array(t.values.length);
	for (let k = 0; k < t.values.length; k++) {
		const item = String(t.itemIds![t.itemIndex[k]]);
		out.item.push(item);
		out.rater.push(String(t.raterIds![t.raterIndex[k]]));
		out.value.push(t.categories ? t.categories[t.values[k]] : t.values[k]);
		out.row[k] = k;
		const list = out.byItem.get(item);
		if (list) list.push(k);
		else out.byItem.set(item, [k]);
	}
	return out;
}

/** Where a value lies on an ordered scale: its category's index, or the number itself (NaN: not on the scale). */
function scalePosition(plan: DimensionPlan): (v: RatingValue) => number {
	const categories = plan.spec.categories;
	if (categories) {
		const index = new Map(categories.map((c, i) => [String(c), i]));
		return (v) => index.get(String(v)) ?? NaN;
	}
	return (v) => (typeof v === 'number' ? v : NaN);
}

const GOLD_KIND: Record<string, ReferenceKind> = { calibration: 'consensus', verdict: 'verdict' };

function majority(values: RatingValue[]): RatingValue | null {
	const counts = new Map<string, { value: RatingValue; n: number }>();
	for (const v of values) {
		const c = counts.get(String(v));
		if (c) c.n++;
		else counts.set(String(v), { value: v, n: 1 });
	}
	let best: { value: RatingValue; n: number } | null = null;
	let tie = false;
	for (const c of counts.values()) {
		if (!best || c.n > best.n) {
			best = c;
			tie = false;
		} else if (c.n === best.n) tie = true;
	}
	return best && !tie ? best.value : null;
}

function lowerMedian(values: RatingValue[], position: (v: RatingValue) => number): RatingValue | null {
	const placed = values.filter((v) => !Number.isNaN(position(v))).sort((a, b) => position(a) - position(b));
	return placed.length ? placed[(placed.length - 1) >> 1] : null;
}

/** Each item's human reference on the dimension (items with neither gold nor human values have none). */
export function itemReferences(
	plan: DimensionPlan,
	humans: HumanValues,
	gold: ReadonlyMap<string, GoldAnswer>
): Map<string, Reference> {
	const out = new Map<string, Reference>();
	for (const [item, answer] of gold) {
		const value = plan.normalize(answer.scores[plan.key]);
		if (value !== null) out.set(item, { value, kind: GOLD_KIND[answer.source ?? ''] ?? 'gold' });
	}
	const position = scalePosition(plan);
	for (const [item, rows] of humans.byItem) {
		if (out.has(item)) continue;
		const values = rows.map((k) => humans.value[k]);
		if (plan.level === 'nominal') {
			const value = majority(values);
			if (value !== null) out.set(item, { value, kind: 'majority' });
		} else {
			const value = lowerMedian(values, position);
			if (value !== null) out.set(item, { value, kind: 'median' });
		}
	}
	return out;
}

/**
 * The distance between two values of the dimension scaled to [0, 1]. `seen` are other values of the dimension:
 * a numeric scale without fixed categories spans the values seen.
 */
export function scaledDistance(
	plan: DimensionPlan,
	seen: Iterable<RatingValue>
): (a: RatingValue, b: RatingValue) => number {
	if (plan.level === 'nominal') return (a, b) => (String(a) === String(b) ? 0 : 1);
	const position = scalePosition(plan);
	let min = Infinity;
	let max = -Infinity;
	if (plan.spec.categories) {
		min = 0;
		max = plan.spec.categories.length - 1;
	} else
		for (const v of seen) {
			const p = position(v);
			if (p < min) min = p;
			if (p > max) max = p;
		}
	const span = max - min;
	return (a, b) => {
		const d = Math.abs(position(a) - position(b));
		if (!Number.isFinite(d)) return String(a) === String(b) ? 0 : 1;
		return span > 0 ? Math.min(1, d / span) : d > 0 ? 1 : 0;
	};
}
