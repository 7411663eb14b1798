// Krippendorff's alpha for nominal, ordinal, interval and ratio data with missing ratings, plus the shared step
// that turns prepared units into alpha parts (used by the item and rater helpers too). alpha = 1 − Do/De over
// pairable values; undefined (with a reason) when nothing can be paired or the values show no spread.
import { alphaSums, codedParts, intervalParts, noSpread, type AlphaParts } from './alpha-parts';
import { bootstrapAlpha } from './bootstrap';
import { accept, commonRefusal, NO_PAIRS, refuse, refuseWith, type Context } from './result';
import { asTable } from './table';
import type { AgreementResult, BootstrapOptions, Level, RatingInput, RatingTable } from './types';
import { prepare, type Refusal, type Units } from './units';

export interface AlphaOptions {
	level?: Level;
	ci?: boolean | BootstrapOptions;
}

/** Values as numbers, or null when they are labels that are not numbers. Category labels like "1".."5" count. */
export function numericValues(values: Float64Array, categories?: readonly (string | number)[]): Float64Array | null {
	if (!categories) return values;
	const asNumber = categories.map((c) => (typeof c === 'number' ? c : String(c).trim() === '' ? NaN : Number(c)));
	if (asNumber.some((x) => !Number.isFinite(x))) return null;
	return Float64Array.from(values, (code) => asNumber[code]);
}

function numericCategories(units: Units): Float64Array | undefined {
	const categories = units.table.categories;
	return categories ? Float64Array.from(categories, (c) => Number(c)) : undefined;
}

/** Alpha parts for the level, or why the level does not fit the values. */
function buildParts(units: Units, level: Level): AlphaParts | Refusal {
	if (level === 'nominal' || level === 'ordinal') return codedParts(units, level);
	const numeric = numericValues(units.values, units.table.categories);
	if (!numeric)
		return {
			code: 'non-numeric-values',
			reason: `${level} alpha needs numeric values; these are category labels (use nominal or ordinal)`
		};
	if (level === 'interval') return intervalParts(units, numeric);
	for (let i = 0; i < numeric.length; i++) {
		if (numeric[i] < 0) return { code: 'negative-values', reason: `ratio alpha needs values ≥ 0; found ${numeric[i]}` };
	}
	return codedParts(units, 'ratio', numericCategories(units));
}

function isRefusal(x: object): x is Refusal {
	return 'code' in x && 'reason' in x;
}

export type AlphaInput =
	{ ok: true; table: RatingTable; units: Units; parts: AlphaParts } | ({ ok: false; units: Units | null } & Refusal);

/** The shared first steps of every alpha-based figure: check the ratings, then build the level's parts. */
export function alphaInput(input: RatingInput, level: Level): AlphaInput {
	const table = asTable(input);
	const prepared = prepare(table);
	if (!prepared.ok) return { ok: false, units: null, code: prepared.code, reason: prepared.reason };
	const units = prepared.units;
	const common = commonRefusal(units);
	if (common) return { ok: false, units, ...common };
	const parts = buildParts(units, level);
	if (isRefusal(parts)) return { ok: false, units, ...parts };
	return { ok: true, table, units, parts };
}

export function krippendorffAlpha(input: RatingInput, options: AlphaOptions = {}): AgreementResult {
	const ctx: Context = { metric: 'alpha', level: options.level ?? 'nominal' };
	const prepared = alphaInput(input, ctx.level);
	if (!prepared.ok) return refuseWith(ctx, prepared.units, prepared);
	const { units, parts } = prepared;
	const used = parts.m.length;
	const sums = alphaSums(parts);
	if (used === 0) return refuseWith(ctx, units, NO_PAIRS);
	if (noSpread(parts, sums))
		return refuse(
			ctx,
			units,
			'one-category',
			'every pairable value is the same, so there is no variation to agree on',
			used
		);
	const result = accept(ctx, units, 1 - sums.observed / sums.expected, used);
	if (options.ci && result.ok) {
		const ci = bootstrapAlpha(parts, options.ci === true ? {} : options.ci);
		if (ci) result.ci = ci;
	}
	return result;
}
