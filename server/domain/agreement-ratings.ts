// Turns submitted evaluations (folded into columns, ./agreement-columns.ts) into the agreement engine's ratings, one
// dimension at a time, as columnar tables. Pure. Guarantees: only a rubric's dimensions that apply to the item's modality count (free-text dimensions never do);
// binary answers stored as true/false, 1/0, "true"/"false" or "yes"/"no" are the same category; pairwise preferences become
// ordinal codes in the rubric's option order; a value outside the dimension's scale is left out and counted as
// skipped rather than making the whole dimension undefined. Gold answers are normalised the same way.
import { sortLabels, type DimensionSpec, type GoldValue, type Rating, type RatingTable } from '#shared/agreement/index';
import { dimensionsFor, type Rubric, type RubricDimension } from '#shared/rubric';
import type { DimensionRef } from '#shared/agreement-report';
import { columnsOf, wholeScope, type EvaluationColumns, type EvaluationFacts, type Scope } from './agreement-columns';

/** One submitted evaluation with what agreement needs from its item. */
export interface ScoredEvaluation extends EvaluationFacts {
	id: string;
}

export type RatingValue = string | number;

export interface DimensionPlan extends DimensionRef {
	spec: DimensionSpec;
	options: RubricDimension['options'];
	/** The rating value of a stored score, or null when it is missing or not a value of the scale. */
	normalize: (value: unknown) => RatingValue | null;
}

export interface DimensionRatings {
	plan: DimensionPlan;
	/** The ratings as the engine's columnar table: items and raters in first-seen order, values coded as toTable does. */
	table: RatingTable;
	/** Evaluations the dimension applies to (whether or not they scored it). */
	applicable: number;
	/** Per item of the table: its index in the set's `itemIds`. */
	itemColumn: Int32Array;
	/** The same ratings as long rows, built on demand (small sets and tests; the figures read `table`). */
	readonly ratings: Rating[];
}

export interface RatingSet {
	dimensions: DimensionRatings[];
	/** Every item the evaluations name (the columns' items): what `itemColumn` indexes. */
	itemIds: readonly string[];
	/** Scores left out because they are not a value of the scale. */
	skipped: number;
}

const isMissing = (v: unknown) => v === undefined || v === null || v === '';

function binary(value: unknown): number | null {
	const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
	if (v === true || v === 1 || v === '1' || v === 'true' || v === 'yes') return 1;
	if (v === false || v === 0 || v === '0' || v === 'false' || v === 'no') return 0;
	return null;
}

function likertRange(d: RubricDimension): number[] | undefined {
	if (d.min === undefined || d.max === undefined || d.max < d.min || d.max - d.min > 100) return undefined;
	return Array.from({ length: d.max - d.min + 1 }, (_, i) => d.min! + i);
}

/** The dimension's identity as the reports show it, without the plan's normalisation details. */
export function dimensionRef(d: DimensionRef): DimensionRef {
	return { key: d.key, label: d.label, scale: d.scale, level: d.level };
}

/** How one dimension's stored scores become rating values, and the ordered categories the engine should use. */
export function planDimension(d: RubricDimension): DimensionPlan {
	const ref = dimensionRef(d);
	const optionValues = (d.options ?? []).map((o) => o.value);
	const byLabel = new Map(optionValues.map((v, i) => [String(v), { value: v, index: i }]));
	const make = (
		categories: readonly RatingValue[] | undefined,
		normalize: (v: unknown) => RatingValue | null
	): DimensionPlan => ({
		...ref,
		options: d.options,
		spec: { key: d.key, level: d.level, categories },
		normalize: (v) => (isMissing(v) ? null : normalize(v))
	});
	switch (d.scale) {
		case 'binary':
			return make([0, 1], binary);
		case 'likert': {
			const range = likertRange(d);
			return make(range, (v) => {
				const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
				if (!Number.isFinite(n)) return null;
				return !range || range.includes(n) ? n : null;
			});
		}
		case 'pairwise':
			if (!optionValues.length)
				return make(undefined, (v) => (typeof v === 'string' || typeof v === 'number' ? v : null));
			return make(
				optionValues.map((_, i) => i),
				(v) => byLabel.get(String(v))?.index ?? null
			);
		default:
			if (!optionValues.length)
				return make(undefined, (v) =>
					typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : null
				);
			return make(optionValues, (v) => byLabel.get(String(v))?.value ?? null);
	}
}

/** The scored (non-text) dimensions of the rubrics, newest definition of a key first, in rubric order. */
export function dimensionPlans(rubrics: readonly Rubric[]): DimensionPlan[] {
	const newestFirst = [...rubrics].sort((a, b) => b.version - a.version || b.createdAt - a.createdAt);
	const plans = new Map<string, DimensionPlan>();
	for (const r of newestFirst)
		for (const d of r.dimensions) if (d.scale !== 'text' && !plans.has(d.key)) plans.set(d.key, planDimension(d));
	return [...plans.values()];
}

