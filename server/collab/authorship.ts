// Who said what in a room's `discussion` is decided by the server, not claimed by the client. Comments are Y.Maps
// in the discussion list (see src/lib/collab/room-doc.ts); a connection may only:
// - create comments, replies (objects with `author`) and reactions ("emoji|userId" keys) in its own name, and
//   under its own display name: a comment's `authorName`, a reply's `authorName`, a highlight's or proposal's
//   `name` must be the name the server knows for the connection's user (readers show it; see also room-doc.ts
//   displayName, which prefers a member list's current name by id where one is at hand);
// - change or delete a comment it wrote (deleting a comment also deletes the replies and reactions inside it);
// - remove its own replies and reactions;
// - as a moderator (a lead: domain/permissions.ts), also delete other people's comments, never edit them.
// Entries that do not claim an author (anything the readers would not show as a comment) are left alone.
// In `annotations`, per-person entries are written by their owner only: live highlights ("span:<item>:<user>:<id>"
// keys) and score proposals (`annotations.proposals`, keyed by user id), both carrying a `userId`.
// Runs inside the write guard, on the update's structs before anything is applied; `Lookup` resolves the parent
// of a new struct against the live document plus the update (see write-guard.ts).
import * as Y from 'yjs';
import { ROOM_KEYS } from '#shared/rooms';
import { PROPOSALS_KEY } from '#shared/escalation';

type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/** Where a struct lives: a root key, a type already in the document, or a type created by this update. */
export type Container = { root: string } | { type: Y.AbstractType<unknown> } | { item: Y.Item } | null;

/** Who writes: the connection's user, their current display name, and whether they moderate the discussion. */
export interface Author {
	userId: string;
	name: string;
	moderator?: boolean;
}

export interface Lookup {
	/** The container of a struct of the update (null when it would become garbage). */
	containerOf(s: Y.Item): Container;
	/**
	 * The map key a struct of the update is written under. An overwrite of a key carries no key of its own (Yjs
	 * takes it from the item at its origin), so `parentSub` alone would let a second write of a key go unchecked.
	 */
	keyOf(s: Y.Item): string | null;
}

const DISCUSSION = ROOM_KEYS.discussion;
const ANNOTATIONS = ROOM_KEYS.annotations;

/** The roots whose structs are checked here. */
export const AUTHORED_ROOTS: ReadonlySet<string> = new Set([DISCUSSION, ANNOTATIONS]);

/** A type of the document as a container: root types by their key. */
export function typeContainer(t: Y.AbstractType<unknown>): Container {
	return t._item === null ? { root: Y.findRootTypeKey(t) } : { type: t };
}

/** The container a container sits in, and the key it sits under (null inside a list). */
function outer(c: Container, lookup: Lookup): { parent: Container; key: string | null } | null {
	if (c === null || 'root' in c) return null;
	if ('type' in c) {
		const item = c.type._item!;
		return { parent: typeContainer(item.parent as Y.AbstractType<unknown>), key: item.parentSub };
	}
	return { parent: lookup.containerOf(c.item), key: lookup.keyOf(c.item) };
}

const isRoot = (c: Container, key: string) => !!c && 'root' in c && c.root === key;
const isDiscussion = (c: Container) => isRoot(c, DISCUSSION);

/** The author a stored comment map records (undefined when it is not a comment). */
function storedAuthor(c: Container): unknown {
	return c && 'type' in c && c.type instanceof Y.Map ? c.type.get('author') : undefined;
}

function values(item: Y.Item): unknown[] {
	const content = item.content;
	if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON)
		return (content as unknown as { arr: unknown[] }).arr;
	return [];
}

/** An object value naming someone other than `userId` in its `field` (a reply's `author`, a highlight's `userId`). */
const claimsOther = (v: unknown, field: 'author' | 'userId', userId: string) =>
	typeof v === 'object' && v !== null && field in v && (v as Record<string, unknown>)[field] !== userId;
/** An object value whose display-name `field` (a reply's `authorName`, a highlight's `name`) is not `name`. */
const namesOther = (v: unknown, field: 'authorName' | 'name', name: string) =>
	typeof v === 'object' && v !== null && field in v && (v as Record<string, unknown>)[field] !== name;
const reactionOwner = (key: string | null) => (key && key.includes('|') ? key.slice(key.lastIndexOf('|') + 1) : null);

/** A reason when a new struct of the update (under `root`) speaks for someone else; null when it is fine. */
export function checkNewStruct(s: Y.Item, root: string, author: Author, lookup: Lookup): string | null {
	return root === ANNOTATIONS ? newAnnotation(s, author, lookup) : newInDiscussion(s, author, lookup);
}

