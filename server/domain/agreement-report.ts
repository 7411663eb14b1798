// Assembles the agreement report from submitted evaluations (as columns, ./agreement-columns.ts). Pure: the route
// reads, this computes.
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
import { columnRatingSet, dimensionRef, goldValues, type DimensionRatings, type RatingSet } from './agreement-ratings';
import {
	columnsOf,
	perEvaluator,
	scopeTotals,
	wholeScope,
	type EvaluationColumns,
	type EvaluationFacts,
	type Scope
} from './agreement-columns';

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

export function dimensionView(d: DimensionRatings, table: RatingTable = d.table): DimensionAgreementView {
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
	const drift = consensusDrift(table, d.plan.level);
	const out = new Map<string, EvaluatorDimensionView>();
	const counts = new Float64Array(table.raterIds!.length);
	for (let i = 0; i < table.raterIndex.length; i++) counts[table.raterIndex[i]]++;
	const ratingsOf = new Map(table.raterIds!.map((id, r) => [String(id), counts[r]]));
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
	{ columns: c, scope }: EvaluationsInScope,
	gold: ReadonlyMap<string, Record<string, unknown>>,
	people: ReadonlyMap<string, Person>
): EvaluatorAgreementView[] {
	const perDimension = set.dimensions.map((d) => evaluatorDimension(d, d.table, gold));
	const evaluations = perEvaluator(c, scope);
	const goldItems = new Map<string, Set<number>>();
	for (let k = 0; k < scope.length; k++) {
		const e = scope[k];
		if (!gold.has(c.itemIds[c.item[e]])) continue;
		const rater = c.raterIds[c.rater[e]];
		goldItems.set(rater, (goldItems.get(rater) ?? new Set()).add(c.item[e]));
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

/** Evaluations as columns with the scope of the filters. */
export interface EvaluationsInScope {
	columns: EvaluationColumns;
	scope: Scope;
}

export interface ReportInput {
	/** The evaluations in scope: columns with a scope, or rows in memory (small sets). */
	evaluations?: EvaluationsInScope;
	rows?: readonly EvaluationFacts[];
	/** Rubric versions the evaluations were made with. */
	rubrics: readonly Rubric[];
	filters: AgreementFilters;
	options: FilterOptions;
	/** The rating set of the evaluations (with the dimension filter), when the caller already has it. */
	ratings?: RatingSet;
	byEvaluator?: { gold: ReadonlyMap<string, Record<string, unknown>>; people: ReadonlyMap<string, Person> };
}

export function agreementReport(input: ReportInput): AgreementReport {
	const evaluations = input.evaluations ?? inMemory(input.rows ?? [], input.rubrics);
	const set =
		input.ratings ?? columnRatingSet(evaluations.columns, evaluations.scope, input.rubrics, input.filters.dimension);
	const report: AgreementReport = {
		filters: input.filters,
		totals: { ...scopeTotals(evaluations.columns, evaluations.scope), skipped: set.skipped },
		dimensions: set.dimensions.map((d) => dimensionView(d)),
		options: input.options
	};
	if (input.byEvaluator)
		report.evaluators = evaluatorViews(set, evaluations, input.byEvaluator.gold, input.byEvaluator.people);
	return report;
}

/** Rows in memory as columns, every one in scope. */
function inMemory(rows: readonly EvaluationFacts[], rubrics: readonly Rubric[]): EvaluationsInScope {
	const columns = columnsOf(rows, rubrics);
	return { columns, scope: wholeScope(columns) };
}
