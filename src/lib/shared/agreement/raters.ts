// Per-rater agreement: each rater against the other raters, and against gold / consensus values when given.
// Against the others: every value the rater gave to an item rated by others contributes its mean δ² to the other
// values of that item (alpha's distance for the level); `alpha` = 1 − (mean of those) / De of the whole data.
// Overall alpha is the ratings-weighted mean of these per-value disagreements, so raters with low `alpha` are the
// ones pulling agreement down. Against gold: exact-match share, signed and absolute mean difference (numeric
// levels), and Krippendorff's alpha of the rater and gold as two coders.
import { alphaInput, krippendorffAlpha, numericValues } from './alpha';
import { alphaSums, codedMarginals, distanceFn, noSpread, type AlphaParts } from './alpha-parts';
import type { AgreementResult, Level, Rating, RatingInput, RatingTable, UndefinedCode } from './types';
import { codeValues, type Units } from './units';

export interface GoldValue {
	item: string | number;
	value: Rating['value'];
}

interface GoldAgreement {
	items: number;
	percent: number | null;
	meanDifference: number | null;
	meanAbsDifference: number | null;
	alpha: AgreementResult;
}

interface RaterAgreement {
	rater: string | number;
	index: number;
	ratings: number;
	/** Ratings on items someone else also rated, and the (rater, other) value pairs they form. */
	items: number;
	pairs: number;
	/** Share of those pairs with identical values. */
	percent: number | null;
	alpha: number | null;
	gold?: GoldAgreement;
}

export type RaterAgreementResult =
	| { ok: true; level: Level; expected: number; raters: RaterAgreement[] }
	| { ok: false; level: Level; code: UndefinedCode; reason: string };

export interface RaterOptions {
	level?: Level;
	gold?: readonly GoldValue[];
}

/** δ² between the values at two positions of `units.values`. */
function positionDistance(units: Units, parts: AlphaParts): (i: number, j: number) => number {
	if (parts.kind === 'interval') {
		const x = numericValues(units.values, units.table.categories)!;
		return (i, j) => (x[i] - x[j]) ** 2;
	}
	const { codes } = codeValues(units);
	const delta = distanceFn(parts, codedMarginals(parts).marginal);
	return (i, j) => delta(codes[i], codes[j]);
}

function goldColumn(units: Units, gold: readonly GoldValue[]): Float64Array | string {
	const t = units.table;
	const column = new Float64Array(units.itemCount).fill(NaN);
	const itemOf = new Map<string, number>();
	for (let u = 0; u < units.itemCount; u++) itemOf.set(String(t.itemIds?.[u] ?? u), u);
	const codeOf = new Map((t.categories ?? []).map((c, i) => [String(c), i]));
	for (const g of gold) {
		const u = itemOf.get(String(g.item));
		if (u === undefined || g.value === null || g.value === undefined || g.value === '') continue;
		const v = t.categories ? codeOf.get(String(g.value)) : typeof g.value === 'boolean' ? NaN : Number(g.value);
		if (v === undefined || !Number.isFinite(v))
			return `gold value "${String(g.value)}" of item ${String(g.item)} is not ${t.categories ? 'one of the categories' : 'a number'}`;
		column[u] = v;
	}
	return column;
}

/** The rater's ratings of gold items: parallel lists of item index and value. */
interface GoldPairs {
	items: number[];
	values: number[];
}

function versusGold(units: Units, level: Level, rater: number, mine: GoldPairs, column: Float64Array): GoldAgreement {
	const k = mine.items.length;
	const categories = units.table.categories;
	const table: RatingTable = {
		itemIndex: Int32Array.from({ length: 2 * k }, (_, i) => i % k),
		raterIndex: Int32Array.from({ length: 2 * k }, (_, i) => (i < k ? 0 : 1)),
		values: Float64Array.from([...mine.values, ...mine.items.map((u) => column[u])]),
		itemCount: k,
		raterCount: 2,
		raterIds: [units.table.raterIds?.[rater] ?? rater, 'gold'],
		categories
	};
	const numeric = level !== 'nominal' ? numericValues(table.values, categories) : null;
	let same = 0;
	let diff = 0;
	let abs = 0;
	for (let i = 0; i < k; i++) {
		if (table.values[i] === table.values[k + i]) same++;
		if (numeric) {
			diff += numeric[i] - numeric[k + i];
			abs += Math.abs(numeric[i] - numeric[k + i]);
		}
	}
	return {
		items: k,
		percent: k ? same / k : null,
		meanDifference: k && numeric ? diff / k : null,
		meanAbsDifference: k && numeric ? abs / k : null,
		alpha: krippendorffAlpha(table, { level })
	};
}

export function raterAgreement(input: RatingInput, options: RaterOptions = {}): RaterAgreementResult {
	const level = options.level ?? 'nominal';
	const prepared = alphaInput(input, level);
	if (!prepared.ok) return { ok: false, level, code: prepared.code, reason: prepared.reason };
	const { table, units, parts } = prepared;
	const sums = alphaSums(parts);
	const expected = parts.m.length && !noSpread(parts, sums) ? sums.expected : 0;
	const distance = positionDistance(units, parts);
	const column = options.gold ? goldColumn(units, options.gold) : null;
	if (typeof column === 'string') return { ok: false, level, code: 'invalid-input', reason: column };
	const R = units.raterCount;
	const goldPairs: GoldPairs[] = Array.from({ length: column ? R : 0 }, () => ({ items: [], values: [] }));
	const ratings = new Float64Array(R);
	const valuesPaired = new Float64Array(R);
	const pairs = new Float64Array(R);
	const same = new Float64Array(R);
	const disagreement = new Float64Array(R);
	const { offsets, raters, values } = units;
	for (let u = 0; u < units.itemCount; u++) {
		const a = offsets[u];
		const b = offsets[u + 1];
		for (let i = a; i < b; i++) {
			ratings[raters[i]]++;
			if (column && !Number.isNaN(column[u])) {
				goldPairs[raters[i]].items.push(u);
				goldPairs[raters[i]].values.push(values[i]);
			}
		}
		if (b - a < 2) continue;
		for (let i = a; i < b; i++) {
			let d = 0;
			let s = 0;
			for (let j = a; j < b; j++) {
				if (j === i) continue;
				d += distance(i, j);
				if (values[i] === values[j]) s++;
			}
			const r = raters[i];
			valuesPaired[r]++;
			pairs[r] += b - a - 1;
			same[r] += s;
			disagreement[r] += d / (b - a - 1);
		}
	}
	const out: RaterAgreement[] = [];
	for (let r = 0; r < R; r++) {
		if (ratings[r] === 0) continue;
		const entry: RaterAgreement = {
			rater: table.raterIds?.[r] ?? r,
			index: r,
			ratings: ratings[r],
			items: valuesPaired[r],
			pairs: pairs[r],
			percent: pairs[r] ? same[r] / pairs[r] : null,
			alpha: valuesPaired[r] && expected > 0 ? 1 - disagreement[r] / valuesPaired[r] / expected : null
		};
		if (column) entry.gold = versusGold(units, level, r, goldPairs[r], column);
		out.push(entry);
	}
	return { ok: true, level, expected, raters: out };
}
