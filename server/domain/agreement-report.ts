// Assembles the agreement report from submitted evaluations. Pure: the route reads the rows, this computes.
// Per rubric dimension: the coefficient matched to the dimension's measurement level (levelToMetric, computed by
// the shared engine) with its interpretation band and counts, and percent agreement alongside. Per evaluator
// (by=evaluator): agreement with the other evaluators (engine: raterAgreement), drift from the others' consensus,
// and agreement with gold where items have gold, plus exact-match accuracy over every gold score.
import {
	agreement,
	interpretation,
	levelToMetric,
	percentAgreement,
	raterAgreement,
	toTable,
	type AgreementResult,
	type RatingTable
} from '#shared/agreement/index';
import type {
	AgreementFilters,
	AgreementReport,
	DimensionAgreementView,
	EvaluatorAgreementView,
	EvaluatorDimensionView,
	Figure,
	FilterOptions
} from '#shared/agreement-report';
import type { Rubric } from '#shared/rubric';
import { consensusDrift } from './agreement-drift';
import {
	dimensionRef,
	goldValues,
	ratingSet,
	type DimensionRatings,
	type RatingSet,
	type ScoredEvaluation
} from './agreement-ratings';

export interface Person {
	id: string;
	name: string;
	email: string;
}

export function figure(result: AgreementResult): Figure {
	return result.ok
		? { value: result.value, code: null, reason: null }
		: { value: null, code: result.code, reason: result.reason };
}

const tables = new WeakMap<DimensionRatings, RatingTable>();

/** The engine's columnar table of one dimension's ratings, built once per rating set. */
export function tableOf(d: DimensionRatings): RatingTable {
	let table = tables.get(d);
	if (!table) tables.set(d, (table = toTable(d.ratings, { categories: d.plan.spec.categories })));
	return table;
}

export function dimensionView(d: DimensionRatings, table: RatingTable = tableOf(d)): DimensionAgreementView {
	const choice = levelToMetric(d.plan.level);
	const main = agreement(table, { metric: choice.metric, level: choice.level });
	return {
		...dimensionRef(d.plan),
		metric: choice.metric,
		weights: choice.weights,
		agreement: figure(main),
		interpretation: main.ok
			? interpretation(main.value, choice.metric === 'alpha' ? 'krippendorff' : 'landis-koch')
			: null,
		percent: figure(percentAgreement(table, { level: d.plan.level })),
		items: main.items,
		raters: main.raters,
		ratings: main.ratings,
		itemsUsed: main.itemsUsed
	};
}

function evaluatorDimension(
	d: DimensionRatings,
	table: RatingTable,
	gold: ReadonlyMap<string, Record<string, unknown>>
): Map<string, EvaluatorDimensionView> {
	const goldList = goldValues(d.plan, gold);
	const result = raterAgreement(table, { level: d.plan.level, gold: goldList.length ? goldList : undefined });
	const drift = consensusDrift(d.ratings, d.plan.level);
	const out = new Map<string, EvaluatorDimensionView>();
	const ratingsOf = new Map<string, number>();
	for (const r of d.ratings) ratingsOf.set(String(r.rater), (ratingsOf.get(String(r.rater)) ?? 0) + 1);
	const byRater = new Map(result.ok ? result.raters.map((r) => [String(r.rater), r]) : []);
	for (const [rater, ratings] of ratingsOf) {
		const r = byRater.get(rater);
		const g = r?.gold;
		out.set(rater, {
			key: d.plan.key,
			ratings,
			items: r?.items ?? 0,
			alpha: r?.alpha ?? null,
			percent: r?.percent ?? null,
			consensus: drift.get(rater) ?? { items: 0, matchRate: null, meanDifference: null, meanAbsDifference: null },
			gold:
				g && g.items > 0
					? {
							items: g.items,
							percent: g.percent,
							meanDifference: g.meanDifference,
							meanAbsDifference: g.meanAbsDifference,
							alpha: figure(g.alpha)
						}
					: null
		});
	}
	return out;
}

function evaluatorViews(
	set: RatingSet,
	rows: readonly ScoredEvaluation[],
	gold: ReadonlyMap<string, Record<string, unknown>>,
	people: ReadonlyMap<string, Person>
): EvaluatorAgreementView[] {
	const perDimension = set.dimensions.map((d) => evaluatorDimension(d, tableOf(d), gold));
	const evaluations = new Map<string, number>();
	const goldItems = new Map<string, Set<string>>();
	for (const e of rows) {
		evaluations.set(e.evaluatorId, (evaluations.get(e.evaluatorId) ?? 0) + 1);
		if (gold.has(e.itemId)) goldItems.set(e.evaluatorId, (goldItems.get(e.evaluatorId) ?? new Set()).add(e.itemId));
	}
	return [...evaluations.keys()]
		.map((id) => {
			const dimensions = perDimension.map((m) => m.get(id)).filter((v): v is EvaluatorDimensionView => v !== undefined);
			let scores = 0;
			let correct = 0;
			for (const v of dimensions) {
				if (!v.gold || v.gold.percent === null) continue;
				scores += v.gold.items;
				correct += Math.round(v.gold.percent * v.gold.items);
			}
			const person = people.get(id);
			return {
				id,
				name: person?.name ?? id,
				email: person?.email ?? '',
				evaluations: evaluations.get(id) ?? 0,
				gold: { items: goldItems.get(id)?.size ?? 0, scores, correct, accuracy: scores ? correct / scores : null },
				dimensions
			};
		})
		.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export interface ReportInput {
	rows: readonly ScoredEvaluation[];
	/** Rubric versions the rows were made with. */
	rubrics: readonly Rubric[];
	filters: AgreementFilters;
	options: FilterOptions;
	byEvaluator?: { gold: ReadonlyMap<string, Record<string, unknown>>; people: ReadonlyMap<string, Person> };
}

export function agreementReport(input: ReportInput): AgreementReport {
	const set = ratingSet(input.rows, input.rubrics, input.filters.dimension);
	const report: AgreementReport = {
		filters: input.filters,
		totals: {
			evaluations: input.rows.length,
			items: new Set(input.rows.map((r) => r.itemId)).size,
			evaluators: new Set(input.rows.map((r) => r.evaluatorId)).size,
			skipped: set.skipped
		},
		dimensions: set.dimensions.map((d) => dimensionView(d)),
		options: input.options
	};
	if (input.byEvaluator)
		report.evaluators = evaluatorViews(set, input.rows, input.byEvaluator.gold, input.byEvaluator.people);
	return report;
}