/** A reason when deleting this live, stored struct (under `root`) is not this user's to do; null when it is. */
export function checkDeletion(item: Y.Item, root: string, author: Author, ds: DeleteSet): string | null {
	return root === ANNOTATIONS ? deletedAnnotation(item, author.userId) : deletedFromDiscussion(item, author, ds);
}

const highlightOwner = (key: string | null) => (key?.startsWith('span:') ? (key.split(':')[2] ?? '') : null);

function newAnnotation(s: Y.Item, { userId, name }: Author, lookup: Lookup): string | null {
	const container = lookup.containerOf(s);
	const key = lookup.keyOf(s);
	let owner: string | null = null;
	if (isRoot(container, ANNOTATIONS)) owner = highlightOwner(key);
	else {
		const up = outer(container, lookup);
		if (up && isRoot(up.parent, ANNOTATIONS) && up.key === PROPOSALS_KEY) owner = key;
	}
	if (owner === null) return null;
	const forged =
		owner !== userId || values(s).some((v) => claimsOther(v, 'userId', userId) || namesOther(v, 'name', name));
	return forged ? 'you may only highlight or propose in your own name' : null;
}

function deletedAnnotation(item: Y.Item, userId: string): string | null {
	const parent = item.parent as Y.AbstractType<unknown>;
	const owner =
		parent._item === null
			? highlightOwner(item.parentSub)
			: parent._item.parentSub === PROPOSALS_KEY && (parent._item.parent as Y.AbstractType<unknown>)._item === null
				? item.parentSub
				: null;
	return owner !== null && owner !== userId ? "you may not remove another person's highlight or proposal" : null;
}

function newInDiscussion(s: Y.Item, { userId, name }: Author, lookup: Lookup): string | null {
	const container = lookup.containerOf(s);
	const key = lookup.keyOf(s);
	const up = outer(container, lookup);
	if (!up) return null; // directly in the discussion list: a new comment (its fields are checked one by one)
	if (isDiscussion(up.parent)) {
		// A field of a comment: `author` says who wrote it, `authorName` how readers name them; both are the writer's,
		// on a new comment and on an edit (an author may not re-sign an old comment with someone else's name).
		if (key === 'author' && values(s).some((v) => v !== userId)) return 'a comment must be posted in your own name';
		if (key === 'authorName' && values(s).some((v) => v !== name)) return 'a comment must carry your own name';
		if ('item' in container!) return null;
		const author = storedAuthor(container);
		return author !== undefined && author !== userId ? 'only its author may change a comment' : null;
	}
	const comment = outer(up.parent, lookup);
	if (comment && isDiscussion(comment.parent)) {
		if (
			up.key === 'replies' &&
			values(s).some((v) => claimsOther(v, 'author', userId) || namesOther(v, 'authorName', name))
		)
			return 'a reply must be posted in your own name';
		if (up.key === 'reactions' && reactionOwner(key) !== null && reactionOwner(key) !== userId)
			return 'you may only react for yourself';
	}
	return null;
}

function deletedFromDiscussion(item: Y.Item, { userId, moderator = false }: Author, ds: DeleteSet): string | null {
	const parent = item.parent as Y.AbstractType<unknown>;
	// The comment this item belongs to (or is), and the key path from it.
	let comment: Y.Map<unknown> | null = null;
	let under: Y.Item | null = null;
	if (parent._item === null) {
		if (!(item.content instanceof Y.ContentType) || !(item.content.type instanceof Y.Map)) return null;
		comment = item.content.type as Y.Map<unknown>;
	} else {
		let t: Y.AbstractType<unknown> = parent;
		let child: Y.Item = item;
		while (t._item !== null) {
			const owner = t._item.parent as Y.AbstractType<unknown>;
			if (owner._item === null) {
				if (t instanceof Y.Map) comment = t as Y.Map<unknown>;
				under = child;
				break;
			}
			child = t._item;
			t = owner;
		}
	}
	if (comment === null) return null;
	const author = comment.get('author');
	if (author === undefined) return null; // not a comment
	const mine = author === userId;
	const mayDelete = mine || moderator;
	if (under === null) return mayDelete ? null : 'only its author may delete a comment';
	// Deleting a comment deletes everything inside it, others' replies and reactions included.
	if (comment._item && Y.isDeleted(ds, comment._item.id))
		return mayDelete ? null : 'only its author may delete a comment';
	if (under.parentSub === 'replies' && under !== item)
		return values(item).some((v) => claimsOther(v, 'author', userId)) ? 'you may only remove your own replies' : null;
	if (under.parentSub === 'reactions' && under !== item)
		return reactionOwner(item.parentSub) === userId ? null : 'you may only remove your own reactions';
	return mine ? null : 'only its author may change a comment';
}
