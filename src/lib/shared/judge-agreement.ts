// "Humans and judges": how far each model judge agrees with the people, per rubric dimension. The REST contract
// (query schema, response shapes) and the one rule that turns a figure into a verdict a lead can act on.
//
// The verdict (Krippendorff's conventional cut-offs, the same bands as the human figures use):
//   fewer than JUDGE_MIN_ITEMS items compared      → 'too-few'     "Too few items to say"
//   α < 0.667                                      → 'do-not-rely' "Do not rely on the judge for <dimension> yet"
//   0.667 ≤ α < 0.8                                → 'spot-check'  "Trust with spot checks"
//   α ≥ 0.8                                        → 'trust'       "Trust the judge here"
//   α undefined (e.g. everyone gave one value)     → 'undefined'   with the engine's reason
import { z } from 'zod';
import { interpretation, type Weights } from './agreement/index';
import {
	agreementFilterSchema,
	type AgreementFilters,
	type DimensionRef,
	type Figure,
	type Freshness
} from './agreement-report';

/** Below this many items compared, a coefficient says too little to act on. */
export const JUDGE_MIN_ITEMS = 10;
/** Krippendorff's cut-offs: below the first, do not rely on the rater; from the second, rely on it. */
export const JUDGE_THRESHOLDS = { tentative: 0.667, reliable: 0.8 } as const;
/** The items where a judge and the people differ most: this many per judge. */
export const JUDGE_DIFFERING_MAX = 20;

const id = z.string().min(1).max(64);

/**
 * The dashboard's filters (the same schema as the people's figures: period, modality, language, dimension), and
 * the section's own: one judge, one guideline version, the buckets of the series.
 */
export const judgeAgreementQuerySchema = agreementFilterSchema.omit({ format: true }).extend({
	judgeId: id.optional(),
	/** Only the judge scores stamped with this guideline version (`none`: those given no guideline). */
	guidelineVersionId: id.optional(),
	/** Buckets of the series over time (of when the judge's scores were made). */
	bucket: z.enum(['auto', 'week', 'month']).default('auto')
});

export type JudgeVerdict = 'too-few' | 'do-not-rely' | 'spot-check' | 'trust' | 'undefined';

export function judgeVerdict(alpha: Figure, items: number): JudgeVerdict {
	if (items < JUDGE_MIN_ITEMS) return 'too-few';
	if (alpha.value === null) return 'undefined';
	const band = interpretation(alpha.value, 'krippendorff').band;
	return band === 'reliable' ? 'trust' : band === 'tentative' ? 'spot-check' : 'do-not-rely';
}

/** The verdict in plain English (API readers; the dashboard says the same in the reader's language). */
export function judgeReading(verdict: JudgeVerdict, alpha: Figure, items: number, dimension: string): string {
	const a = alpha.value === null ? '' : alpha.value.toFixed(2);
	switch (verdict) {
		case 'too-few':
			return `Too few items to say (n ${items} < ${JUDGE_MIN_ITEMS})`;
		case 'undefined':
			return `No agreement figure on ${items} items: ${alpha.reason ?? 'undefined'}`;
		case 'do-not-rely':
			return `Do not rely on the judge for ${dimension} yet: α ${a} on ${items} items, below ${JUDGE_THRESHOLDS.tentative}`;
		case 'spot-check':
			return `Trust with spot checks: α ${a} on ${items} items (between ${JUDGE_THRESHOLDS.tentative} and ${JUDGE_THRESHOLDS.reliable})`;
		case 'trust':
			return `Trust the judge for ${dimension}: α ${a} on ${items} items, at least ${JUDGE_THRESHOLDS.reliable}`;
	}
}

/** Where an item's human reference comes from, in the order it is looked for. */
export const REFERENCE_KINDS = ['gold', 'consensus', 'verdict', 'majority', 'median'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** The judge against one other rater (the reference or one evaluator) on the items both scored. */
export interface PairAgreement {
	/** Items compared. */
	n: number;
	/** Krippendorff's alpha at the dimension's level (the judge and the other as two coders). */
	alpha: Figure;
	/** Cohen's kappa with the level's weights (none, linear, quadratic). */
	kappa: Figure;
	percent: Figure;
	verdict: JudgeVerdict;
	/** The verdict in plain English. */
	reading: string;
}

export interface JudgeEvaluatorAgreement extends PairAgreement {
	id: string;
	name: string;
}

export interface JudgeDimensionAgreement extends DimensionRef {
	weights: Weights;
	/** Against the human reference per item, and how many items each kind of reference stood for. */
	reference: PairAgreement & { uses: Partial<Record<ReferenceKind, number>> };
	/** Against each evaluator, on the items both scored (evaluators by name). */
	evaluators: JudgeEvaluatorAgreement[];
}

export interface JudgeVersionAgreement {
	/** The guideline version the judge was given ('' when none). */
	guidelineVersionId: string;
	/** "Guideline title v3", or null when none. */
	label: string | null;
	items: number;
	dimensions: (PairAgreement & { key: string })[];
}

export interface JudgeSeriesPoint {
	/** Bucket start (UTC; weeks start on Monday, months on the 1st) and exclusive end, epoch ms. */
	start: number;
	end: number;
	dimensions: { key: string; alpha: Figure; n: number }[];
}

export interface DifferingItemView {
	itemId: string;
	externalId: string | null;
	modality: string;
	excerpt: string;
	/** Mean over the dimensions compared of |judge − reference| scaled to the scale's span (0 same … 1 opposite ends). */
	distance: number;
	dimensions: {
		key: string;
		judge: string | number;
		reference: string | number;
		referenceKind: ReferenceKind;
		distance: number;
	}[];
	/** Where to settle it: the item's open (else latest) escalation, else the item itself. */
	escalation: { id: string; state: string } | null;
	href: string;
}

export interface JudgeAgreementView {
	id: string;
	name: string;
	archived: boolean;
	/** Items with a score of this judge in the figures (its newest per item). */
	scoredItems: number;
	dimensions: JudgeDimensionAgreement[];
	versions: JudgeVersionAgreement[];
	timeline: JudgeSeriesPoint[];
	differing: DifferingItemView[];
}

/** Evaluations made with a judge's suggestion shown, against those made without (suggestions anchor people). */
export interface SuggestionSide {
	evaluations: number;
	/** Agreement among the people (alpha at the level) over these evaluations. */
	humans: Figure;
	humanItems: number;
	/** Each judge against these evaluations (one unit per evaluation). */
	judges: { id: string; alpha: Figure; n: number }[];
}

export interface SuggestionSplit {
	/** Submitted evaluations made with a suggestion shown. */
	shown: number;
	dimensions: { key: string; label: string; withSuggestion: SuggestionSide; without: SuggestionSide }[];
}

export interface JudgeAgreementReport extends Partial<Freshness> {
	/** The dashboard's filters applied (from/to as epoch ms), then the section's own. */
	filters: AgreementFilters & { judgeId: string | null; guidelineVersionId: string | null; bucket: string };
	thresholds: { minItems: number; tentative: number; reliable: number };
	bucket: 'week' | 'month';
	/** Dimensions compared, with the people's own agreement (alpha) for comparison. */
	dimensions: (DimensionRef & { humans: Figure; humanItems: number })[];
	judges: JudgeAgreementView[];
	suggestions: SuggestionSplit | null;
}
