// The agreement dashboard's REST contract: zod schemas of the query strings (validated on the server, reused for
// the OpenAPI document) and the response shapes the browser reads. Figures come from the agreement engine
// (./agreement/); a coefficient the data cannot define is `value: null` with the engine's reason, never NaN.
import { z } from 'zod';
import { MODALITIES } from './items';
import { pageQuery } from './paging';
import type { Band, InterpretationScheme, Metric, UndefinedCode, Weights } from './agreement/index';
import type { Level, Scale } from './rubric';

const DAY = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date (`2025-01-31`), an ISO 8601 date-time or epoch milliseconds. */
const dateParam = z
	.string()
	.max(40)
	.refine(
		(s) => /^\d{1,15}$/.test(s) || !Number.isNaN(Date.parse(s)),
		'a date (YYYY-MM-DD), an ISO date-time or epoch milliseconds'
	);

/** Epoch ms of a date parameter; a plain date used as an end includes that whole day (UTC). */
export function dateParamToMs(value: string, end: boolean): number {
	if (/^\d{1,15}$/.test(value)) return Number(value);
	const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
	return end && DATE_ONLY.test(value) ? ms + DAY : ms;
}

const dimensionKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a rubric dimension key');

/** Filters every agreement endpoint takes: submission time range, item modality and language, one dimension. */
export const agreementFilterSchema = z.strictObject({
	/** Inclusive start of `submittedAt`. */
	from: dateParam.optional(),
	/** Exclusive end; a plain date includes that whole day (UTC). */
	to: dateParam.optional(),
	modality: z.enum(MODALITIES).optional(),
	language: z
		.string()
		.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or pt-BR')
		.optional(),
	dimension: dimensionKey.optional(),
	format: z.enum(['json', 'csv']).default('json')
});

export const agreementQuerySchema = agreementFilterSchema.extend({
	by: z.enum(['evaluator']).optional(),
	/** `1`: the project's active judges join the per-dimension figures as raters (off: the people alone). */
	includeJudges: z.enum(['0', '1']).optional()
});
/**
 * The most-disagreed items, paged by cursor (./paging.ts): a JSON page holds at most PAGE_MAX items, whatever
 * `limit` says; the CSV file holds up to 500 from the cursor on.
 */
export const disagreementQuerySchema = agreementFilterSchema.extend({
	limit: z.coerce.number().int().min(1).max(500).default(20),
	cursor: pageQuery.cursor
});
const BUCKETS = ['auto', 'day', 'week'] as const;
/** The query of the series over time: the timeline and the throughput chart. */
export const timelineQuerySchema = agreementFilterSchema.extend({ bucket: z.enum(BUCKETS).default('auto') });

export type Bucket = Exclude<(typeof BUCKETS)[number], 'auto'>;

export interface AgreementFilters {
	from: number | null;
	to: number | null;
	modality: string | null;
	language: string | null;
	dimension: string | null;
}

export interface DimensionRef {
	key: string;
	label: string;
	scale: Scale;
	level: Level;
}

/** A coefficient, or null with the engine's reason (e.g. "no item was rated by two or more raters"). */
export interface Figure {
	value: number | null;
	code: UndefinedCode | null;
	reason: string | null;
}

/**
 * A bootstrap confidence interval of a coefficient, computed in the background on the current figures and cached:
 * `refreshing` while the figures moved since it was computed (the bounds shown are then the previous ones, or null
 * before the first computation).
 */
export interface IntervalView {
	low: number | null;
	high: number | null;
	/** Coverage, e.g. 0.95. */
	level: number;
	/** Bootstrap replicates that produced a value. */
	samples: number;
	/** When the evaluations it was computed on were read (epoch ms); null before the first computation. */
	computedAt: number | null;
	refreshing: boolean;
}

export interface DimensionAgreementView extends DimensionRef {
	/** The coefficient matched to the dimension's level (levelToMetric): Krippendorff's alpha at that level. */
	metric: Metric;
	/** Weights a kappa would use at this level (shown in the pairwise matrix). */
	weights: Weights;
	agreement: Figure;
	/** The bootstrap interval of `agreement` (JSON answers, when the coefficient has a value). */
	interval?: IntervalView;
	interpretation: { scheme: InterpretationScheme; band: Band; label: string } | null;
	percent: Figure;
	items: number;
	raters: number;
	ratings: number;
	/** Items rated by two or more evaluators. */
	itemsUsed: number;
}

interface AgreementTotals {
	evaluations: number;
	items: number;
	evaluators: number;
	/** Scores left out because they are not a value of the dimension's scale (e.g. 7 on a 1–5 scale). */
	skipped: number;
}

