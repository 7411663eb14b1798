// A collaboration room as reactive state: connects a Y.Doc to `/collab/<room>` with y-websocket's provider and
// exposes `status`, `peers`, and plain snapshots of `discussion`, `state` and `annotations` that update on every
// change (observeDeep). The provider reconnects by itself and merges offline edits when it is back; a final
// refusal (4401 / 4403 / 4404 and the rest of 44xx) stops reconnecting and is surfaced in `error`.
// Always call destroy() when the page leaves the room.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { errorCodeForClose, isFinalClose } from '$lib/collab/close-codes';
import { colorFor, peersFrom, type Peer, type PresenceFocus, type PresenceState } from '$lib/collab/presence';
import {
	addComment,
	addReply,
	annotationsOf,
	deleteComment,
	discussionOf,
	readAnnotations,
	readDiscussion,
	readState,
	stateOf,
	toggleReaction,
	type Author,
	type Comment,
	type CommentAnchor
} from '$lib/collab/room-doc';
import type { ErrorCode } from '$lib/shared/errors';

export type RoomStatus = 'connecting' | 'connected' | 'disconnected';

export interface RoomError {
	/** The server's error code (translate with t(`collab.error.${code}`)), or null for an unknown close code. */
	code: ErrorCode | null;
	closeCode: number;
	/** The server's reason, in English; for logs and details. */
	reason: string;
}

export interface RoomOptions {
	/** Defaults to this origin's /collab over ws(s). */
	serverUrl?: string;
	/** For non-browser use (tests, scripts): a WebSocket implementation. */
	WebSocketPolyfill?: typeof WebSocket;
	params?: Record<string, string>;
	/** Tabs of one browser share edits directly over BroadcastChannel unless this is set (tests set it). */
	disableBc?: boolean;
}

export class CollabRoom {
	status = $state<RoomStatus>('connecting');
	synced = $state(false);
	error = $state<RoomError | null>(null);
	peers = $state.raw<Peer[]>([]);
	discussion = $state.raw<Comment[]>([]);
	state = $state.raw<Record<string, unknown>>({});
	annotations = $state.raw<Record<string, unknown>>({});

	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	readonly #author: Author;
	readonly #cleanup: (() => void)[] = [];

	constructor(
		readonly name: string,
		user: Author,
		options: RoomOptions = {}
	) {
		this.#author = { id: user.id, name: user.name };
		const serverUrl = options.serverUrl ?? `${location.origin.replace(/^http/, 'ws')}/collab`;
		this.provider = new WebsocketProvider(serverUrl, name, this.doc, {
			WebSocketPolyfill: options.WebSocketPolyfill,
			params: options.params,
			disableBc: options.disableBc,
			shouldReconnect: (event) => !isFinalClose(event.code)
		});
		this.provider.awareness.setLocalState({
			user: { ...this.#author, color: colorFor(user.id) }
		} satisfies PresenceState);

		const onStatus = ({ status }: { status: RoomStatus }) => (this.status = status);
		const onSync = (synced: boolean) => (this.synced = synced);
		const onClose = (event: CloseEvent | null) => {
			if (event && isFinalClose(event.code)) {
				this.error = { code: errorCodeForClose(event.code), closeCode: event.code, reason: event.reason };
				this.status = 'disconnected';
			}
		};
		const onPresence = () => (this.peers = peersFrom(this.provider.awareness.getStates(), this.doc.clientID));
		this.provider.on('status', onStatus);
		this.provider.on('sync', onSync);
		this.provider.on('connection-close', onClose);
		this.provider.awareness.on('change', onPresence);
		this.#cleanup.push(() => this.provider.awareness.off('change', onPresence));
		onPresence();

		this.#follow(discussionOf(this.doc), () => (this.discussion = readDiscussion(this.doc)));
		this.#follow(stateOf(this.doc), () => (this.state = readState(this.doc)));
		this.#follow(annotationsOf(this.doc), () => (this.annotations = readAnnotations(this.doc)));
	}

	#follow<E>(type: Y.AbstractType<E>, refresh: () => void): void {
		const observer = () => refresh();
		type.observeDeep(observer);
		this.#cleanup.push(() => type.unobserveDeep(observer));
		refresh();
	}

	/** What this person is looking at (an item, a span, a score cell), shown to others; null to clear. */
	setFocus(focus: PresenceFocus | null): void {
		this.provider.awareness.setLocalStateField('focus', focus ?? undefined);
	}

	addComment(text: string, anchor: CommentAnchor | null = null): string {
		return addComment(this.doc, this.#author, text, anchor);
	}

	reply(commentId: string, text: string): boolean {
		return addReply(this.doc, commentId, this.#author, text);
	}

	react(commentId: string, emoji: string): boolean {
		return toggleReaction(this.doc, commentId, emoji, this.#author.id);
	}

	deleteComment(commentId: string): boolean {
		return deleteComment(this.doc, commentId);
	}

	/** Tries again after a final refusal (e.g. after signing in again). */
	retry(): void {
		this.error = null;
		this.provider.connect();
	}

	destroy(): void {
		for (const undo of this.#cleanup.splice(0)) undo();
		this.provider.destroy();
		this.doc.destroy();
	}
}
