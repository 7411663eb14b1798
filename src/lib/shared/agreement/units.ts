// Groups a RatingTable by item (a counting sort into CSR arrays: O(n) time and memory) and checks it: indices in
// range, values finite or NaN (missing), at most one rating per rater and item. Also codes values into dense
// category codes for the metrics that count categories. Preparation is cached per table object.
import type { RatingTable, UndefinedCode } from './types';

export interface Units {
	itemCount: number;
	raterCount: number;
	/** Ratings of item u are at positions offsets[u] .. offsets[u + 1] - 1 of `raters` / `values`. */
	offsets: Int32Array;
	raters: Int32Array;
	values: Float64Array;
	/** Items with at least one rating, raters with at least one rating, non-missing ratings. */
	items: number;
	ratersRated: number;
	ratings: number;
	table: RatingTable;
}

export interface Refusal {
	code: UndefinedCode;
	reason: string;
}

export type Prepared = { ok: true; units: Units } | ({ ok: false } & Refusal);

const cache = new WeakMap<RatingTable, Prepared>();

function label(ids: readonly (string | number)[] | undefined, i: number): string {
	return ids && i < ids.length ? String(ids[i]) : `#${i}`;
}

function maxPlusOne(a: Int32Array): number {
	let m = -1;
	for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
	return m + 1;
}

function group(t: RatingTable): Prepared {
	const invalid = (reason: string): Prepared => ({ ok: false, code: 'invalid-input', reason });
	if (t.invalid) return invalid(t.invalid);
	const n = t.values.length;
	if (t.itemIndex.length !== n || t.raterIndex.length !== n)
		return invalid('itemIndex, raterIndex and values must have the same length');
	const itemCount = t.itemCount ?? maxPlusOne(t.itemIndex);
	const raterCount = t.raterCount ?? maxPlusOne(t.raterIndex);
	const dense = 8 * n + 1024;
	if (itemCount > dense || raterCount > dense)
		return invalid('item and rater indices must be dense (0 ≤ index < count)');
	const categoryCount = t.categories?.length ?? -1;
	const { itemIndex, raterIndex, values: input } = t;
	const counts = new Int32Array(itemCount + 1);
	let ratings = 0;
	let sorted = true;
	let previous = 0;
	for (let i = 0; i < n; i++) {
		const v = input[i];
		if (v !== v) continue;
		const it = itemIndex[i];
		const r = raterIndex[i];
		if (it < 0 || it >= itemCount || r < 0 || r >= raterCount)
			return invalid(`row ${i}: item or rater index out of range`);
		if (v === Infinity || v === -Infinity) return invalid(`row ${i}: value is not finite`);
		if (categoryCount >= 0 && !(v >= 0 && v < categoryCount && v === Math.floor(v)))
			return invalid(`row ${i}: value ${v} is not a category code`);
		if (it < previous) sorted = false;
		previous = it;
		counts[it + 1]++;
		ratings++;
	}
	const offsets = counts;
	let items = 0;
	for (let u = 0; u < itemCount; u++) {
		if (offsets[u + 1] > 0) items++;
		offsets[u + 1] += offsets[u];
	}
	let raters: Int32Array;
	let values: Float64Array;
	if (sorted && ratings === n) {
		// Already grouped by item with nothing missing: use the input arrays as they are (they are never written).
		raters = raterIndex;
		values = input;
	} else {
		const cursor = offsets.slice(0, itemCount);
		raters = new Int32Array(ratings);
		values = new Float64Array(ratings);
		for (let i = 0; i < n; i++) {
			const v = input[i];
			if (v !== v) continue;
			const at = cursor[itemIndex[i]]++;
			raters[at] = raterIndex[i];
			values[at] = v;
		}
	}
	const stamp = new Int32Array(raterCount);
	let ratersRated = 0;
	for (let u = 0; u < itemCount; u++) {
		for (let j = offsets[u]; j < offsets[u + 1]; j++) {
			const r = raters[j];
			if (stamp[r] === u + 1)
				return {
					ok: false,
					code: 'duplicate-rating',
					reason: `rater ${label(t.raterIds, r)} rated item ${label(t.itemIds, u)} more than once`
				};
			if (stamp[r] === 0) ratersRated++;
			stamp[r] = u + 1;
		}
	}
	return { ok: true, units: { itemCount, raterCount, offsets, raters, values, items, ratersRated, ratings, table: t } };
}

export function prepare(table: RatingTable): Prepared {
	let p = cache.get(table);
	if (!p) {
		p = group(table);
		cache.set(table, p);
	}
	return p;
}

export interface Coding {
	/** Code of each value in `Units.values` order. */
	codes: Int32Array;
	/** The value each code stands for, ascending (category position when the table has categories). */
	distinct: Float64Array;
}

/** Dense codes 0..V-1 for the values, ordered by value (or the table's categories, including unused ones). */
export function codeValues(units: Units): Coding {
	const { values } = units;
	const n = values.length;
	const codes = new Int32Array(n);
	const categories = units.table.categories;
	if (categories) {
		for (let i = 0; i < n; i++) codes[i] = values[i];
		return { codes, distinct: Float64Array.from(categories, (_, i) => i) };
	}
	let small = true;
	let max = 0;
	for (let i = 0; i < n && small; i++) {
		const v = values[i];
		if (v >= 0 && v < 65536 && v === Math.floor(v)) max = v > max ? v : max;
		else small = false;
	}
	if (small) {
		const codeOf = new Int32Array(max + 1).fill(-1);
		for (let i = 0; i < n; i++) codeOf[values[i]] = 0;
		let v = 0;
		for (let x = 0; x <= max; x++) if (codeOf[x] === 0) codeOf[x] = v++;
		const distinct = new Float64Array(v);
		for (let x = 0; x <= max; x++) if (codeOf[x] >= 0) distinct[codeOf[x]] = x;
		for (let i = 0; i < n; i++) codes[i] = codeOf[values[i]];
		return { codes, distinct };
	}
	const seen = new Map<number, number>();
	for (let i = 0; i < n; i++) if (!seen.has(values[i])) seen.set(values[i], 0);
	const distinct = Float64Array.from(seen.keys()).sort();
	distinct.forEach((x, i) => seen.set(x, i));
	for (let i = 0; i < n; i++) codes[i] = seen.get(values[i])!;
	return { codes, distinct };
}
