// Span geometry over raw text, independent of any rendering. A text span's `start`/`end` are UTF-16 offsets into
// the raw source string of one payload field (the same indices as String.prototype.slice), and `quote` repeats
// the covered text so a span can be checked and re-anchored. These functions split text into highlight segments,
// find where a quote sits (used when a selection is made on formatted markdown, whose text differs from the
// source), and list the annotatable fields of each modality.
import type { Item, PayloadOf } from '$lib/shared/items';
import type { Span } from '$lib/shared/evaluation';

export type TextSpan = Extract<Span, { kind: 'text' }>;
export type BoxSpan = Extract<Span, { kind: 'box' }>;

export interface Segment {
	start: number;
	end: number;
	text: string;
	/** Indices (into the spans passed in) of every span covering this segment. */
	marks: number[];
}

/** Splits `text` at every span boundary; overlapping spans give segments carrying several marks. */
export function segmentText(text: string, spans: { start: number; end: number }[]): Segment[] {
	const cuts = new Set([0, text.length]);
	for (const s of spans) {
		if (s.end <= s.start) continue;
		cuts.add(Math.max(0, Math.min(text.length, s.start)));
		cuts.add(Math.max(0, Math.min(text.length, s.end)));
	}
	const points = [...cuts].sort((a, b) => a - b);
	const out: Segment[] = [];
	for (let i = 0; i < points.length - 1; i++) {
		const [start, end] = [points[i], points[i + 1]];
		if (end <= start) continue;
		const marks = spans.flatMap((s, j) => (s.start <= start && s.end >= end && s.end > s.start ? [j] : []));
		out.push({ start, end, text: text.slice(start, end), marks });
	}
	return out;
}

/** Every index where `quote` occurs in `text`. */
function occurrences(text: string, quote: string): number[] {
	const out: number[] = [];
	if (!quote) return out;
	for (let at = text.indexOf(quote); at >= 0; at = text.indexOf(quote, at + 1)) out.push(at);
	return out;
}

/** Collapses runs of whitespace so a quote copied from formatted text still matches its source. */
function looseIndex(text: string, quote: string): { start: number; end: number }[] {
	const words = quote
		.trim()
		.split(/\s+/)
		.filter(Boolean)
		.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	if (!words.length) return [];
	const re = new RegExp(words.join('[\\s*_`>#-]+'), 'g');
	return [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/**
 * Where a quote sits in the raw text. With several matches, the one nearest `near` (a 0–1 position, e.g. where the
 * selection was in the formatted text) wins. Exact matches come first; otherwise markdown markup and whitespace
 * between the quote's words are tolerated. Null when the quote is not in the text.
 */
export function locateQuote(text: string, quote: string, near = 0): { start: number; end: number } | null {
	const q = quote.trim();
	if (!q) return null;
	const exact = occurrences(text, q).map((start) => ({ start, end: start + q.length }));
	const found = exact.length ? exact : looseIndex(text, q);
	if (!found.length) return null;
	const target = near * text.length;
	return found.reduce((best, m) => (Math.abs(m.start - target) < Math.abs(best.start - target) ? m : best));
}

/** A span still matching its text, or re-anchored by its quote when the offsets drifted; null when lost. */
export function anchorSpan(text: string, span: TextSpan): TextSpan | null {
	if (
		span.end <= text.length &&
		span.start < span.end &&
		(!span.quote || text.slice(span.start, span.end) === span.quote)
	)
		return span;
	if (!span.quote) return null;
	const at = locateQuote(text, span.quote, text.length ? span.start / text.length : 0);
	return at ? { ...span, ...at } : null;
}

/** Trims whitespace at both ends of a range so a sloppy selection does not carry spaces. */
export function trimRange(text: string, start: number, end: number): { start: number; end: number } {
	while (start < end && /\s/.test(text[start])) start++;
	while (end > start && /\s/.test(text[end - 1])) end--;
	return { start, end };
}

export interface TextField {
	/** Path into the payload, e.g. `response`, `responses.0.text`, `turns.3.content`. */
	field: string;
	text: string;
}

/** The value at a dotted path of a payload (numbers index arrays), when it is a string. */
export function fieldText(payload: unknown, path: string): string | null {
	let at: unknown = payload;
	for (const part of path.split('.')) {
		if (at === null || typeof at !== 'object') return null;
		at = (at as Record<string, unknown>)[part];
	}
	return typeof at === 'string' ? at : null;
}

/** The model-output text fields an evaluator may highlight in, per modality. */
export function annotatableFields(item: Pick<Item, 'modality' | 'payload'>): TextField[] {
	const one = (field: string) => {
		const text = fieldText(item.payload, field);
		return text === null ? [] : [{ field, text }];
	};
	switch (item.modality) {
		case 'text':
		case 'multimodal':
			return one('response');
		case 'chat':
			return ((item.payload as Partial<PayloadOf<'chat'>>).turns ?? []).flatMap((t, i) =>
				t.role === 'assistant' ? one(`turns.${i}.content`) : []
			);
		case 'caption':
			return one('caption');
		case 'video':
			return one('description');
		case 'pairwise':
			return ((item.payload as Partial<PayloadOf<'pairwise'>>).responses ?? []).flatMap((_, i) =>
				one(`responses.${i}.text`)
			);
		case 'image_edit':
			return [];
	}
}

/** The image fields an evaluator may draw boxes on. */
export function boxFields(item: Pick<Item, 'modality' | 'payload'>): string[] {
	switch (item.modality) {
		case 'caption':
			return ['image'];
		case 'image_edit':
			return ['original', 'edited'];
		case 'multimodal':
			return ((item.payload as Partial<PayloadOf<'multimodal'>>).prompt ?? []).flatMap((part, i) =>
				part.kind === 'image' ? [`prompt.${i}.media`] : []
			);
		default:
			return [];
	}
}

/** Clamps a box drawn between two points (0–1 coordinates, any corner order) to the image. */
export function boxFromPoints(
	x1: number,
	y1: number,
	x2: number,
	y2: number
): { x: number; y: number; w: number; h: number } {
	const c = (v: number) => Math.max(0, Math.min(1, v));
	const [ax, bx] = [c(Math.min(x1, x2)), c(Math.max(x1, x2))];
	const [ay, by] = [c(Math.min(y1, y2)), c(Math.max(y1, y2))];
	return { x: ax, y: ay, w: bx - ax, h: by - ay };
}
