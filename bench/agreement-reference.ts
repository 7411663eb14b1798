// Straightforward reference implementations for the agreement benchmark: ratings as plain objects, grouped with
// Maps, Krippendorff's alpha by looping over every pair of values within each item (and over every pair of distinct
// values for the expected disagreement), Fleiss' kappa from per-item category-count Maps. Correct, but the way a
// first implementation usually looks.
export interface PlainRating {
	item: number;
	rater: number;
	value: number;
}

export function naiveAlpha(ratings: readonly PlainRating[], level: 'nominal' | 'interval'): number {
	const delta =
		level === 'nominal' ? (a: number, b: number) => (a === b ? 0 : 1) : (a: number, b: number) => (a - b) ** 2;
	const units = new Map<number, number[]>();
	for (const r of ratings) {
		if (Number.isNaN(r.value)) continue;
		const list = units.get(r.item);
		if (list) list.push(r.value);
		else units.set(r.item, [r.value]);
	}
	const counts = new Map<number, number>();
	let n = 0;
	let observed = 0;
	for (const values of units.values()) {
		const m = values.length;
		if (m < 2) continue;
		n += m;
		for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
		for (let i = 0; i < m; i++)
			for (let j = 0; j < m; j++) if (i !== j) observed += delta(values[i], values[j]) / (m - 1);
	}
	let expected = 0;
	for (const [c, nc] of counts) for (const [k, nk] of counts) expected += nc * nk * delta(c, k);
	return 1 - observed / n / (expected / (n * (n - 1)));
}

/** Fleiss (1971); every item must have the same number of ratings. */
export function naiveFleiss(ratings: readonly PlainRating[]): number {
	const items = new Map<number, Map<number, number>>();
	for (const r of ratings) {
		let counts = items.get(r.item);
		if (!counts) items.set(r.item, (counts = new Map()));
		counts.set(r.value, (counts.get(r.value) ?? 0) + 1);
	}
	const totals = new Map<number, number>();
	let agreement = 0;
	let perItem = 0;
	for (const counts of items.values()) {
		let raters = 0;
		let same = 0;
		for (const [category, count] of counts) {
			raters += count;
			same += count * (count - 1);
			totals.set(category, (totals.get(category) ?? 0) + count);
		}
		perItem = raters;
		agreement += same / (raters * (raters - 1));
	}
	const pBar = agreement / items.size;
	let pe = 0;
	for (const total of totals.values()) pe += (total / (items.size * perItem)) ** 2;
	return (pBar - pe) / (1 - pe);
}
