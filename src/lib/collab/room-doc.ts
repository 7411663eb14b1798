// Typed accessors for the shared documents of collaboration rooms (top-level keys in ROOM_KEYS). Plain TS, used
// by the browser and by the server (which mirrors decisions into `state`). Comments are Y.Maps in `discussion`;
// their replies are a Y.Array of plain objects and reactions a flat Y.Map keyed "emoji|userId" (so two people
// reacting at once never overwrite each other). Readers validate shapes, so a malformed entry is skipped rather
// than breaking the page.
import * as Y from 'yjs';
import { ROOM_KEYS } from '../shared/rooms';

export type CommentAnchor =
	| { kind: 'span'; itemId?: string; field: string; start: number; end: number }
	| { kind: 'score'; itemId?: string; dimension: string }
	| { kind: 'item'; itemId: string };

export interface Reply {
	id: string;
	author: string;
	authorName: string;
	text: string;
	createdAt: number;
}

export interface Comment extends Reply {
	anchor: CommentAnchor | null;
	replies: Reply[];
	/** emoji → ids of the people who reacted with it. */
	reactions: Record<string, string[]>;
}

export interface Author {
	id: string;
	name: string;
}

export const discussionOf = (doc: Y.Doc) => doc.getArray<Y.Map<unknown>>(ROOM_KEYS.discussion);
export const annotationsOf = (doc: Y.Doc) => doc.getMap<unknown>(ROOM_KEYS.annotations);
/** Written by the server only; clients that write it are disconnected. */
export const stateOf = (doc: Y.Doc) => doc.getMap<unknown>(ROOM_KEYS.state);

/** A random id that works in insecure contexts too (crypto.randomUUID needs https). */
function newCollabId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const str = (v: unknown): v is string => typeof v === 'string';
// `instanceof Y.Map` narrows to Y.Map<any>; these keep what is read from a room document `unknown` until checked.
const isYMap = (v: unknown): v is Y.Map<unknown> => v instanceof Y.Map;
const isYArray = (v: unknown): v is Y.Array<unknown> => v instanceof Y.Array;

function toReply(v: unknown): Reply | null {
	if (typeof v !== 'object' || v === null) return null;
	const r = v as Record<string, unknown>;
	if (!str(r.id) || !str(r.author) || !str(r.text) || typeof r.createdAt !== 'number') return null;
	return {
		id: r.id,
		author: r.author,
		authorName: str(r.authorName) ? r.authorName : '',
		text: r.text,
		createdAt: r.createdAt
	};
}

function toComment(m: unknown): Comment | null {
	if (!isYMap(m)) return null;
	const base = toReply({
		id: m.get('id'),
		author: m.get('author'),
		authorName: m.get('authorName'),
		text: m.get('text'),
		createdAt: m.get('createdAt')
	});
	if (!base) return null;
	const repliesType = m.get('replies');
	const replies = isYArray(repliesType)
		? repliesType
				.toArray()
				.map(toReply)
				.filter((r): r is Reply => r !== null)
		: [];
	const reactions: Record<string, string[]> = {};
	const reactionsType = m.get('reactions');
	if (isYMap(reactionsType)) {
		for (const key of reactionsType.keys()) {
			const cut = key.lastIndexOf('|');
			if (cut <= 0) continue;
			(reactions[key.slice(0, cut)] ??= []).push(key.slice(cut + 1));
		}
		// Y.Map iteration follows local insertion order; sort so every client shows the same thing.
		for (const ids of Object.values(reactions)) ids.sort();
	}
	const anchor = m.get('anchor');
	return {
		...base,
		anchor: typeof anchor === 'object' && anchor !== null ? (anchor as CommentAnchor) : null,
		replies,
		reactions
	};
}

/** A plain snapshot of the discussion, oldest first. */
export function readDiscussion(doc: Y.Doc): Comment[] {
	return discussionOf(doc)
		.toArray()
		.map(toComment)
		.filter((c): c is Comment => c !== null);
}

export function addComment(
	doc: Y.Doc,
	author: Author,
	text: string,
	anchor: CommentAnchor | null = null,
	now = Date.now()
): string {
	const id = newCollabId();
	const comment = new Y.Map<unknown>();
	doc.transact(() => {
		discussionOf(doc).push([comment]);
		comment.set('id', id);
		comment.set('author', author.id);
		comment.set('authorName', author.name);
		comment.set('text', text);
		comment.set('createdAt', now);
		comment.set('anchor', anchor);
		comment.set('replies', new Y.Array<Reply>());
		comment.set('reactions', new Y.Map<boolean>());
	});
	return id;
}

function findComment(doc: Y.Doc, commentId: string): Y.Map<unknown> | undefined {
	return discussionOf(doc)
		.toArray()
		.find((m) => m instanceof Y.Map && m.get('id') === commentId);
}

/** Adds a reply; false when the comment does not exist (any more). */
export function addReply(doc: Y.Doc, commentId: string, author: Author, text: string, now = Date.now()): boolean {
	const replies = findComment(doc, commentId)?.get('replies');
	if (!(replies instanceof Y.Array)) return false;
	replies.push([
		{ id: newCollabId(), author: author.id, authorName: author.name, text, createdAt: now } satisfies Reply
	]);
	return true;
}

export function toggleReaction(doc: Y.Doc, commentId: string, emoji: string, userId: string): boolean {
	const reactions = findComment(doc, commentId)?.get('reactions');
	if (!(reactions instanceof Y.Map)) return false;
	const key = `${emoji}|${userId}`;
	if (reactions.has(key)) reactions.delete(key);
	else reactions.set(key, true);
	return true;
}

/**
 * The name readers show for a comment or reply: the current name a member list gives for its author id (robust
 * against renames), else the name stored with it (which the server checked against the writer when it was written).
 */
export const displayName = (entry: Pick<Reply, 'author' | 'authorName'>, names?: ReadonlyMap<string, string>): string =>
	names?.get(entry.author) ?? entry.authorName;

/** Who may delete a comment: its author, or a moderator (a lead); the server holds to the same rule. */
export const mayDeleteComment = (c: Pick<Comment, 'author'>, me: string | null, moderator: boolean): boolean =>
	moderator || c.author === me;

/** Removes a comment; the server accepts this from its author or a moderator only (server/collab/authorship.ts). */
export function deleteComment(doc: Y.Doc, commentId: string): boolean {
	const list = discussionOf(doc);
	const index = list.toArray().findIndex((m) => m instanceof Y.Map && m.get('id') === commentId);
	if (index < 0) return false;
	list.delete(index, 1);
	return true;
}

export const readState = (doc: Y.Doc): Record<string, unknown> => stateOf(doc).toJSON();
export const readAnnotations = (doc: Y.Doc): Record<string, unknown> => annotationsOf(doc).toJSON();
