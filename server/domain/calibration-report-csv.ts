// The calibration report as one long-format CSV (RFC 4180, formula-safe cells): one row per figure, with a
// `section` column saying what the row is (agreement, agreement_before, alpha, deviation, contested, time_*).
import type { CalibrationReport } from '#shared/calibration';
import { csvRow, type CsvValue } from './csv';

const HEADER = ['section', 'round', 'dimension', 'participant', 'item', 'value', 'ratings', 'items'];

const round4 = (v: number | null | undefined) =>
	v === null || v === undefined ? null : Math.round(v * 10_000) / 10_000;

export function reportCsv(report: CalibrationReport): string {
	const rows: CsvValue[][] = [];
	for (const r of report.rounds) {
		for (const d of r.dimensions)
			rows.push(['agreement', r.round, d.key, null, null, round4(d.value), d.ratings, d.items ?? null]);
		rows.push(['agreement', r.round, 'overall', null, null, round4(r.overall), null, r.items]);
		for (const a of r.alpha) rows.push(['alpha', r.round, a.key, null, null, round4(a.value), null, null]);
		for (const d of r.before ?? [])
			rows.push(['agreement_before', r.round, d.key, null, null, round4(d.value), d.ratings, d.items ?? null]);
		rows.push(['time_round_ms', r.round, null, null, null, r.durationMs, null, null]);
	}
	for (const p of report.participants) {
		rows.push(['deviation', null, 'overall', p.name, null, round4(p.deviation), p.sheets, null]);
		for (const [key, value] of Object.entries(p.byDimension))
			rows.push(['deviation', null, key, p.name, null, round4(value), null, null]);
		rows.push(['time_participant_ms', null, null, p.name, null, p.timeSpentMs, p.sheets, null]);
	}
	for (const c of report.contested)
		rows.push([
			'contested',
			null,
			c.lowest?.key ?? null,
			null,
			c.externalId ?? c.itemId,
			round4(c.lowest?.value),
			null,
			null
		]);
	rows.push(['time_total_ms', null, null, null, null, report.time.totalMs, null, null]);
	return csvRow(HEADER) + rows.map(csvRow).join('');
}
