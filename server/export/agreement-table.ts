// `agreement`: one CSV row per rubric dimension with the agreement among evaluators on the submitted evaluations
// in scope (date range, rubric version, guideline version), computed by the shared agreement engine:
// Krippendorff's alpha at the dimension's measurement level, plus Fleiss' kappa, percent agreement and Gwet's
// AC1 (nominal). A coefficient the data cannot define is left empty, with the engine's reason in `note`.
import { agreement, toTable, type AgreementResult, type Metric, type Rating } from '#shared/agreement/index';
import type { RubricDimension } from '#shared/rubric';
import { csvRow } from '../domain/csv';
import { iterateEvaluations } from '../db/export-queries';
import { json, type ExportContext } from './context';

const METRICS: { metric: Metric; column: string; levelled: boolean }[] = [
	{ metric: 'alpha', column: 'alpha', levelled: true },
	{ metric: 'fleiss', column: 'fleiss_kappa', levelled: false },
	{ metric: 'percent', column: 'percent_agreement', levelled: false },
	{ metric: 'ac1', column: 'gwet_ac1', levelled: false }
];

/** The dimensions in scope, newest definition first wins; free-text dimensions have no agreement. */
function dimensionsInScope(ctx: ExportContext): RubricDimension[] {
	const byKey = new Map<string, RubricDimension>();
	for (const rubric of [...ctx.rubrics].reverse()) {
		if (ctx.filters.rubricVersion !== undefined && rubric.version !== ctx.filters.rubricVersion) continue;
		for (const d of rubric.definition.dimensions) if (d.scale !== 'text' && !byKey.has(d.key)) byKey.set(d.key, d);
	}
	const order = ctx.rubrics.flatMap((r) => r.definition.dimensions.map((d) => d.key));
	return [...byKey.values()].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
}

/** Binary answers as 0/1 so yes/no, true/false and 1/0 count as the same value. */
function ratingValue(dim: RubricDimension, value: unknown): Rating['value'] {
	if (dim.scale === 'binary') return value === true || value === 1 ? 1 : value === false || value === 0 ? 0 : null;
	return typeof value === 'number' || typeof value === 'string' ? value : null;
}

const round = (n: number) => Math.round(n * 1e4) / 1e4;

export async function* agreementCsv(ctx: ExportContext): AsyncGenerator<string> {
	const dims = dimensionsInScope(ctx);
	const rows = new Map<string, Rating[]>(dims.map((d) => [d.key, []]));
	for await (const e of iterateEvaluations(ctx.snap, ctx.projectId, { ...ctx.filters, state: 'submitted' })) {
		const scores = json<Record<string, unknown>>(e.scores) ?? {};
		for (const d of dims) {
			const value = ratingValue(d, scores[d.key]);
			if (value !== null) rows.get(d.key)!.push({ item: e.item_id, rater: e.evaluator_id, value });
		}
	}
	yield csvRow([
		'dimension',
		'label',
		'scale',
		'level',
		...METRICS.map((m) => m.column),
		'items',
		'raters',
		'ratings',
		'items_used',
		'note'
	]);
	for (const d of dims) {
		const categories =
			(d.scale === 'categorical' || d.scale === 'pairwise') && d.options?.length
				? d.options.map((o) => o.value)
				: undefined;
		const table = toTable(rows.get(d.key)!, { categories });
		const results: AgreementResult[] = METRICS.map((m) =>
			agreement(table, { metric: m.metric, level: m.levelled ? d.level : 'nominal' })
		);
		const first = results[0];
		const reasons = [...new Set(results.flatMap((r) => (r.ok ? [] : [r.reason])))];
		yield csvRow([
			d.key,
			d.label,
			d.scale,
			d.level,
			...results.map((r) => (r.ok ? round(r.value) : null)),
			first.items,
			first.raters,
			first.ratings,
			first.itemsUsed,
			reasons.join('; ')
		]);
	}
}