export interface FilterOptions {
	dimensions: DimensionRef[];
	modalities: string[];
	languages: string[];
	/** First and last submission in the project (epoch ms), for the time-range picker. */
	first: number | null;
	last: number | null;
}

/** One evaluator on one dimension: against the other evaluators, against a consensus of the others, against gold. */
export interface EvaluatorDimensionView {
	key: string;
	ratings: number;
	/** Ratings on items someone else also rated. */
	items: number;
	/** Krippendorff's alpha of this evaluator's values against the others' (engine: raterAgreement). */
	alpha: number | null;
	/** Share of identical values among (this evaluator, other) pairs. */
	percent: number | null;
	/** Against the leave-one-out consensus (median of the others on ordered scales, their majority on nominal). */
	consensus: {
		items: number;
		matchRate: number | null;
		meanDifference: number | null;
		meanAbsDifference: number | null;
	};
	gold: {
		items: number;
		percent: number | null;
		meanDifference: number | null;
		meanAbsDifference: number | null;
		alpha: Figure;
	} | null;
}

export interface EvaluatorAgreementView {
	id: string;
	name: string;
	email: string;
	evaluations: number;
	/** Exact matches with gold over every gold score this evaluator gave. */
	gold: { items: number; scores: number; correct: number; accuracy: number | null };
	dimensions: EvaluatorDimensionView[];
}

/**
 * How current an answer is: figures are kept per project and rebuilt after each change; while a rebuild runs the
 * previous figures are served with `stale: true`, never more than a few seconds after the change they lack.
 */
export interface Freshness {
	/** When the evaluations behind the figures were read (epoch ms). */
	computedAt: number;
	stale: boolean;
}

export interface AgreementReport extends Partial<Freshness> {
	filters: AgreementFilters;
	totals: AgreementTotals;
	dimensions: DimensionAgreementView[];
	evaluators?: EvaluatorAgreementView[];
	options: FilterOptions;
	/** Set when judges were included as raters (`includeJudges=1`): the per-dimension figures count them. */
	includedJudges?: { id: string; name: string }[];
}

export interface DisagreedItemView {
	itemId: string;
	externalId: string | null;
	modality: string;
	language: string;
	excerpt: string;
	evaluators: number;
	/** Mean over the item's dimensions of the engine's per-item disagreement (0 = all agree, ≈1 = chance). */
	disagreement: number;
	/** The dimension the evaluators disagree on most for this item, with each one's value. */
	worst: {
		key: string;
		label: string;
		disagreement: number;
		values: { evaluatorId: string; name: string; value: string | number }[];
	};
	dimensions: { key: string; disagreement: number }[];
	/** The item's active escalation, else its newest closed one (resolved or dismissed), if any. */
	escalation: { id: string; state: string } | null;
}

export interface DisagreementList extends Partial<Freshness> {
	filters: AgreementFilters;
	/** Items rated by two or more evaluators who did not all agree, in all pages. */
	total: number;
	items: DisagreedItemView[];
	/** The cursor of the next page (`?cursor=`), null on the last. */
	nextCursor: string | null;
}

export interface MatrixCell {
	a: string;
	b: string;
	/** Items both rated. */
	items: number;
	kappa: Figure;
	percent: Figure;
}

export interface AgreementMatrix extends Partial<Freshness> {
	filters: AgreementFilters;
	dimension: (DimensionRef & { weights: Weights }) | null;
	evaluators: { id: string; name: string }[];
	cells: MatrixCell[];
}

export interface TimelinePoint {
	/** Bucket start (UTC midnight; weeks start on Monday) and exclusive end, epoch ms. */
	start: number;
	end: number;
	/** Items whose last rating in scope falls in this bucket; their ratings make the point. */
	items: number;
	ratings: number;
	dimensions: { key: string; agreement: Figure; items: number }[];
}

export interface AgreementTimeline extends Partial<Freshness> {
	filters: AgreementFilters;
	bucket: Bucket;
	dimensions: (DimensionRef & { metric: Metric })[];
	points: TimelinePoint[];
}

export interface ThroughputEvaluator {
	id: string;
	name: string;
	evaluations: number;
	medianTimeMs: number | null;
	p90TimeMs: number | null;
	activeDays: number;
}

export interface ThroughputReport extends Partial<Freshness> {
	filters: AgreementFilters;
	bucket: Bucket;
	buckets: {
		start: number;
		end: number;
		evaluations: number;
		byEvaluator: Record<string, number>;
		medianTimeMs: number | null;
	}[];
	evaluators: ThroughputEvaluator[];
	totals: {
		evaluations: number;
		medianTimeMs: number | null;
		perDay: number | null;
		itemsCompleted: number;
		medianItemTurnaroundMs: number | null;
	};
}
