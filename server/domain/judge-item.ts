// How an item is shown to a judge, per modality: its text (bounded) and the media it carries. Pure: the media are
// named by their /media/<sha256> paths and the caller resolves them (judges/media-parts.ts) before rendering.
//   text        the system prompt (if any), the user prompt and the response
//   chat        every turn, numbered with its role; the turn under review is marked (default: the last assistant turn)
//   caption     the image (sent as an image part), the prompt (if any) and the caption
//   image_edit  the original and the edited image (two image parts, in that order) and the edit instruction
//   video       the video (sent as still frames, judges/video-frames.ts, where the server can extract them; else
//               named as not sent, with why), the prompt (if any) and the description
//   multimodal  the prompt's parts in order: text inline, images as image parts, videos as frames, audio named as
//               not sent (chat-completions endpoints take images, not sound); then the response
//   pairwise    the prompt and each response lettered A, B, C… (with its id and label), in the item's order
import type { Modality } from '#shared/items';

/** The longest text of one field sent to a judge; longer ones are cut and the cut is said. */
const MAX_FIELD_CHARS = 30_000;

type Ref = { src: string; alt?: string };
type Part = { kind: 'text'; text: string } | { kind: 'image' | 'audio' | 'video'; media: Ref };

export interface MediaMention {
	/** /media/<sha256> */
	src: string;
	/** What the media is in the item ("original image", "part 2 of the prompt"). */
	role: string;
	alt?: string;
	kind: 'image' | 'video';
	/** Its number among the item's media of its kind: [Image n …], [Video n …]. */
	n: number;
}

export interface RenderedItem {
	/** The item as text; images and videos are referred to as [Image n: role] and [Video n: role]. */
	text: string;
	/** Images and videos to send (videos as frames), in the order they appear in the item. */
	media: MediaMention[];
}

/** Whether the item shows a video, so what a server sends for video changes what the judge sees of it. */
export const showsVideo = (modality: Modality, payload: unknown): boolean =>
	modality === 'video' ||
	(modality === 'multimodal' &&
		((payload as { prompt?: Part[] } | null)?.prompt ?? []).some((p) => p.kind === 'video'));

function cut(text: string, max = MAX_FIELD_CHARS): string {
	return text.length > max ? `${text.slice(0, max)}\n[… cut: ${text.length - max} more characters not sent]` : text;
}

export function renderItem(modality: Modality, payload: unknown): RenderedItem {
	const p = payload as Record<string, unknown>;
	const media: MediaMention[] = [];
	const mention = (kind: 'image' | 'video', ref: Ref, role: string) => {
		const n = media.filter((m) => m.kind === kind).length + 1;
		media.push({ src: ref.src, role, alt: ref.alt, kind, n });
		return `[${kind === 'image' ? 'Image' : 'Video'} ${n}: ${role}${ref.alt ? ` — “${ref.alt}”` : ''}]`;
	};
	const image = (ref: Ref, role: string) => mention('image', ref, role);
	const audio = (ref: Ref, role: string) =>
		`[Audio: ${role}${ref.alt ? ` — “${ref.alt}”` : ''}; not sent: the endpoint receives text and images only]`;
	const field = (label: string, value: unknown) =>
		typeof value === 'string' && value ? `### ${label}\n${cut(value)}` : null;
	const lines: (string | null)[] = [];
	switch (modality) {
		case 'text':
			lines.push(field('System prompt', p.system), field('User prompt', p.prompt), field('Response', p.response));
			break;
		case 'chat': {
			const turns = (p.turns as { role: string; content: string }[]) ?? [];
			const lastAssistant = turns.map((t) => t.role).lastIndexOf('assistant');
			const review = typeof p.reviewTurn === 'number' ? p.reviewTurn : lastAssistant;
			lines.push('### Transcript');
			turns.forEach((t, i) =>
				lines.push(`[${i + 1}] ${t.role}${i === review ? ' (THE TURN UNDER REVIEW)' : ''}:\n${cut(t.content)}`)
			);
			break;
		}
		case 'caption':
			lines.push(`### Image\n${image(p.image as Ref, 'the image')}`, field('Prompt', p.prompt));
			lines.push(field('Caption under review', p.caption));
			break;
		case 'image_edit':
			lines.push(`### Original image\n${image(p.original as Ref, 'original image, before the edit')}`);
			lines.push(field('Edit instruction', p.instruction));
			lines.push(`### Edited image\n${image(p.edited as Ref, 'edited image, the result under review')}`);
			break;
		case 'video':
			lines.push(`### Video\n${mention('video', p.video as Ref, 'the video')}`);
			lines.push(field('Prompt', p.prompt), field('Description under review', p.description));
			break;
		case 'multimodal': {
			const parts = (p.prompt as Part[]) ?? [];
			lines.push('### Prompt');
			parts.forEach((part, i) => {
				if (part.kind === 'text') lines.push(cut(part.text));
				else if (part.kind === 'image') lines.push(image(part.media, `part ${i + 1} of the prompt`));
				else if (part.kind === 'video') lines.push(mention('video', part.media, `part ${i + 1} of the prompt`));
				else lines.push(audio(part.media, `part ${i + 1} of the prompt`));
			});
			lines.push(field('Response under review', p.response));
			break;
		}
		case 'pairwise': {
			const responses = (p.responses as { id: string; label?: string; text: string }[]) ?? [];
			lines.push(field('Prompt', p.prompt));
			responses.forEach((r, i) => {
				const letter = String.fromCharCode(65 + i);
				lines.push(field(`Response ${letter} (id ${r.id}${r.label ? `, ${r.label}` : ''})`, r.text));
			});
			break;
		}
	}
	return { text: lines.filter((l): l is string => !!l).join('\n\n'), media };
}
