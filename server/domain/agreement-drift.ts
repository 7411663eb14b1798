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

function median(sorted: readonly number[]): number {
	const m = sorted.length >> 1;
	return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

function majority(values: readonly (string | number)[]): string | number | null {
	const counts = new Map<string, { value: string | number; n: number }>();
	for (const v of values) {
		const k = String(v);
		const c = counts.get(k);
		if (c) c.n++;
		else counts.set(k, { value: v, n: 1 });
	}
	let best: { value: string | number; n: number } | null = null;
	let tie = false;
	for (const c of counts.values()) {
		if (!best || c.n > best.n) {
			best = c;
			tie = false;
		} else if (c.n === best.n) tie = true;
	}
	return best && !tie ? best.value : null;
}

/**
 * Drift per rater over the ratings of one dimension (values already normalised: numbers on ordered scales), as long
 * rows or the engine's table (category codes stand for their labels).
 */
export function consensusDrift(input: RatingInput, level: Level): Map<string, ConsensusDrift> {
	const ordered = level !== 'nominal';
	const t = asTable(input);
	const valueOf = (i: number): string | number => (t.categories ? t.categories[t.values[i]] : t.values[i]);
	// Ratings grouped by item (a counting sort over the table's item indices).
	const itemCount = t.itemCount ?? t.itemIndex.reduce((m, x) => Math.max(m, x + 1), 0);
	const offsets = new Int32Array(itemCount + 1);
	for (let i = 0; i < t.itemIndex.length; i++) if (!Number.isNaN(t.values[i])) offsets[t.itemIndex[i] + 1]++;
	for (let u = 0; u < itemCount; u++) offsets[u + 1] += offsets[u];
	const at = offsets.slice(0, itemCount);
	const grouped = new Int32Array(offsets[itemCount]);
	for (let i = 0; i < t.itemIndex.length; i++) if (!Number.isNaN(t.values[i])) grouped[at[t.itemIndex[i]]++] = i;
	const byItem = function* () {
		for (let u = 0; u < itemCount; u++) {
			if (offsets[u + 1] - offsets[u] < 2) continue;
			const list: { rater: string; value: string | number }[] = [];
			for (let j = offsets[u]; j < offsets[u + 1]; j++) {
				const i = grouped[j];
				list.push({ rater: String(t.raterIds ? t.raterIds[t.raterIndex[i]] : t.raterIndex[i]), value: valueOf(i) });
			}
			yield list;
		}
	};
	const acc = new Map<string, { items: number; matches: number; diff: number; abs: number; numeric: number }>();
	for (const list of byItem()) {
		for (const mine of list) {
			const others = list.filter((o) => o !== mine).map((o) => o.value);
			const a = acc.get(mine.rater) ?? { items: 0, matches: 0, diff: 0, abs: 0, numeric: 0 };
			acc.set(mine.rater, a);
			if (ordered && typeof mine.value === 'number' && others.every((v) => typeof v === 'number')) {
				const consensus = median(others.slice().sort((x, y) => x - y));
				a.items++;
				a.numeric++;
				a.diff += mine.value - consensus;
				a.abs += Math.abs(mine.value - consensus);
				if (mine.value === consensus) a.matches++;
				continue;
			}
			const consensus = majority(others);
			if (consensus === null) continue;
			a.items++;
			if (String(consensus) === String(mine.value)) a.matches++;
		}
	}
	const out = new Map<string, ConsensusDrift>();
	for (const [rater, a] of acc) {
		out.set(rater, {
			items: a.items,
			matchRate: a.items ? a.matches / a.items : null,
			meanDifference: a.numeric ? a.diff / a.numeric : null,
			meanAbsDifference: a.numeric ? a.abs / a.numeric : null
		});
	}
	return out;
}
