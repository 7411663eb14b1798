// Shared between ItemView and the renderers below it: the spans to show, the labels an evaluator may use, the
// display mode of annotatable text, and a way to ask for a label for a new span. Colours come from a fixed
// palette (CSS variables --span-0 … --span-7, light and dark) so rubric data never becomes CSS.
import { getContext, setContext } from 'svelte';
import type { Span } from '$lib/shared/evaluation';

export interface SpanLabel {
	key: string;
	label: string;
	color?: string;
}

export interface Highlight {
	span: Span;
	color: string;
	who: string;
}

/** A span waiting for its label: everything but the label, plus where to show the picker. */
export type PendingSpan = (
	Omit<Extract<Span, { kind: 'text' }>, 'label'> | Omit<Extract<Span, { kind: 'box' }>, 'label'>
) & {
	/** Where to show the label menu: below `y` (the selection's bottom) or above `top`. */
	anchor: { x: number; y: number; top?: number };
};

export interface AnnotationContext {
	readonly spans: Span[];
	readonly labels: SpanLabel[];
	readonly highlights: Highlight[];
	/** Annotatable text shows formatted markdown or its raw source (where offsets map one to one). */
	readonly mode: 'formatted' | 'source';
	/** Whether the viewer may add spans. */
	readonly canAnnotate: boolean;
	requestLabel(pending: PendingSpan): void;
	/** Tells the viewer that a selection could not be placed in the source. */
	notPlaced(): void;
	/** Annotatable fields register how to offer the current selection (for the highlight key); returns unregister. */
	registerField(capture: () => boolean): () => void;
}

const KEY = Symbol('item-annotation');

export const setAnnotationContext = (ctx: AnnotationContext) => setContext(KEY, ctx);
export const annotationContext = () => getContext<AnnotationContext>(KEY);

const NAMED = ['red', 'amber', 'violet', 'blue', 'green', 'pink', 'teal', 'orange'];
/** Hue (degrees) of each palette slot, to match a rubric's own colour to the nearest slot. */
const HUES = [2, 40, 262, 214, 150, 328, 184, 22];

function hueOf(hex: string): number | null {
	const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
	if (!m) return null;
	const [r, g, b] = [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16) / 255);
	const max = Math.max(r, g, b);
	const d = max - Math.min(r, g, b);
	if (d === 0) return null;
	const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
	return (h * 60 + 360) % 360;
}

const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

/**
 * Palette slot (0–7) for a label. Labels keep the colour the rubric gave them (a palette name, or a hex colour
 * matched to the nearest slot by hue) unless an earlier label already took that slot; then the nearest free one.
 */
export function paletteIndex(labels: SpanLabel[], key: string): number {
	const taken: number[] = [];
	for (const l of labels) {
		const named = NAMED.indexOf((l.color ?? '').toLowerCase());
		const hue = named >= 0 ? HUES[named] : hueOf(l.color ?? '');
		const order = HUES.map((_, i) => i)
			.filter((i) => !taken.includes(i))
			.sort((a, b) => (hue === null ? a - b : hueDistance(HUES[a], hue) - hueDistance(HUES[b], hue)));
		const slot = order[0] ?? taken.length % HUES.length;
		if (l.key === key) return slot;
		taken.push(slot);
	}
	return labels.length % HUES.length;
}

export function labelText(labels: SpanLabel[], key: string): string {
	return labels.find((l) => l.key === key)?.label ?? key;
}
