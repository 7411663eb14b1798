// The messages sent to a judge for one item. A prompt template is text with three placeholders, each replaced
// once wherever it appears:
//   {{rubric}}     the rubric for the item's modality: every dimension with its key, label, description, scale,
//                  measurement level, range or allowed values with their anchor labels, whether it is required, and
//                  gates (answers that end the evaluation); then the flags the judge may raise
//   {{guideline}}  the current published guideline version's Markdown (cut at MAX_GUIDELINE_CHARS), or a line
//                  saying the project has none
//   {{item}}       the item rendered for its modality (judge-item.ts)
// The default template (DEFAULT_TEMPLATE, version DEFAULT_TEMPLATE_VERSION) is used when a judge has none. The
// messages are a fixed system message and one user message: the filled template as a text part, then the item's
// images and videos in the item's order: each image as an `image_url` part (a data: URL) preceded by a text part
// naming it; each video as a text part naming it and saying how many frames follow over what duration, then each
// frame as a text part ("Video 1 — Frame 3 of 8, at 0:12") and an `image_url` part, in time order; or, for either, a
// note that it was not sent and why.
// promptHash() names what defines the prompt (template, model, temperature): a change makes a new prompt, whose
// items are judged again. itemPromptHash() adds, for an item that shows a video, what this server sends for video
// (frames, how many, how large): installing ffmpeg or changing the frame count judges the video items again, and
// only them; without frames an item keeps the prompt's own hash, as before frames existed (it is seen the same).
import { createHash } from 'node:crypto';
import type { Modality } from '#shared/items';
import { dimensionsFor, type RubricDefinition, type RubricDimension } from '#shared/rubric';
import { renderItem, showsVideo, type MediaMention } from './judge-item';
import { formatTimestamp, frameLabel, type VideoSight } from './video-frames';

const DEFAULT_TEMPLATE_VERSION = 1;
const MAX_GUIDELINE_CHARS = 16_000;

const SYSTEM_MESSAGE =
	'You are a careful evaluator of AI-generated content. Score the item strictly by the rubric and the guideline. ' +
	'Answer only with JSON that fits the given schema.';

const DEFAULT_TEMPLATE = `Evaluate the item below against the rubric, following the team's guideline.

## Rubric
{{rubric}}

## Guideline
{{guideline}}

## Item
{{item}}

Give every dimension a score from its allowed values (null only where the rubric says a score may be left out), raise
the flags that apply, and write a short, specific rationale.`;

export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
export type ChatMessage = { role: 'system'; content: string } | { role: 'user'; content: ContentPart[] };

/**
 * An image ready to send (a data: URL), a video's frames (data: URLs with their instants, in time order, and the
 * video's duration in seconds), or why it is not sent (too large, missing, no ffmpeg, unreadable).
 */
export type MediaPart =
	{ url: string } | { frames: { url: string; at: number }[]; duration: number } | { skipped: string };

export interface PromptInput {
	rubric: RubricDefinition;
	modality: Modality;
	payload: unknown;
	language: string;
	guideline: { number: number; markdown: string } | null;
	/** The judge's own template, or null for the default. */
	template: string | null;
	/** The resolved images of the item, by /media/<sha256> path. */
	media: ReadonlyMap<string, MediaPart>;
}

function scaleText(d: RubricDimension): string {
	const anchors = (d.options ?? []).map(
		(o) => `${JSON.stringify(o.value)} = ${o.label}${o.description ? ` (${o.description})` : ''}`
	);
	switch (d.scale) {
		case 'likert':
			return `whole number from ${d.min ?? 1} to ${d.max ?? 5}${anchors.length ? `; anchors: ${anchors.join('; ')}` : ''}`;
		case 'binary':
			return 'true (yes) or false (no)';
		case 'categorical':
		case 'pairwise':
			return `one of: ${anchors.join('; ')}`;
		case 'text':
			return 'free text';
	}
}