/** The ratings of a table as long rows (category codes back to their labels). */
function longRows(t: RatingTable): Rating[] {
	const out: Rating[] = [];
	for (let i = 0; i < t.values.length; i++)
		out.push({
			item: t.itemIds![t.itemIndex[i]],
			rater: t.raterIds![t.raterIndex[i]],
			value: t.categories ? t.categories[t.values[i]] : t.values[i]
		});
	return out;
}

function dimensionRatings(
	plan: DimensionPlan,
	{ table, itemColumn }: { table: RatingTable; itemColumn: Int32Array },
	applicable: number
): DimensionRatings {
	let rows: Rating[] | undefined;
	return {
		plan,
		table,
		applicable,
		itemColumn,
		get ratings() {
			return (rows ??= longRows(table));
		}
	};
}

const labelOf = (v: RatingValue) => String(v);

/**
 * How a dimension's stored values (the column's distinct values, normalised: `normalized[c]`, null when left
 * out) are coded in the engine's table, as toTable codes long rows: categories given by the plan, else labels
 * sorted (sortLabels) as soon as one kept value is not a number, else the numbers themselves. Decided once per
 * distinct value from the values the kept ratings use (`used[c]`), never per rating.
 */
function valueCoding(
	plan: DimensionPlan,
	normalized: readonly (RatingValue | null)[],
	used: Uint8Array
): { code: Float64Array; categories?: RatingValue[]; known: Uint8Array } {
	const code = new Float64Array(normalized.length);
	const known = new Uint8Array(normalized.length).fill(1);
	let labelled = plan.spec.categories !== undefined;
	for (let c = 0; c < normalized.length && !labelled; c++)
		if (used[c] && typeof normalized[c] !== 'number') labelled = true;
	if (!labelled) {
		for (let c = 0; c < normalized.length; c++) if (used[c]) code[c] = normalized[c] as number;
		return { code, known };
	}
	const labels = new Set<string>();
	for (let c = 0; c < normalized.length; c++) if (used[c]) labels.add(labelOf(normalized[c]!));
	const categories = (plan.spec.categories as RatingValue[] | undefined) ?? sortLabels(labels);
	const index = new Map(categories.map((v, i) => [labelOf(v), i]));
	for (let c = 0; c < normalized.length; c++) {
		if (!used[c]) continue;
		const i = index.get(labelOf(normalized[c]!));
		if (i === undefined) known[c] = 0;
		else code[c] = i;
	}
	return { code, categories, known };
}

/**
 * Ratings per dimension from the evaluations of the scope (every evaluation of the columns when null). Dimensions
 * that apply to none of them are dropped, so a modality filter shows only its own dimensions; `only` keeps a
 * single dimension. Per dimension, one pass over the scope counts the kept ratings and the values they use;
 * the table is then written at its exact size (items and raters get dense indices in first-seen order, rows
 * grouped by item: see Dense).
 */
