// Per-item disagreement for ranking ambiguous items. For each item rated by ≥ 2 raters: the mean δ² over pairs of
// its values (observed disagreement within the item, with alpha's distance for the level), divided by alpha's
// expected disagreement De. 0 means everyone agreed; about 1 means as much disagreement as chance pairing of all
// values would give; above 1, worse than chance. Alpha is 1 − the mean of these scores weighted by ratings.
import { alphaInput } from './alpha';
import { alphaSums, codedMarginals, distanceFn, noSpread, unitPairSum, type AlphaParts } from './alpha-parts';
import { NO_PAIRS } from './result';
import type { Level, RatingInput, RatingTable, UndefinedCode } from './types';

interface ItemDisagreement {
	item: string | number;
	/** Dense item index in the table. */
	index: number;
	ratings: number;
	/** Mean δ² over the item's value pairs. */
	observed: number;
	/** observed / De (0 when there is no spread at all in the data). */
	disagreement: number;
}

export type ItemDisagreementResult =
	| { ok: true; level: Level; expected: number; items: ItemDisagreement[] }
	| { ok: false; level: Level; code: UndefinedCode; reason: string };

function pairMeans(parts: AlphaParts): Float64Array {
	const U = parts.m.length;
	const out = new Float64Array(U);
	if (parts.kind === 'interval') {
		for (let k = 0; k < U; k++) out[k] = (2 * parts.ss[k]) / (parts.m[k] - 1);
		return out;
	}
	const delta = distanceFn(parts, codedMarginals(parts).marginal);
	for (let k = 0; k < U; k++) out[k] = unitPairSum(parts, k, delta) / (parts.m[k] * (parts.m[k] - 1));
	return out;
}

/** Per pairable item (in table order): its table index and its disagreement score, as typed arrays (large tables). */
export type ItemScoresResult =
	| {
			ok: true;
			level: Level;
			expected: number;
			/** The table the input became (its itemIds name the items). */
			table: RatingTable;
			index: Int32Array;
			ratings: Float64Array;
			observed: Float64Array;
			disagreement: Float64Array;
	  }
	| { ok: false; level: Level; code: UndefinedCode; reason: string };

export function itemDisagreementScores(input: RatingInput, options: { level?: Level } = {}): ItemScoresResult {
	const level = options.level ?? 'nominal';
	const prepared = alphaInput(input, level);
	if (!prepared.ok) return { ok: false, level, code: prepared.code, reason: prepared.reason };
	const { table, parts } = prepared;
	if (parts.m.length === 0) return { ok: false, level, ...NO_PAIRS };
	const sums = alphaSums(parts);
	const expected = noSpread(parts, sums) ? 0 : sums.expected;
	const observed = expected > 0 ? pairMeans(parts) : new Float64Array(parts.m.length);
	const disagreement = new Float64Array(parts.m.length);
	if (expected > 0) for (let k = 0; k < observed.length; k++) disagreement[k] = observed[k] / expected;
	return { ok: true, level, expected, table, index: parts.unitItem, ratings: parts.m, observed, disagreement };
}

/** Items rated by two or more raters, most disagreed-on first. */
export function itemDisagreement(input: RatingInput, options: { level?: Level } = {}): ItemDisagreementResult {
	const scores = itemDisagreementScores(input, options);
	if (!scores.ok) return scores;
	const { table } = scores;
	const items: ItemDisagreement[] = [];
	for (let k = 0; k < scores.index.length; k++) {
		const index = scores.index[k];
		items.push({
			item: table.itemIds?.[index] ?? index,
			index,
			ratings: scores.ratings[k],
			observed: scores.observed[k],
			disagreement: scores.disagreement[k]
		});
	}
	items.sort((x, y) => y.disagreement - x.disagreement || x.index - y.index);
	return { ok: true, level: scores.level, expected: scores.expected, items };
}
