// One entry point choosing the metric, and per-dimension agreement over ratings of several rubric dimensions.
import { krippendorffAlpha } from './alpha';
import { cohenKappa } from './cohen';
import { levelToMetric } from './interpret';
import { fleissKappa, gwetAC1, percentAgreement } from './multi-rater';
import { toTable } from './table';
import type { AgreementOptions, AgreementResult, Level, Rating, RatingInput } from './types';

export function agreement(input: RatingInput, options: AgreementOptions = {}): AgreementResult {
	const level = options.level;
	switch (options.metric ?? 'alpha') {
		case 'alpha':
			return krippendorffAlpha(input, { level, ci: options.ci });
		case 'cohen':
			return cohenKappa(input, { level, weights: options.weights, raters: options.raters });
		case 'fleiss':
			return fleissKappa(input, { level });
		case 'percent':
			return percentAgreement(input, { level });
		case 'ac1':
			return gwetAC1(input, { level });
	}
}

export interface DimensionRating extends Rating {
	dimension: string;
}

export interface DimensionSpec {
	key: string;
	level: Level;
	/** Ordered labels of a categorical / likert scale (keeps unused categories in kappa weights and AC1). */
	categories?: readonly (string | number)[];
}

export interface DimensionAgreement {
	dimension: string;
	result: AgreementResult;
}

/** Agreement for each listed dimension (in the listed order) at its level; rows of other dimensions are ignored. */
export function agreementByDimension(
	rows: readonly DimensionRating[],
	dimensions: readonly DimensionSpec[],
	options: Omit<AgreementOptions, 'level'> = {}
): DimensionAgreement[] {
	const byKey = new Map<string, Rating[]>(dimensions.map((d) => [d.key, []]));
	for (const row of rows) byKey.get(row.dimension)?.push(row);
	return dimensions.map((d) => {
		const table = toTable(byKey.get(d.key)!, { categories: d.categories });
		const metric = options.metric ?? levelToMetric(d.level).metric;
		return { dimension: d.key, result: agreement(table, { ...options, metric, level: d.level }) };
	});
}
