// The conversation side of an adjudication room (`item:<itemId>`), on the shared CollabRoom binding: the
// discussion, live score proposals (`annotations.proposals`, one entry per person; conversation, not decisions)
// and presence; escalation views the server mirrors into `state` are handed to `onEscalation` as they change.
import { CollabRoom } from './room.svelte';
import { annotationsOf, stateOf, type Author } from '$lib/collab/room-doc';
import { roomName } from '$lib/shared/rooms';
import type { Scores } from '$lib/shared/evaluation';
import { PROPOSALS_KEY, type EscalationView, type ScoreProposal } from '$lib/shared/escalation';
import * as Y from 'yjs';
import { anchorKey, type CommentAnchor } from '$lib/collab/adjudication-anchors';

const ESCALATION_PREFIX = 'escalation:';

function readProposals(annotations: Record<string, unknown>): ScoreProposal[] {
	const raw = annotations[PROPOSALS_KEY];
	if (typeof raw !== 'object' || raw === null) return [];
	return Object.values(raw as Record<string, unknown>)
		.filter(
			(p): p is ScoreProposal =>
				typeof p === 'object' &&
				p !== null &&
				typeof (p as ScoreProposal).userId === 'string' &&
				typeof (p as ScoreProposal).scores === 'object'
		)
		.sort((a, b) => a.at - b.at);
}

export class AdjudicationRoomState {
	readonly room: CollabRoom;
	readonly proposals = $derived.by(() => readProposals(this.room.annotations));
	readonly commentCounts = $derived.by(() => {
		const out: Record<string, number> = {};
		for (const c of this.room.discussion) {
			const key = anchorKey(c.anchor);
			if (key) out[key] = (out[key] ?? 0) + 1 + c.replies.length;
		}
		return out;
	});
	readonly #unobserve: () => void;

	constructor(
		itemId: string,
		private readonly me: Author,
		onEscalation: (view: EscalationView) => void
	) {
		this.room = new CollabRoom(roomName('item', itemId), me);
		const state = stateOf(this.room.doc);
		const observer = (event: Y.YMapEvent<unknown>) => {
			for (const changed of event.keysChanged) {
				const key = String(changed);
				const view = state.get(key);
				if (key.startsWith(ESCALATION_PREFIX) && typeof view === 'object' && view !== null)
					onEscalation(view as EscalationView);
			}
		};
		state.observe(observer);
		this.#unobserve = () => state.unobserve(observer);
	}

	get discussion() {
		return this.room.discussion;
	}

	addComment(text: string, anchor: CommentAnchor | null): void {
		this.room.addComment(text, anchor);
	}

	reply(commentId: string, text: string): void {
		this.room.reply(commentId, text);
	}

	deleteComment(commentId: string): void {
		this.room.deleteComment(commentId);
	}

	/** Shares (or replaces) the caller's proposal. The server creates the proposals map with the escalation. */
	propose(scores: Scores, note: string): void {
		const annotations = annotationsOf(this.room.doc);
		this.room.doc.transact(() => {
			let map = annotations.get(PROPOSALS_KEY);
			if (!(map instanceof Y.Map)) {
				map = new Y.Map<unknown>();
				annotations.set(PROPOSALS_KEY, map);
			}
			(map as Y.Map<unknown>).set(this.me.id, {
				userId: this.me.id,
				name: this.me.name,
				scores,
				note,
				at: Date.now()
			} satisfies ScoreProposal);
		});
	}

	withdraw(): void {
		const map = annotationsOf(this.room.doc).get(PROPOSALS_KEY);
		if (map instanceof Y.Map) map.delete(this.me.id);
	}

	destroy(): void {
		this.#unobserve();
		this.room.destroy();
	}
}
