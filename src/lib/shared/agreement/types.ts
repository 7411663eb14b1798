// Shared types of the agreement engine: the two input shapes (long rows and columnar typed arrays), the measurement
// levels and metrics, and the result union. A result is either a finite value or an explicit refusal with a reason —
// never NaN.
import type { Level } from '../rubric';

export type { Level };

/** One rating in long format. A missing rating is simply absent (null, undefined, '' and NaN are skipped too). */
export interface Rating {
	item: string | number;
	rater: string | number;
	value: number | string | boolean | null | undefined;
}

/**
 * Columnar ratings for large data: row i says rater `raterIndex[i]` gave item `itemIndex[i]` the value `values[i]`.
 * Indices are dense (0 ≤ index < count). A NaN value is a missing rating. When `categories` is present the values
 * are codes into it (its order is the order used by ordinal metrics and kappa weights).
 */
export interface RatingTable {
	itemIndex: Int32Array;
	raterIndex: Int32Array;
	values: Float64Array;
	itemCount?: number;
	raterCount?: number;
	itemIds?: readonly (string | number)[];
	raterIds?: readonly (string | number)[];
	categories?: readonly (string | number)[];
	/** Set by `toTable` when the rows could not be converted; every metric then refuses with this reason. */
	invalid?: string;
}

export type RatingInput = readonly Rating[] | RatingTable;

export const METRICS = ['alpha', 'cohen', 'fleiss', 'percent', 'ac1'] as const;
export type Metric = (typeof METRICS)[number];

export const WEIGHTS = ['none', 'linear', 'quadratic'] as const;
export type Weights = (typeof WEIGHTS)[number];

/** Why a coefficient is undefined for the given data. */
export type UndefinedCode =
	| 'invalid-input'
	| 'duplicate-rating'
	| 'no-ratings'
	| 'one-rater'
	| 'not-two-raters'
	| 'no-pairable-values'
	| 'one-category'
	| 'non-numeric-values'
	| 'negative-values';

export interface ConfidenceInterval {
	low: number;
	high: number;
	/** Coverage, e.g. 0.95. */
	level: number;
	/** Bootstrap replicates that produced a value. */
	samples: number;
	seed: number;
}

interface ResultBase {
	metric: Metric;
	level: Level;
	weights?: Weights;
	/** Items with at least one rating. */
	items: number;
	/** Raters with at least one rating. */
	raters: number;
	/** Non-missing ratings. */
	ratings: number;
	/** Items that entered the computation (rated by at least two raters; for Cohen, by both raters). */
	itemsUsed: number;
}

interface AgreementValue extends ResultBase {
	ok: true;
	value: number;
	ci?: ConfidenceInterval;
}

interface AgreementUndefined extends ResultBase {
	ok: false;
	code: UndefinedCode;
	reason: string;
}

export type AgreementResult = AgreementValue | AgreementUndefined;

export interface BootstrapOptions {
	/** Replicates (default 1000). */
	samples?: number;
	/** Coverage (default 0.95). */
	level?: number;
	/** PRNG seed (default 1): the same seed gives the same interval. */
	seed?: number;
}

export interface AgreementOptions {
	metric?: Metric;
	/** Measurement level (default nominal); used by alpha, and reported by the others. */
	level?: Level;
	/** Cohen's kappa weights (default none). */
	weights?: Weights;
	/** Cohen's kappa: the two raters to compare when the data has more. */
	raters?: readonly [string | number, string | number];
	/** Alpha only: bootstrap confidence interval over items. */
	ci?: boolean | BootstrapOptions;
}
