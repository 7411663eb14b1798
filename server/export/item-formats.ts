// Item exports: `items` (JSONL in exactly the import schema, so a project's items re-import elsewhere unchanged),
// `gold` (gold/consensus answers per item), and `labelstudio` (a JSON array of Label Studio tasks with their
// annotations; Concord re-imports it with ?format=labelstudio).
import type { RubricDimension } from '#shared/rubric';
import type { ScoreValue, Scores, Span } from '#shared/evaluation';
import { evaluationsByItem, iterateGold, iterateItems, type EvaluationRow, type ItemRow } from '../db/export-queries';
import { iso, json, line, type ExportContext } from './context';

export function itemRecord(r: ItemRow) {
	const gold = json<Record<string, unknown>>(r.gold);
	return {
		externalId: r.external_id,
		modality: r.modality,
		payload: json<unknown>(r.payload),
		language: r.language,
		metadata: json<Record<string, unknown>>(r.metadata) ?? {},
		...(gold ? { gold } : {})
	};
}

export async function* itemsJsonl(ctx: ExportContext): AsyncGenerator<string> {
	for await (const r of iterateItems(ctx.snap, ctx.projectId)) yield line(itemRecord(r));
}

export async function* goldJsonl(ctx: ExportContext): AsyncGenerator<string> {
	for await (const r of iterateGold(ctx.snap, ctx.projectId)) {
		const consensus =
			r.consensus_calibration_id === null
				? null
				: {
						calibrationId: r.consensus_calibration_id,
						note: r.consensus_note,
						decidedBy: r.consensus_decided_by,
						decidedAt: iso(r.consensus_decided_at)
					};
		yield line({
			itemId: r.id,
			externalId: r.external_id,
			modality: r.modality,
			language: r.language,
			gold: json<Record<string, unknown>>(r.gold),
			consensus
		});
	}
}

type LsResult = { from_name: string; to_name: string; type: string; value: Record<string, unknown> };

function scoreResult(dim: Pick<RubricDimension, 'key' | 'scale'>, value: ScoreValue | undefined): LsResult | null {
	if (value === null || value === undefined || value === '') return null;
	const base = { from_name: dim.key, to_name: 'item' };
	if (dim.scale === 'likert' && typeof value === 'number') return { ...base, type: 'rating', value: { rating: value } };
	if (dim.scale === 'text') return { ...base, type: 'textarea', value: { text: [String(value)] } };
	if (dim.scale === 'binary')
		return { ...base, type: 'choices', value: { choices: [value === true || value === 1 ? 'yes' : 'no'] } };
	return { ...base, type: 'choices', value: { choices: [String(value)] } };
}

function spanResult(span: Span): LsResult {
	if (span.kind === 'text') {
		return {
			from_name: 'spans',
			to_name: span.field,
			type: 'labels',
			value: { start: span.start, end: span.end, text: span.quote ?? '', labels: [span.label] }
		};
	}
	const pct = (n: number) => Math.round(n * 1e6) / 1e4;
	return {
		from_name: 'boxes',
		to_name: span.field,
		type: 'rectanglelabels',
		value: {
			x: pct(span.x),
			y: pct(span.y),
			width: pct(span.w),
			height: pct(span.h),
			rotation: 0,
			rectanglelabels: [span.label]
		}
	};
}

function annotation(ctx: ExportContext, e: EvaluationRow, id: number) {
	// Stored scores passed scoresSchema when the evaluation was saved.
	const scores = json<Scores>(e.scores) ?? {};
	const rubric = ctx.rubricById.get(e.rubric_id);
	const dims: Pick<RubricDimension, 'key' | 'scale'>[] = rubric
		? rubric.definition.dimensions
		: Object.keys(scores).map((key) => ({ key, scale: 'categorical' as const }));
	const result: LsResult[] = [];
	for (const d of dims) {
		const r = scoreResult(d, scores[d.key]);
		if (r) result.push(r);
	}
	const flags = json<string[]>(e.flags) ?? [];
	if (flags.length) result.push({ from_name: 'flags', to_name: 'item', type: 'choices', value: { choices: flags } });
	if (e.rationale)
		result.push({ from_name: 'rationale', to_name: 'item', type: 'textarea', value: { text: [e.rationale] } });
	for (const span of json<Span[]>(e.spans) ?? []) result.push(spanResult(span));
	return {
		id,
		completed_by: { id: e.evaluator_id, name: e.evaluator_name },
		result,
		was_cancelled: false,
		ground_truth: false,
		created_at: iso(e.created_at),
		updated_at: iso(e.updated_at),
		lead_time: e.time_spent_ms / 1000,
		meta: {
			concordEvaluationId: e.id,
			rubricId: e.rubric_id,
			rubricVersion: e.rubric_version,
			guidelineVersionId: e.guideline_version_id,
			state: e.state
		}
	};
}

/** Top-level fields Label Studio templates usually bind to, next to Concord's own modality + payload. */
function convenienceFields(payload: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const key of ['prompt', 'response', 'caption', 'instruction', 'description', 'turns', 'responses'] as const) {
		if (typeof payload[key] === 'string' || Array.isArray(payload[key])) out[key] = payload[key];
	}
	return out;
}

export async function* labelStudioJson(ctx: ExportContext): AsyncGenerator<string> {
	const evaluations = evaluationsByItem(ctx.snap, ctx.projectId, ctx.filters);
	try {
		let task = 0;
		let annotationId = 0;
		yield '[';
		for await (const r of iterateItems(ctx.snap, ctx.projectId)) {
			const item = itemRecord(r);
			const payload = (item.payload ?? {}) as Record<string, unknown>;
			const data = { ...convenienceFields(payload), ...item, itemId: r.id };
			const annotations = (await evaluations.of(r)).map((e) => annotation(ctx, e, ++annotationId));
			yield (task++ ? ',\n' : '\n') + JSON.stringify({ id: task, data, annotations });
		}
		yield task ? '\n]\n' : ']\n';
	} finally {
		await evaluations.close();
	}
}
