// Evaluation exports: JSONL (one evaluation per line, everything it holds), CSV long (one row per evaluation ×
// rubric dimension) and CSV wide (one row per evaluation, a column per dimension). Rows stream from the snapshot.
import { dimensionsFor } from '#shared/rubric';
import { webSources } from '#shared/evaluation';
import { csvRow, type CsvValue } from '../domain/csv';
import { iterateEvaluations, type EvaluationRow } from '../db/export-queries';
import { iso, json, line, type ExportContext } from './context';

type Scores = Record<string, CsvValue>;

function evaluationRecord(r: EvaluationRow) {
	return {
		id: r.id,
		itemId: r.item_id,
		itemExternalId: r.item_external_id,
		modality: r.modality,
		language: r.language,
		evaluator: { id: r.evaluator_id, name: r.evaluator_name },
		rubricId: r.rubric_id,
		rubricVersion: r.rubric_version,
		guidelineVersionId: r.guideline_version_id,
		guidelineVersion: r.guideline_version,
		state: r.state,
		scores: json<Scores>(r.scores) ?? {},
		flags: json<string[]>(r.flags) ?? [],
		tags: json<string[]>(r.tags) ?? [],
		spans: json<unknown[]>(r.spans) ?? [],
		rationale: r.rationale,
		sources: webSources(json<unknown[]>(r.sources)),
		timeSpentMs: r.time_spent_ms,
		createdAt: iso(r.created_at),
		updatedAt: iso(r.updated_at),
		submittedAt: iso(r.submitted_at)
	};
}

export async function* evaluationsJsonl(ctx: ExportContext): AsyncGenerator<string> {
	for await (const r of iterateEvaluations(ctx.snap, ctx.projectId, ctx.filters)) yield line(evaluationRecord(r));
}

const BASE_COLUMNS = [
	'evaluation_id',
	'item_id',
	'item_external_id',
	'modality',
	'language',
	'evaluator_id',
	'evaluator_name',
	'rubric_id',
	'rubric_version',
	'guideline_version_id',
	'guideline_version',
	'state'
];
const TAIL_COLUMNS = ['flags', 'tags', 'rationale', 'time_spent_ms', 'submitted_at'];

function baseCells(r: EvaluationRow): CsvValue[] {
	return [
		r.id,
		r.item_id,
		r.item_external_id,
		r.modality,
		r.language,
		r.evaluator_id,
		r.evaluator_name,
		r.rubric_id,
		r.rubric_version,
		r.guideline_version_id,
		r.guideline_version,
		r.state
	];
}

function tailCells(r: EvaluationRow): CsvValue[] {
	return [
		(json<string[]>(r.flags) ?? []).join(';'),
		(json<string[]>(r.tags) ?? []).join(';'),
		r.rationale,
		r.time_spent_ms,
		iso(r.submitted_at ?? r.updated_at)
	];
}

/** The dimension keys an evaluation answers: its rubric's dimensions for the item's modality. */
function dimensionKeys(ctx: ExportContext, r: EvaluationRow, scores: Scores): string[] {
	const rubric = ctx.rubricById.get(r.rubric_id);
	return rubric ? dimensionsFor(rubric.definition, r.modality).map((d) => d.key) : Object.keys(scores);
}

export async function* evaluationsCsvLong(ctx: ExportContext): AsyncGenerator<string> {
	yield csvRow([...BASE_COLUMNS, 'dimension', 'value', ...TAIL_COLUMNS]);
	for await (const r of iterateEvaluations(ctx.snap, ctx.projectId, ctx.filters)) {
		const scores = json<Scores>(r.scores) ?? {};
		const base = baseCells(r);
		const tail = tailCells(r);
		for (const key of dimensionKeys(ctx, r, scores)) yield csvRow([...base, key, scores[key] ?? null, ...tail]);
	}
}

/** Every dimension key of the rubrics in scope (all versions, or the filtered one), in rubric order. */
function wideKeys(ctx: ExportContext): string[] {
	const keys: string[] = [];
	for (const rubric of ctx.rubrics) {
		if (ctx.filters.rubricVersion !== undefined && rubric.version !== ctx.filters.rubricVersion) continue;
		for (const d of rubric.definition.dimensions) if (!keys.includes(d.key)) keys.push(d.key);
	}
	return keys;
}

export async function* evaluationsCsvWide(ctx: ExportContext): AsyncGenerator<string> {
	const keys = wideKeys(ctx);
	// A dimension is its own column, named by its key (prefixed only where it would clash with a fixed column).
	const taken = new Set([...BASE_COLUMNS, ...TAIL_COLUMNS]);
	yield csvRow([...BASE_COLUMNS, ...keys.map((k) => (taken.has(k) ? `score_${k}` : k)), ...TAIL_COLUMNS]);
	for await (const r of iterateEvaluations(ctx.snap, ctx.projectId, ctx.filters)) {
		const scores = json<Scores>(r.scores) ?? {};
		yield csvRow([...baseCells(r), ...keys.map((k) => scores[k] ?? null), ...tailCells(r)]);
	}
}