export function columnRatingSet(
	c: EvaluationColumns,
	scope: Scope | null,
	rubrics: readonly Rubric[],
	only?: string | null
): RatingSet {
	const plans = dimensionPlans(rubrics).filter((p) => !only || p.key === only);
	const rubricById = new Map(rubrics.map((r) => [r.id, r]));
	const M = c.modalities.length;
	// The dimension keys each (rubric version, modality) pair applies, as the rubric says (text dimensions too).
	const applies = Array.from({ length: c.rubricIds.length * M }, (_, k) => {
		const rubric = rubricById.get(c.rubricIds[Math.floor(k / M)]);
		return rubric ? new Set(dimensionsFor(rubric, c.modalities[k % M]).map((d) => d.key)) : null;
	});
	const at = scope ?? wholeScope(c);
	// Per evaluation in scope: its (rubric version, modality) pair, which says the dimensions that apply to it.
	const pair = new Int32Array(at.length);
	for (let k = 0; k < at.length; k++) pair[k] = c.rubric[at[k]] * M + c.itemModality[c.item[at[k]]];
	const kept = new Int32Array(at.length);
	let previous: Dense | null = null;
	let skipped = 0;
	const dimensions: DimensionRatings[] = [];
	for (const plan of plans) {
		const column = c.scores.get(plan.key);
		const applying = Uint8Array.from(applies, (keys) => (keys?.has(plan.key) ? 1 : 0));
		const normalized = column ? column.values.map(plan.normalize) : [];
		// Per distinct value: 1 when it is kept, 2 when it is left out as not a value of the scale, 0 when missing.
		const use = new Uint8Array(normalized.length);
		for (let v = 0; v < normalized.length; v++)
			use[v] = normalized[v] !== null ? 1 : isMissing(column!.values[v]) ? 0 : 2;
		// Nobody scored the key: every evaluation lacks it (the dimension still shows when it applies).
		const codes = column?.codes ?? new Int32Array(c.size).fill(-1);
		const used = new Uint8Array(normalized.length);
		const counted = keep(at, pair, applying, codes, use, used, kept);
		skipped += counted.skipped;
		if (!counted.applicable) continue;
		const n = counted.kept;
		const ratings = kept.subarray(0, n);
		// Dimensions scored by the same evaluations (the usual case) share their items' and raters' indices.
		const dense: Dense = previous && sameRatings(previous.ratings, ratings) ? previous : denseIndices(c, ratings);
		previous = dense;
		const coding = valueCoding(plan, normalized, used);
		const values = codedValues(dense.rows, codes, coding);
		const invalidAt = firstInvalid(ratings, codes, coding);
		const table: RatingTable = {
			itemIndex: dense.itemIndex,
			raterIndex: dense.raterIndex,
			values,
			itemCount: dense.itemIds.length,
			raterCount: dense.raterIds.length,
			itemIds: dense.itemIds,
			raterIds: dense.raterIds
		};
		if (coding.categories) table.categories = coding.categories;
		if (invalidAt >= 0) {
			const e = ratings[invalidAt];
			const value = normalized[codes[e]]!;
			table.invalid = coding.categories
				? `item ${c.itemIds[c.item[e]]}: value "${labelOf(value)}" is not one of the categories`
				: `item ${c.itemIds[c.item[e]]}: value ${value} is not a finite number`;
		}
		dimensions.push(dimensionRatings(plan, { table, itemColumn: dense.itemColumn }, counted.applicable));
	}
	return { dimensions, itemIds: c.itemIds, skipped };
}

/**
 * The evaluations in scope (`at`) a dimension applies to (`applying` per pair), and among them those whose value
 * is kept (written to `kept`, marking their values in `used`) or left out as not a value of the scale.
 */
function keep(
	at: Int32Array,
	pair: Int32Array,
	applying: Uint8Array,
	codes: Int32Array,
	use: Uint8Array,
	used: Uint8Array,
	kept: Int32Array
): { applicable: number; kept: number; skipped: number } {
	let applicable = 0;
	let n = 0;
	let skipped = 0;
	for (let k = 0; k < at.length; k++) {
		if (!applying[pair[k]]) continue;
		applicable++;
		const e = at[k];
		const code = codes[e];
		if (code < 0) continue;
		if (use[code] === 1) {
			used[code] = 1;
			kept[n++] = e;
		} else if (use[code] === 2) skipped++;
	}
	return { applicable, kept: n, skipped };
}

/**
 * A dimension's ratings as the engine's table lays them out: items and raters get dense indices in first-seen
 * order (submission order), and the rows are grouped by item (a stable counting sort: each item's ratings keep
 * their order). The engine groups a table by item before any coefficient; rows already grouped are used as they
 * are, so the tables of several dimensions do not each scatter 270,000 ratings into new arrays.
 */
interface Dense {
	/** The ratings' evaluations in submission order (what tells whether another dimension's are the same). */
	ratings: Int32Array;
	/** The same evaluations in the table's row order. */
	rows: Int32Array;
	itemIndex: Int32Array;
	raterIndex: Int32Array;
	itemIds: string[];
	raterIds: string[];
	/** Per dense item: its index in the columns' items. */
	itemColumn: Int32Array;
}

function denseIndices(c: EvaluationColumns, ratings: Int32Array): Dense {
	const n = ratings.length;
	const itemOf = new Int32Array(n);
	const itemMap = new Int32Array(c.itemIds.length).fill(-1);
	const raterMap = new Int32Array(c.raterIds.length).fill(-1);
	const itemIds: string[] = [];
	const raterIds: string[] = [];
	for (let k = 0; k < n; k++) {
		const item = c.item[ratings[k]];
		const rater = c.rater[ratings[k]];
		if (itemMap[item] < 0) itemMap[item] = itemIds.push(c.itemIds[item]) - 1;
		if (raterMap[rater] < 0) raterMap[rater] = raterIds.push(c.raterIds[rater]) - 1;
		itemOf[k] = itemMap[item];
	}
	const start = new Int32Array(itemIds.length + 1);
	for (let k = 0; k < n; k++) start[itemOf[k] + 1]++;
	for (let i = 0; i < itemIds.length; i++) start[i + 1] += start[i];
	const rows = new Int32Array(n);
	const itemIndex = new Int32Array(n);
	const raterIndex = new Int32Array(n);
	for (let k = 0; k < n; k++) {
		const at = start[itemOf[k]]++;
		rows[at] = ratings[k];
		itemIndex[at] = itemOf[k];
		raterIndex[at] = raterMap[c.rater[ratings[k]]];
	}
	const itemColumn = new Int32Array(itemIds.length);
	for (let i = 0; i < itemMap.length; i++) if (itemMap[i] >= 0) itemColumn[itemMap[i]] = i;
	return { ratings: ratings.slice(), rows, itemIndex, raterIndex, itemIds, raterIds, itemColumn };
}

