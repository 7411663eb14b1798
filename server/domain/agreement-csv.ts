// The agreement dashboard's tables as CSV (RFC 4180, formula-safe cells via ./csv): the same figures as the JSON,
// one row per figure, coefficients rounded to 4 decimals; an undefined coefficient is an empty cell with the
// engine's reason in `note`. Times are in milliseconds; dates are ISO 8601 (UTC).
import type {
	AgreementMatrix,
	AgreementReport,
	AgreementTimeline,
	DisagreementList,
	Figure,
	ThroughputReport
} from '#shared/agreement-report';
import { csvRow, type CsvValue } from './csv';

const r4 = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 10_000) / 10_000);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const note = (...figures: Figure[]) =>
	[...new Set(figures.map((f) => f.reason).filter((r): r is string => !!r))].join('; ');

function table(header: string[], rows: CsvValue[][]): string {
	return csvRow(header) + rows.map(csvRow).join('');
}

export function dimensionsCsv(report: AgreementReport): string {
	return table(
		[
			'dimension',
			'label',
			'scale',
			'level',
			'metric',
			'value',
			'band',
			'percent_agreement',
			'items',
			'raters',
			'ratings',
			'items_used',
			'note'
		],
		report.dimensions.map((d) => [
			d.key,
			d.label,
			d.scale,
			d.level,
			d.metric,
			r4(d.agreement.value),
			d.interpretation?.band ?? null,
			r4(d.percent.value),
			d.items,
			d.raters,
			d.ratings,
			d.itemsUsed,
			note(d.agreement, d.percent)
		])
	);
}

export function evaluatorsCsv(report: AgreementReport): string {
	const rows: CsvValue[][] = [];
	for (const e of report.evaluators ?? []) {
		rows.push([
			e.name,
			e.email,
			'all',
			e.evaluations,
			null,
			null,
			null,
			null,
			null,
			null,
			null,
			e.gold.scores,
			r4(e.gold.accuracy),
			null,
			null
		]);
		for (const d of e.dimensions) {
			const c = d.consensus;
			rows.push([
				e.name,
				e.email,
				d.key,
				d.ratings,
				d.items,
				r4(d.alpha),
				r4(d.percent),
				c.items,
				r4(c.matchRate),
				r4(c.meanDifference),
				r4(c.meanAbsDifference),
				d.gold?.items ?? 0,
				r4(d.gold?.percent),
				r4(d.gold?.meanDifference),
				r4(d.gold?.alpha.value)
			]);
		}
	}
	return table(
		[
			'evaluator',
			'email',
			'dimension',
			'ratings',
			'paired_items',
			'alpha_vs_others',
			'percent_vs_others',
			'consensus_items',
			'consensus_match',
			'mean_difference',
			'mean_abs_difference',
			'gold_scores',
			'gold_accuracy',
			'gold_mean_difference',
			'gold_alpha'
		],
		rows
	);
}

export function disagreementCsv(list: DisagreementList): string {
	return table(
		[
			'item_id',
			'external_id',
			'modality',
			'language',
			'evaluators',
			'disagreement',
			'worst_dimension',
			'worst_disagreement',
			'worst_values',
			'escalation_id',
			'excerpt'
		],
		list.items.map((i) => [
			i.itemId,
			i.externalId,
			i.modality,
			i.language,
			i.evaluators,
			r4(i.disagreement),
			i.worst.key,
			r4(i.worst.disagreement),
			i.worst.values.map((v) => `${v.name}: ${v.value}`).join('; '),
			i.escalation?.id ?? null,
			i.excerpt
		])
	);
}

export function matrixCsv(m: AgreementMatrix): string {
	const name = new Map(m.evaluators.map((e) => [e.id, e.name]));
	return table(
		['dimension', 'evaluator_a', 'evaluator_b', 'items', 'kappa', 'weights', 'percent_agreement', 'note'],
		m.cells.map((c) => [
			m.dimension?.key ?? null,
			name.get(c.a) ?? c.a,
			name.get(c.b) ?? c.b,
			c.items,
			r4(c.kappa.value),
			m.dimension?.weights ?? null,
			r4(c.percent.value),
			note(c.kappa, c.percent)
		])
	);
}

export function timelineCsv(t: AgreementTimeline): string {
	const rows: CsvValue[][] = [];
	for (const p of t.points)
		for (const d of p.dimensions)
			rows.push([iso(p.start), t.bucket, d.key, r4(d.agreement.value), d.items, note(d.agreement)]);
	return table(['bucket_start', 'bucket', 'dimension', 'value', 'items', 'note'], rows);
}

export function throughputCsv(t: ThroughputReport): string {
	const name = new Map(t.evaluators.map((e) => [e.id, e.name]));
	const rows: CsvValue[][] = [];
	for (const b of t.buckets) {
		rows.push(['bucket', iso(b.start), 'all', b.evaluations, b.medianTimeMs, null, null]);
		for (const [id, n] of Object.entries(b.byEvaluator))
			rows.push(['bucket', iso(b.start), name.get(id) ?? id, n, null, null, null]);
	}
	for (const e of t.evaluators)
		rows.push(['evaluator', null, e.name, e.evaluations, e.medianTimeMs, e.p90TimeMs, e.activeDays]);
	rows.push(['total', null, 'all', t.totals.evaluations, t.totals.medianTimeMs, null, null]);
	return table(['section', 'date', 'evaluator', 'evaluations', 'median_time_ms', 'p90_time_ms', 'active_days'], rows);
}
