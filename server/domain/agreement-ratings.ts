// Turns submitted evaluations (folded into columns, ./agreement-columns.ts) into the agreement engine's ratings, one
// dimension at a time, as columnar tables. Pure. Guarantees: only a rubric's dimensions that apply to the item's modality count (free-text dimensions never do);
// binary answers stored as true/false, 1/0, "true"/"false" or "yes"/"no" are the same category; pairwise preferences become
// ordinal codes in the rubric's option order; a value outside the dimension's scale is left out and counted as
// skipped rather than making the whole dimension undefined. Gold answers are normalised the same way.
import { sortLabels, type DimensionSpec, type GoldValue, type Rating, type RatingTable } from '#shared/agreement/index';
import { dimensionsFor, type Rubric, type RubricDimension } from '#shared/rubric';
import type { DimensionRef } from '#shared/agreement-report';
import { columnsOf, type EvaluationColumns, type EvaluationFacts, type Scope } from './agreement-columns';

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
 * The engine's table of the kept ratings, coded as toTable codes long rows: categories given by the plan, else
 * labels sorted (sortLabels) as soon as one value is not a number, else the numbers themselves. Items and raters
 * get dense indices in first-seen order. `value[k]` is the normalised value of rating k.
 */
function ratingTable(
	plan: DimensionPlan,
	itemOf: Int32Array,
	raterOf: Int32Array,
	value: readonly RatingValue[],
	itemIds: readonly string[],
	raterIds: readonly string[]
): { table: RatingTable; itemColumn: Int32Array } {
	const n = value.length;
	const itemIndex = new Int32Array(n);
	const raterIndex = new Int32Array(n);
	const values = new Float64Array(n);
	const itemMap = new Int32Array(itemIds.length).fill(-1);
	const raterMap = new Int32Array(raterIds.length).fill(-1);
	const tableItems: string[] = [];
	const tableRaters: string[] = [];
	for (let k = 0; k < n; k++) {
		if (itemMap[itemOf[k]] < 0) itemMap[itemOf[k]] = tableItems.push(itemIds[itemOf[k]]) - 1;
		if (raterMap[raterOf[k]] < 0) raterMap[raterOf[k]] = tableRaters.push(raterIds[raterOf[k]]) - 1;
		itemIndex[k] = itemMap[itemOf[k]];
		raterIndex[k] = raterMap[raterOf[k]];
	}
	const itemColumn = new Int32Array(tableItems.length);
	for (let c = 0; c < itemMap.length; c++) if (itemMap[c] >= 0) itemColumn[itemMap[c]] = c;
	const base: RatingTable = {
		itemIndex,
		raterIndex,
		values,
		itemCount: tableItems.length,
		raterCount: tableRaters.length,
		itemIds: tableItems,
		raterIds: tableRaters
	};
	const labelled = plan.spec.categories !== undefined || value.some((v) => typeof v !== 'number');
	if (!labelled) {
		for (let k = 0; k < n; k++) values[k] = value[k] as number;
		const bad = value.findIndex((v) => !Number.isFinite(v));
		const table =
			bad < 0
				? base
				: { ...base, invalid: `item ${base.itemIds![itemIndex[bad]]}: value ${value[bad]} is not a finite number` };
		return { table, itemColumn };
	}
	const categories = plan.spec.categories ?? sortLabels(new Set(value.map(labelOf)));
	const code = new Map(categories.map((c, i) => [labelOf(c), i]));
	for (let k = 0; k < n; k++) {
		const c = code.get(labelOf(value[k]));
		if (c === undefined) {
			const invalid = `item ${base.itemIds![itemIndex[k]]}: value "${labelOf(value[k])}" is not one of the categories`;
			return { table: { ...base, categories, invalid }, itemColumn };
		}
		values[k] = c;
	}
	return { table: { ...base, categories }, itemColumn };
}

/**
 * Ratings per dimension from the evaluations of the scope (every evaluation of the columns when null). Dimensions
 * that apply to none of them are dropped, so a modality filter shows only its own dimensions; `only` keeps a
 * single dimension.
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
	const size = scope ? scope.length : c.size;
	let skipped = 0;
	const dimensions: DimensionRatings[] = [];
	for (const plan of plans) {
		const column = c.scores.get(plan.key);
		const normalized = column ? column.values.map(plan.normalize) : [];
		const applying = applies.map((keys) => !!keys?.has(plan.key));
		const itemOf = new Int32Array(size);
		const raterOf = new Int32Array(size);
		const value: RatingValue[] = [];
		let applicable = 0;
		for (let k = 0; k < size; k++) {
			const e = scope ? scope[k] : k;
			if (!applying[c.rubric[e] * M + c.itemModality[c.item[e]]]) continue;
			applicable++;
			const code = column ? column.codes[e] : -1;
			if (code < 0) continue;
			const v = normalized[code];
			if (v === null) {
				if (!isMissing(column!.values[code])) skipped++;
				continue;
			}
			itemOf[value.length] = c.item[e];
			raterOf[value.length] = c.rater[e];
			value.push(v);
		}
		if (!applicable) continue;
		const n = value.length;
		const table = ratingTable(plan, itemOf.subarray(0, n), raterOf.subarray(0, n), value, c.itemIds, c.raterIds);
		dimensions.push(dimensionRatings(plan, table, applicable));
	}
	return { dimensions, itemIds: c.itemIds, skipped };
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
