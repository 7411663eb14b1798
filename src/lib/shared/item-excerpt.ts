// A one-line plain-text summary of an item, for lists. Never markup: model output is untrusted.
import type { Item } from './items';

export function itemExcerpt(item: Pick<Item, 'modality' | 'payload'>, max = 140): string {
	const p = item.payload as Record<string, any>;
	let text = '';
	switch (item.modality) {
		case 'text':
		case 'pairwise':
			text = p.prompt;
			break;
		case 'chat':
			text = p.turns?.find((t: { role: string }) => t.role === 'user')?.content ?? '';
			break;
		case 'caption':
			text = p.caption;
			break;
		case 'image_edit':
			text = p.instruction;
			break;
		case 'video':
			text = p.description;
			break;
		case 'multimodal':
			text = p.prompt?.find((x: { kind: string }) => x.kind === 'text')?.text ?? p.response;
			break;
	}
	const flat = String(text ?? '')
		.replace(/\s+/g, ' ')
		.trim();
	return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