function rubricText(rubric: RubricDefinition, modality: string): string {
	const lines = dimensionsFor(rubric, modality).map((d) => {
		const head = `- ${d.key} — ${d.label} [${d.scale}, ${d.level}${d.required ? ', required' : ', may be null'}]`;
		const gate = d.gate
			? `\n  Gate: answering ${d.gate.stopValues.map((v) => JSON.stringify(v)).join(' or ')} ends the evaluation; the other dimensions are then null.`
			: '';
		return `${head}${d.description ? `\n  ${d.description}` : ''}\n  Value: ${scaleText(d)}${gate}`;
	});
	const flags = rubric.flags.length
		? rubric.flags.map((f) => `- ${f.key} — ${f.label}`).join('\n')
		: '(none: leave flags empty)';
	return `${lines.join('\n')}\n\nFlags you may raise:\n${flags}`;
}

function guidelineText(guideline: PromptInput['guideline']): string {
	if (!guideline) return 'The project has no published guideline; rely on the rubric.';
	const md = guideline.markdown;
	const body =
		md.length > MAX_GUIDELINE_CHARS
			? `${md.slice(0, MAX_GUIDELINE_CHARS)}\n[… the guideline is cut here: ${md.length - MAX_GUIDELINE_CHARS} more characters not sent]`
			: md;
	return `(version ${guideline.number})\n${body}`;
}

function mediaParts(mentions: MediaMention[], media: PromptInput['media']): ContentPart[] {
	return mentions.flatMap((m): ContentPart[] => {
		const part = media.get(m.src) ?? { skipped: 'not found in the media store' };
		const name = `${m.kind === 'image' ? 'Image' : 'Video'} ${m.n}: ${m.role}`;
		if ('skipped' in part) return [{ type: 'text', text: `${name} — not sent (${part.skipped}); judge without it.` }];
		if ('url' in part)
			return [
				{ type: 'text', text: name },
				{ type: 'image_url', image_url: { url: part.url } }
			];
		const { frames, duration } = part;
		const over = formatTimestamp(duration, duration < 60);
		return [
			{ type: 'text', text: `${name} — sent as ${frames.length} still frames evenly spaced over its ${over}:` },
			...frames.flatMap((f, i): ContentPart[] => [
				{ type: 'text', text: `Video ${m.n} — ${frameLabel(i, frames.length, f.at, duration)}` },
				{ type: 'image_url', image_url: { url: f.url } }
			])
		];
	});
}

/** The chat messages for one item. */
export function renderPrompt(input: PromptInput): ChatMessage[] {
	const item = renderItem(input.modality, input.payload);
	const itemText = `Modality: ${input.modality}; language: ${input.language}\n\n${item.text}`;
	const values: Record<string, string> = {
		rubric: rubricText(input.rubric, input.modality),
		guideline: guidelineText(input.guideline),
		item: itemText
	};
	// One pass, so text inside the item that looks like a placeholder is never expanded.
	const fill = (_: string, key: string) => values[key];
	const filled = (input.template ?? DEFAULT_TEMPLATE).replace(/\{\{(rubric|guideline|item)\}\}/g, fill);
	return [
		{ role: 'system', content: SYSTEM_MESSAGE },
		{ role: 'user', content: [{ type: 'text', text: filled }, ...mediaParts(item.media, input.media)] }
	];
}

/** sha256 of what defines the prompt: the template (or the default's version), the model and the temperature. */
export function promptHash(template: string | null | undefined, model: string, temperature: number): string {
	const what = template ? `template:${template}` : `default:${DEFAULT_TEMPLATE_VERSION}`;
	return createHash('sha256')
		.update(JSON.stringify([what, model, temperature]))
		.digest('hex');
}

/**
 * The hash stamped on one item's judgement: the prompt's, and for an item that shows a video while this server
 * sends frames, also how many frames of what size (so those items are judged again when that changes).
 */
export function itemPromptHash(base: string, sight: VideoSight, modality: Modality, payload: unknown): string {
	if (!sight.sent || !showsVideo(modality, payload)) return base;
	return createHash('sha256')
		.update(JSON.stringify([base, 'video-frames', sight.framesPerVideo, sight.maxSide]))
		.digest('hex');
}
