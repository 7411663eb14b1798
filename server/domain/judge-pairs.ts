// A judge against one other rater (an item's human reference, one evaluator, or one evaluation) on one dimension,
// with the shared engine's coefficients: Krippendorff's alpha at the dimension's level (the judge and the other as
// two coders), Cohen's kappa with the weights levelToMetric gives the level (none for nominal, linear for ordinal,
// quadratic for interval and ratio; the same weights as the evaluator × evaluator matrix) and percent agreement,
// plus the verdict a lead reads (#shared/judge-agreement). Pure.
import {
	cohenKappa,
	krippendorffAlpha,
	levelToMetric,
	percentAgreement,
	toTable,
	type Rating
} from '#shared/agreement/index';
import { judgeReading, judgeVerdict, type PairAgreement } from '#shared/judge-agreement';
import type { Figure } from '#shared/agreement-report';
import type { DimensionPlan, RatingValue } from './agreement-ratings';
import { figure } from './agreement-report';

const JUDGE = 'judge';
const OTHER = 'other';

/** Value pairs collected unit by unit (a unit: an item, or an item and an evaluator). */
export class Pairs {
	readonly rows: Rating[] = [];
	add(unit: string, judge: RatingValue, other: RatingValue): void {
		this.rows.push({ item: unit, rater: JUDGE, value: judge }, { item: unit, rater: OTHER, value: other });
	}
	get size(): number {
		return this.rows.length / 2;
	}
}

/** Alpha alone (series points and the suggestion split). */
export function pairAlpha(plan: DimensionPlan, pairs: Pairs): Figure {
	return figure(krippendorffAlpha(toTable(pairs.rows, { categories: plan.spec.categories }), { level: plan.level }));
}

export function pairAgreement(plan: DimensionPlan, pairs: Pairs): PairAgreement {
	const table = toTable(pairs.rows, { categories: plan.spec.categories });
	const alpha = figure(krippendorffAlpha(table, { level: plan.level }));
	const n = pairs.size;
	const verdict = judgeVerdict(alpha, n);
	return {
		n,
		alpha,
		kappa: figure(
			cohenKappa(table, { level: plan.level, weights: levelToMetric(plan.level).weights, raters: [JUDGE, OTHER] })
		),
		percent: figure(percentAgreement(table, { level: plan.level })),
		verdict,
		reading: judgeReading(verdict, alpha, n, plan.label)
	};
}
