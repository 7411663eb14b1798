// Each evaluator's drift from the consensus of the others, per dimension. Pure.
// The consensus of an item for one evaluator leaves that evaluator out: on ordered scales (ordinal, interval,
// ratio) it is the median of the others' values; on nominal scales their majority value (no majority: the item is
// not counted). A positive mean difference means the evaluator scores higher (more lenient on "higher is better"
// scales) than the others do on the same items. Descriptive statistics only; coefficients come from the engine.
import { asTable, type Level, type RatingInput } from '#shared/agreement/index';

export interface ConsensusDrift {
	items: number;
	matchRate: number | null;
	meanDifference: number | null;
	meanAbsDifference: number | null;
}

/** The median of `values[0..length)`, sorting them in place (insertion sort: a handful of raters per item). */
function median(values: Float64Array, length: number): number {
	for (let i = 1; i < length; i++) {
		const x = values[i];
		let j = i - 1;
		while (j >= 0 && values[j] > x) {
			values[j + 1] = values[j];
			j--;
		}
		values[j + 1] = x;
	}
	const sorted = values;
	const m = length >> 1;
	return length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** The most frequent of `keys[0..length)` when one value is more frequent than every other, else NaN. */
function majority(keys: Float64Array, length: number): number {
	let best = NaN;
	let bestCount = 0;
	let tie = false;
	for (let i = 0; i < length; i++) {
		let count = 0;
		for (let j = 0; j < length; j++) if (keys[j] === keys[i]) count++;
		if (count > bestCount) {
			best = keys[i];
			bestCount = count;
			tie = false;
		} else if (count === bestCount && keys[i] !== best) tie = true;
	}
	return tie ? NaN : best;
}

/**
 * Drift per rater over the ratings of one dimension (values already normalised: numbers on ordered scales), as long
 * rows or the engine's table (category codes stand for their labels; two ratings agree when their codes do).
 */
export function consensusDrift(input: RatingInput, level: Level): Map<string, ConsensusDrift> {
	const ordered = level !== 'nominal';
	const t = asTable(input);
	const n = t.values.length;
	// Each rating's number (NaN when its label is not one) and its key: its category code, or its number.
	const number = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const v = t.categories ? t.categories[t.values[i]] : t.values[i];
		number[i] = typeof v === 'number' ? v : NaN;
	}
	// Ratings grouped by item (a counting sort over the table's item indices; missing values left out).
	const itemCount = t.itemCount ?? t.itemIndex.reduce((m, x) => Math.max(m, x + 1), 0);
	const offsets = new Int32Array(itemCount + 1);
	for (let i = 0; i < n; i++) if (!Number.isNaN(t.values[i])) offsets[t.itemIndex[i] + 1]++;
	for (let u = 0; u < itemCount; u++) offsets[u + 1] += offsets[u];
	const at = offsets.slice(0, itemCount);
	const grouped = new Int32Array(offsets[itemCount]);
	for (let i = 0; i < n; i++) if (!Number.isNaN(t.values[i])) grouped[at[t.itemIndex[i]]++] = i;
	const R = t.raterCount ?? t.raterIndex.reduce((m, x) => Math.max(m, x + 1), 0);
	const seen = new Uint8Array(R);
	const items = new Float64Array(R);
	const matches = new Float64Array(R);
	const diff = new Float64Array(R);
	const abs = new Float64Array(R);
	const numeric = new Float64Array(R);
	let others = new Float64Array(8);
	for (let u = 0; u < itemCount; u++) {
		const a = offsets[u];
		const b = offsets[u + 1];
		if (b - a < 2) continue;
		if (others.length < b - a) others = new Float64Array(b - a);
		for (let i = a; i < b; i++) {
			const mine = grouped[i];
			const r = t.raterIndex[mine];
			seen[r] = 1;
			let k = 0;
			let allNumbers = !Number.isNaN(number[mine]);
			for (let j = a; j < b; j++) {
				if (j === i) continue;
				if (Number.isNaN(number[grouped[j]])) allNumbers = false;
				others[k++] = number[grouped[j]];
			}
			if (ordered && allNumbers) {
				const consensus = median(others, k);
				items[r]++;
				numeric[r]++;
				diff[r] += number[mine] - consensus;
				abs[r] += Math.abs(number[mine] - consensus);
				if (number[mine] === consensus) matches[r]++;
				continue;
			}
			k = 0;
			for (let j = a; j < b; j++) if (j !== i) others[k++] = t.values[grouped[j]];
			const consensus = majority(others, k);
			if (Number.isNaN(consensus)) continue;
			items[r]++;
			if (consensus === t.values[mine]) matches[r]++;
		}
	}
	const out = new Map<string, ConsensusDrift>();
	for (let r = 0; r < R; r++) {
		if (!seen[r]) continue;
		out.set(String(t.raterIds ? t.raterIds[r] : r), {
			items: items[r],
			matchRate: items[r] ? matches[r] / items[r] : null,
			meanDifference: numeric[r] ? diff[r] / numeric[r] : null,
			meanAbsDifference: numeric[r] ? abs[r] / numeric[r] : null
		});
	}
	return out;
}
