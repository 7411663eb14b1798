// A one-line plain-text summary of an item, for lists. Never markup: model output is untrusted.
import type { Item, Modality, PayloadOf } from './items';

/** A stored payload read as its modality's shape (validated at import); fields may still be missing. */
const payloadAs = <M extends Modality>(payload: unknown, _modality: M) => payload as Partial<PayloadOf<M>>;

/** The payload text that best says what the item is about. */
function excerptSource({ modality, payload }: Pick<Item, 'modality' | 'payload'>): unknown {
	switch (modality) {
		case 'text':
		case 'pairwise':
			return payloadAs(payload, modality).prompt;
		case 'chat':
			return payloadAs(payload, modality).turns?.find((t) => t.role === 'user')?.content;
		case 'caption':
			return payloadAs(payload, modality).caption;
		case 'image_edit':
			return payloadAs(payload, modality).instruction;
		case 'video':
			return payloadAs(payload, modality).description;
		case 'multimodal': {
			const p = payloadAs(payload, modality);
			return p.prompt?.find((part) => part.kind === 'text')?.text ?? p.response;
		}
	}
}

export function itemExcerpt(item: Pick<Item, 'modality' | 'payload'>, max = 140): string {
	const text = excerptSource(item);
	const flat = (typeof text === 'string' ? text : '').replace(/\s+/g, ' ').trim();
	return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
