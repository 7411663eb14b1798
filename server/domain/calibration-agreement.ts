// Agreement figures for calibration sessions, on a 0..1 scale (1 = everyone agrees). Pure.
// The headline figure is observed agreement, because a calibration's few items and raters often leave chance-
// corrected coefficients undefined (a round where everyone agrees has no variation): per item, the measure
// automatic escalation uses (server/domain/item-agreement.ts: share of agreeing pairs for nominal dimensions,
// one minus the mean pairwise distance over the scale's range for ordered ones), pooled over items by their
// number of rater pairs. The report's Krippendorff's alpha per round comes from the agreement engine
// (src/lib/shared/agreement/); the candidates' "most disagreed" ranking is the agreement dashboard's
// (server/domain/agreement-items.ts).
// Free-text dimensions are never compared.
import type { RubricDimension } from '#shared/rubric';
import type { Scores, ScoreValue } from '#shared/evaluation';
import type { AgreementMetric, AlphaFigure, DimensionFigure } from '#shared/calibration';
import { krippendorffAlpha, toTable } from '#shared/agreement/index';
import { dimensionAgreement } from './item-agreement';

export const SESSION_METRIC: AgreementMetric = 'pairwise';

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Agreement per dimension among the sheets of one item. */
export function itemFigures(dims: readonly RubricDimension[], sheets: readonly Scores[]): DimensionFigure[] {
	return dims.map((d) => {
		const a = dimensionAgreement(
			d,
			sheets.map((s) => s[d.key])
		);
		return { key: d.key, value: a.value, ratings: a.ratings };
	});
}

/** The session's agreement per dimension over several items (each a list of sheets), pooled by rater pairs. */
export function pooledFigures(
	dims: readonly RubricDimension[],
	items: readonly (readonly Scores[])[]
): DimensionFigure[] {
	return dims.map((d) => {
		let weighted = 0;
		let pairs = 0;
		let ratings = 0;
		let counted = 0;
		for (const sheets of items) {
			const a = dimensionAgreement(
				d,
				sheets.map((s) => s[d.key])
			);
			ratings += a.ratings;
			if (a.value === null) continue;
			const p = (a.ratings * (a.ratings - 1)) / 2;
			weighted += a.value * p;
			pairs += p;
			counted++;
		}
		return { key: d.key, value: pairs > 0 ? weighted / pairs : null, ratings, items: counted };
	});
}

/** Mean of the figures that have a value; null when none has. */
export function meanFigure(figures: readonly DimensionFigure[]): number | null {
	const values = figures.map((f) => f.value).filter((v): v is number => v !== null);
	return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Ratings of one dimension as the engine's table: binary as 1/0, labelled scales coded in the rubric's order. */
function ratingTable(dim: RubricDimension, rows: readonly { item: string; rater: string; value: unknown }[]) {
	const ratings = rows
		.filter((r) => present(r.value))
		.map((r) => ({
			item: r.item,
			rater: r.rater,
			value: typeof r.value === 'boolean' ? (r.value ? 1 : 0) : (r.value as string | number)
		}));
	const labelled = ratings.some((r) => typeof r.value === 'string');
	return toTable(ratings, labelled && dim.options?.length ? { categories: dim.options.map((o) => o.value) } : {});
}

function position(dim: RubricDimension, v: ScoreValue): number | null {
	if (typeof v === 'number') return v;
	if (typeof v === 'boolean') return v ? 1 : 0;
	const at = (dim.options ?? []).findIndex((o) => o.value === v);
	return at >= 0 ? at : null;
}

function scaleRange(dim: RubricDimension): number {
	if (dim.scale === 'likert') return (dim.max ?? 5) - (dim.min ?? 1);
	if (dim.scale === 'binary') return 1;
	return Math.max(1, (dim.options?.length ?? 2) - 1);
}

/** Distance between two values of a dimension, 0..1; null when either is missing or the dimension is free text. */
export function scoreDistance(
	dim: RubricDimension,
	a: ScoreValue | undefined,
	b: ScoreValue | undefined
): number | null {
	if (dim.scale === 'text' || !present(a) || !present(b)) return null;
	if (dim.level === 'nominal') return a === b ? 0 : 1;
	const pa = position(dim, a!);
	const pb = position(dim, b!);
	if (pa === null || pb === null) return a === b ? 0 : 1;
	return Math.min(1, Math.abs(pa - pb) / scaleRange(dim));
}

/**
 * Krippendorff's alpha per dimension (at the dimension's measurement level) over the sheets of one round, from
 * the project's agreement engine; null with the engine's reason when alpha is undefined (e.g. no variation).
 */
export function alphaFigures(
	dims: readonly RubricDimension[],
	sheets: readonly { itemId: string; userId: string; scores: Scores }[]
): AlphaFigure[] {
	return dims
		.filter((d) => d.scale !== 'text')
		.map((d): AlphaFigure | null => {
			const rows = sheets
				.map((s) => ({ item: s.itemId, rater: s.userId, value: s.scores[d.key] }))
				.filter((r) => present(r.value));
			if (!rows.length) return null;
			const result = krippendorffAlpha(ratingTable(d, rows), { level: d.level });
			return result.ok
				? { key: d.key, value: result.value, reason: null }
				: { key: d.key, value: null, reason: result.reason };
		})
		.filter((f): f is AlphaFigure => f !== null);
}
