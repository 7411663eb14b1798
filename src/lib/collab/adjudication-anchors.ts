// Where a comment in the adjudication room points: one evaluator's score on a dimension, or one of their spans.
// These are the room's comment anchors (room-doc's `score` / `span`) plus who and what they point at, and a
// stable `key` so comments can be counted per score cell or span.
import type { CommentAnchor as RoomAnchor } from './room-doc';
import type { Evaluation } from '../shared/evaluation';

interface Target {
	evaluationId: string;
	evaluator: string;
}
export type ScoreAnchor = Extract<RoomAnchor, { kind: 'score' }> & Target;
export type SpanAnchor = Extract<RoomAnchor, { kind: 'span' }> & Target & { quote: string; index: number };
export type CommentAnchor = ScoreAnchor | SpanAnchor;

type Who = Pick<Evaluation, 'id' | 'itemId' | 'evaluatorName' | 'evaluatorId'>;

export function scoreAnchor(e: Who, dimension: string): ScoreAnchor {
	return {
		kind: 'score',
		itemId: e.itemId,
		dimension,
		evaluationId: e.id,
		evaluator: e.evaluatorName ?? e.evaluatorId
	};
}

export function spanAnchor(e: Who & Pick<Evaluation, 'spans'>, index: number): SpanAnchor {
	const span = e.spans[index];
	const text = span?.kind === 'text' ? span : null;
	return {
		kind: 'span',
		itemId: e.itemId,
		field: span?.field ?? '',
		start: text?.start ?? 0,
		end: text?.end ?? 0,
		quote: text?.quote ?? '',
		index,
		evaluationId: e.id,
		evaluator: e.evaluatorName ?? e.evaluatorId
	};
}

/** The key comments are counted under; null for anchors that are not an evaluator's score or span. */
export function anchorKey(a: RoomAnchor | null): string | null {
	if (!a || !('evaluationId' in a) || typeof a.evaluationId !== 'string') return null;
	if (a.kind === 'score') return `score:${a.evaluationId}:${a.dimension}`;
	if (a.kind === 'span' && 'index' in a && typeof a.index === 'number') return `span:${a.evaluationId}:${a.index}`;
	return null;
}

/** Narrows a stored anchor to one of ours (comments written elsewhere may carry other shapes). */
export function asAdjudicationAnchor(a: RoomAnchor | null): CommentAnchor | null {
	return anchorKey(a) !== null && typeof (a as Partial<Target>).evaluator === 'string' ? (a as CommentAnchor) : null;
}
