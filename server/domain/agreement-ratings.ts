// Turns submitted evaluations into the agreement engine's long-format ratings, one dimension at a time. Pure.
// Guarantees: only a rubric's dimensions that apply to the item's modality count (free-text dimensions never do);
// binary answers stored as true/false, 1/0, "true"/"false" or "yes"/"no" are the same category; pairwise preferences become
// ordinal codes in the rubric's option order; a value outside the dimension's scale is left out and counted as
// skipped rather than making the whole dimension undefined. Gold answers are normalised the same way.
import type { DimensionSpec, GoldValue, Rating } from '#shared/agreement/index';
import { dimensionsFor, type Rubric, type RubricDimension } from '#shared/rubric';
import type { DimensionRef } from '#shared/agreement-report';

/** One submitted evaluation with what agreement needs from its item. */
export interface ScoredEvaluation {
	id: string;
	itemId: string;
	evaluatorId: string;
	rubricId: string;
	scores: Record<string, unknown>;
	timeSpentMs: number;
	submittedAt: number;
	modality: string;
	language: string;
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
	ratings: Rating[];
	/** Evaluations the dimension applies to (whether or not they scored it). */
	applicable: number;
}

export interface RatingSet {
	dimensions: DimensionRatings[];
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

/**
 * Ratings per dimension from the evaluations. Dimensions that apply to none of them are dropped, so a modality
 * filter shows only its own dimensions; `only` keeps a single dimension.
 */
export function ratingSet(
	rows: readonly ScoredEvaluation[],
	rubrics: readonly Rubric[],
	only?: string | null
): RatingSet {
	const plans = dimensionPlans(rubrics).filter((p) => !only || p.key === only);
	const rubricById = new Map(rubrics.map((r) => [r.id, r]));
	const byKey = new Map<string, DimensionRatings>(
		plans.map((plan) => [plan.key, { plan, ratings: [], applicable: 0 }])
	);
	const applies = new Map<string, Set<string>>();
	let skipped = 0;
	for (const e of rows) {
		const rubric = rubricById.get(e.rubricId);
		if (!rubric) continue;
		const cacheKey = `${e.rubricId}\u0000${e.modality}`;
		let keys = applies.get(cacheKey);
		if (!keys) applies.set(cacheKey, (keys = new Set(dimensionsFor(rubric, e.modality).map((d) => d.key))));
		for (const key of keys) {
			const target = byKey.get(key);
			if (!target) continue;
			target.applicable++;
			const raw = e.scores[key];
			const value = target.plan.normalize(raw);
			if (value === null) {
				if (!isMissing(raw)) skipped++;
				continue;
			}
			target.ratings.push({ item: e.itemId, rater: e.evaluatorId, value });
		}
	}
	return { dimensions: [...byKey.values()].filter((d) => d.applicable > 0), skipped };
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