function sameRatings(a: Int32Array, b: Int32Array): boolean {
	if (a.length !== b.length) return false;
	for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
	return true;
}

/** The table's values of the ratings (evaluations in row order); a value the coding cannot take stays 0. */
function codedValues(
	rows: Int32Array,
	codes: Int32Array,
	coding: { code: Float64Array; categories?: RatingValue[]; known: Uint8Array }
): Float64Array {
	const values = new Float64Array(rows.length);
	const { code } = coding;
	for (let k = 0; k < rows.length; k++) values[k] = code[codes[rows[k]]];
	return values;
}

/**
 * The first rating (in submission order, as toTable reads long rows) whose value the coding cannot take: a value
 * outside the categories, or a number that is not finite; -1 when every value fits.
 */
function firstInvalid(
	ratings: Int32Array,
	codes: Int32Array,
	coding: { code: Float64Array; categories?: RatingValue[]; known: Uint8Array }
): number {
	const { code, known } = coding;
	let any = false;
	for (let c = 0; c < code.length && !any; c++) any = coding.categories ? !known[c] : !Number.isFinite(code[c]);
	if (!any) return -1;
	for (let k = 0; k < ratings.length; k++) {
		const v = codes[ratings[k]];
		if (coding.categories ? !known[v] : !Number.isFinite(code[v])) return k;
	}
	return -1;
}

/** Ratings per dimension from evaluations in memory (see columnRatingSet). */
export function ratingSet(
	rows: readonly EvaluationFacts[],
	rubrics: readonly Rubric[],
	only?: string | null
): RatingSet {
	return columnRatingSet(columnsOf(rows, rubrics), null, rubrics, only);
}

/**
 * The ratings at the given positions of a dimension's table as a table of their own (dense indices; labels sorted
 * from the data are recoded to the labels the positions use, as toTable would code those ratings alone).
 */
export function pickRatings(d: DimensionRatings, positions: ArrayLike<number>): RatingTable {
	const t = d.table;
	const n = positions.length;
	const itemIndex = new Int32Array(n);
	const raterIndex = new Int32Array(n);
	const values = new Float64Array(n);
	const itemMap = new Map<number, number>();
	const raterMap = new Map<number, number>();
	const itemIds: (string | number)[] = [];
	const raterIds: (string | number)[] = [];
	for (let k = 0; k < n; k++) {
		const p = positions[k];
		let i = itemMap.get(t.itemIndex[p]);
		if (i === undefined) itemMap.set(t.itemIndex[p], (i = itemIds.push(t.itemIds![t.itemIndex[p]]) - 1));
		let r = raterMap.get(t.raterIndex[p]);
		if (r === undefined) raterMap.set(t.raterIndex[p], (r = raterIds.push(t.raterIds![t.raterIndex[p]]) - 1));
		itemIndex[k] = i;
		raterIndex[k] = r;
		values[k] = t.values[p];
	}
	const out: RatingTable = {
		itemIndex,
		raterIndex,
		values,
		itemCount: itemIds.length,
		raterCount: raterIds.length,
		itemIds,
		raterIds
	};
	if (t.invalid) out.invalid = t.invalid;
	if (!t.categories) return out;
	if (d.plan.spec.categories) return { ...out, categories: t.categories };
	const used = new Int32Array(t.categories.length).fill(-1);
	for (let k = 0; k < n; k++) used[values[k]] = 0;
	const categories: (string | number)[] = [];
	for (let c = 0; c < used.length; c++) if (used[c] === 0) used[c] = categories.push(t.categories[c]) - 1;
	for (let k = 0; k < n; k++) values[k] = used[values[k]];
	return { ...out, categories };
}

/** Gold values for one dimension, normalised like the ratings (items whose gold lacks the key are left out). */
export function goldValues(plan: DimensionPlan, gold: ReadonlyMap<string, Record<string, unknown>>): GoldValue[] {
	const out: GoldValue[] = [];
	for (const [item, scores] of gold) {
		const value = plan.normalize(scores[plan.key]);
		if (value !== null) out.push({ item, value });
	}
	return out;
}

/** The value a rating code stands for, for display (pairwise codes back to the option's value). */
export function displayValue(plan: DimensionPlan, value: RatingValue): RatingValue {
	if (plan.scale === 'pairwise' && typeof value === 'number' && plan.options?.[value]) return plan.options[value].value;
	return value;
}
