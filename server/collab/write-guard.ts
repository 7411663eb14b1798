// Decides, before a client update touches the room document, which top-level keys it would change. Each new
// struct is resolved to its root type the way Yjs itself would place it (explicit parent, else the item at its
// origin / right origin, through nested types up to the root), against the live document plus the update's own
// structs, without mutating anything; deletions count for the roots of the live items they would delete.
// Cost is proportional to the update, not to the document (cloning the document per update would not be).
// Updates that would stay pending in Yjs (missing dependencies, gaps, deletions of unknown items) are reported
// as `incomplete` and are not applied: pending structs would integrate later, outside this check.
// With the connection's user id, it also checks authorship in `discussion` and `annotations` (authorship.ts);
// whatever the writer, new structs in `content` must be guideline content the schema knows (guideline-content.ts).
// tests/collab/write-guard.test.ts checks the verdicts against a scratch copy that really applies the update.
import * as Y from 'yjs';
import {
	AUTHORED_ROOTS,
	checkDeletion,
	checkNewStruct,
	typeContainer,
	type Author,
	type Container,
	type Lookup
} from './authorship';
import { checkContentStruct } from './guideline-content';
import { protocolError } from './protocol';
import { scanUpdate, type UpdateLimits } from './update-scan';
import { ROOM_KEYS } from '#shared/rooms';

export type UpdateVerdict =
	/**
	 * `update`: the checked update in its own buffer; apply exactly this. `fresh`: it holds structs the document
	 * does not have yet (false: at most deletions, which may all be of deleted items already).
	 */
	| { kind: 'ok'; roots: Set<string>; empty: boolean; fresh: boolean; update: Uint8Array }
	| { kind: 'incomplete' }
	| { kind: 'invalid'; reason: string }
	| { kind: 'forbidden'; reason: string };

type Struct = Y.Item | Y.GC | Y.Skip;
type DeleteSet = ReturnType<typeof Y.createDeleteSet>;
type Root = string | null;
const INCOMPLETE = Symbol('incomplete');
type Resolved = Root | typeof INCOMPLETE;

class Invalid extends Error {}

/**
 * Throws a 4400/4413 AppError when the bytes are not a Yjs update or exceed the per-update limits: the update is
 * pre-scanned (update-scan.ts) before it is decoded into objects. With `author`, an update that posts, changes or
 * deletes discussion or annotation entries in someone else's name is `forbidden` (a moderator may delete other
 * people's comments).
 */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array, limits: UpdateLimits, author?: Author): UpdateVerdict {
	if (update.length === 2 && update[0] === 0 && update[1] === 0)
		return { kind: 'ok', roots: new Set(), empty: true, fresh: false, update };
	scanUpdate(update, limits);
	// Yjs reads lengths without checking them against a view's end: it decodes (and later applies) its own copy.
	const own = update.slice();
	let decoded: { structs: Struct[]; ds: DeleteSet };
	try {
		decoded = Y.decodeUpdate(own);
	} catch {
		throw protocolError('not a Yjs update');
	}
	try {
		const verdict = new Inspection(doc, decoded.structs, decoded.ds, author).verdict();
		return verdict.kind === 'ok' ? { ...verdict, update: own } : verdict;
	} catch (err) {
		if (err instanceof Invalid) return { kind: 'invalid', reason: err.message };
		throw err;
	}
}

class Inspection implements Lookup {
	readonly store: Y.Doc['store'];
	/** Structs to check for authorship (authorship.ts): new ones of the update, and live stored ones it deletes. */
	readonly authoredNew: [Y.Item, string][] = [];
	readonly authoredDeleted: [Y.Item, string][] = [];
	/** New structs of the update in the guideline draft (guideline-content.ts). */
	readonly draftNew: Y.Item[] = [];
	readonly containers = new Map<Y.Item, Container>();
	readonly byClient = new Map<number, Struct[]>();
	readonly stateAfter = new Map<number, number>();
	readonly memo = new Map<Struct, Resolved>();
	readonly rootKeys = new Map<Y.AbstractType<unknown>, string>();

	constructor(
		readonly doc: Y.Doc,
		readonly structs: Struct[],
		readonly ds: DeleteSet,
		readonly author?: Author
	) {
		this.store = doc.store;
	}

	verdict(): Exclude<UpdateVerdict, { kind: 'ok' }> | { kind: 'ok'; roots: Set<string>; empty: false; fresh: boolean } {
		for (const s of this.structs) {
			const list = this.byClient.get(s.id.client);
			if (list) list.push(s);
			else this.byClient.set(s.id.client, [s]);
		}
		for (const [client, list] of this.byClient) {
			list.sort((a, b) => a.id.clock - b.id.clock);
			let expected = Y.getState(this.store, client);
			for (const s of list) {
				if (s instanceof Y.Skip) continue;
				if (s.id.clock > expected) return { kind: 'incomplete' };
				expected = Math.max(expected, s.id.clock + s.length);
			}
			this.stateAfter.set(client, expected);
		}
		const roots = new Set<string>();
		let fresh = false;
		for (const s of this.structs) {
			if (s instanceof Y.Skip) continue;
			const known = Y.getState(this.store, s.id.client);
			if (s.id.clock + s.length <= known) continue; // Yjs skips what it already has
			fresh = true;
			if (s instanceof Y.Item && s.content instanceof Y.ContentDoc) throw new Invalid('subdocuments are not supported');
			const root = s.id.clock < known ? this.overlapRoot(s, known) : this.resolve(s);
			if (root === INCOMPLETE) return { kind: 'incomplete' };
			if (root !== null) roots.add(root);
			if (root !== null && this.author !== undefined && s instanceof Y.Item && AUTHORED_ROOTS.has(root))
				this.authoredNew.push([s, root]);
			if (root === ROOM_KEYS.content && s instanceof Y.Item) this.draftNew.push(s);
		}
		for (const [client, ranges] of this.ds.clients) {
			for (const { clock, len } of ranges) {
				if (clock + len > (this.stateAfter.get(client) ?? Y.getState(this.store, client)))
					return { kind: 'incomplete' };
				this.deletedRoots(client, clock, clock + len, roots);
			}
		}
		for (const s of this.draftNew) {
			const reason = checkContentStruct(s, this);
			if (reason) return { kind: 'invalid', reason };
		}
		const author = this.author;
		if (author !== undefined) {
			for (const [s, root] of this.authoredNew) {
				const reason = checkNewStruct(s, root, author, this);
				if (reason) return { kind: 'forbidden', reason };
			}
			for (const [s, root] of this.authoredDeleted) {
				const reason = checkDeletion(s, root, author, this.ds);
				if (reason) return { kind: 'forbidden', reason };
			}
		}
		return { kind: 'ok', roots, empty: false, fresh };
	}

	/** The container of a struct of the update, resolved like its root (see step). */
	containerOf(start: Y.Item): Container {
		const chain: Y.Item[] = [];
		let s: Y.Item = start;
		let found: Container = null;
		for (;;) {
			const memo = this.containers.get(s);
			if (memo !== undefined) {
				found = memo;
				break;
			}
			if (typeof s.parent === 'string') {
				found = { root: s.parent };
				break;
			}
			chain.push(s);
			if (s.parent instanceof Y.ID) {
				const p = this.find(s.parent);
				if (p instanceof Y.Item && p.content instanceof Y.ContentType)
					found = this.isNew(p) ? { item: p } : typeContainer(p.content.type);
				break;
			}
			const target = s.origin ? this.find(s.origin) : s.rightOrigin ? this.find(s.rightOrigin) : undefined;
			if (!(target instanceof Y.Item)) break;
			if (!this.isNew(target)) {
				if (target.parent instanceof Y.AbstractType) found = typeContainer(target.parent);
				break;
			}
			s = target;
		}
		for (const item of chain) this.containers.set(item, found);
		return found;
	}

	keyOf(start: Y.Item): string | null {
		let s: Y.Item = start;
		// verdict() already refused origin cycles (resolve); the bound only keeps this loop finite regardless.
		for (let steps = 0; steps <= this.structs.length; steps++) {
			if (s.parent !== null) return s.parentSub; // an explicit parent carries its key
			const target = s.origin ? this.find(s.origin) : s.rightOrigin ? this.find(s.rightOrigin) : undefined;
			if (!(target instanceof Y.Item)) return null;
			if (!this.isNew(target)) return target.parentSub;
			s = target;
		}
		return null;
	}

	/** Roots of live, not yet deleted items in [from, to) of one client (store first, then the update). */
	deletedRoots(client: number, from: number, to: number, roots: Set<string>): void {
		const known = Y.getState(this.store, client);
		const stored = this.store.clients.get(client);
		if (stored && from < known) {
			for (let i = Y.findIndexSS(stored, from); i < stored.length && stored[i].id.clock < to; i++) {
				const s = stored[i];
				if (s instanceof Y.Item && !s.deleted) {
					const root = this.storeRoot(s);
					if (root !== null) roots.add(root);
					if (root !== null && this.author !== undefined && AUTHORED_ROOTS.has(root))
						this.authoredDeleted.push([s, root]);
				}
			}
		}
		if (to > known) {
			for (const s of this.byClient.get(client) ?? []) {
				if (s instanceof Y.Item && s.id.clock + s.length > from && s.id.clock < to) {
					const root = this.resolve(s);
					if (typeof root === 'string') roots.add(root);
				}
			}
		}
	}

	/**
	 * A struct that starts inside what the store already has is integrated by Yjs after the stored item just before
	 * the new part, while keeping its declared parent; both must agree or the document's lists would be corrupted.
	 */
	overlapRoot(s: Y.Item | Y.GC, known: number): Resolved {
		if (s instanceof Y.GC) return null; // the new part is appended as collected content, outside any type
		const prev = this.find(Y.createID(s.id.client, known - 1));
		const declared = this.declaredParent(s);
		if (declared === INCOMPLETE) return INCOMPLETE;
		if (prev instanceof Y.GC || prev === undefined) {
			if (declared !== null) throw new Invalid('overlapping struct continues collected content');
			return null;
		}
		if (declared === null || declared !== (prev as Y.Item).parent)
			throw new Invalid('overlapping struct changes its parent');
		return this.storeRoot(prev as Y.Item);
	}

	/** The parent type Yjs would give a struct whose dependencies are all in the store (null: it becomes GC). */
	declaredParent(item: Y.Item): Y.AbstractType<unknown> | null | typeof INCOMPLETE {
		if (typeof item.parent === 'string')
			return (this.doc.share.get(item.parent) ?? null) as Y.AbstractType<unknown> | null;
		if (item.parent instanceof Y.ID) {
			const p = this.find(item.parent);
			if (p === undefined || this.isNew(p)) return INCOMPLETE;
			if (p instanceof Y.GC) return null;
			return (p as Y.Item).content instanceof Y.ContentType ? ((p as Y.Item).content as Y.ContentType).type : null;
		}
		const left = item.origin ? this.find(item.origin) : null;
		const right = item.rightOrigin ? this.find(item.rightOrigin) : null;
		if (left === undefined || right === undefined || (left && this.isNew(left)) || (right && this.isNew(right)))
			return INCOMPLETE;
		if (left instanceof Y.GC || right instanceof Y.GC) return null;
		return (((left ?? right) as Y.Item | null)?.parent ?? null) as Y.AbstractType<unknown> | null;
	}

	isNew(s: Struct): boolean {
		return s.id.clock >= Y.getState(this.store, s.id.client);
	}

	/** The struct holding `id`: the store for what it has, else the update itself; undefined if neither has it. */
	find(id: Y.ID): Struct | undefined {
		const known = Y.getState(this.store, id.client);
		if (id.clock < known) {
			const stored = this.store.clients.get(id.client)!;
			return stored[Y.findIndexSS(stored, id.clock)];
		}
		const list = this.byClient.get(id.client);
		if (!list) return undefined;
		let lo = 0;
		let hi = list.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const s = list[mid];
			if (id.clock < s.id.clock) hi = mid - 1;
			else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
			else return s instanceof Y.Skip ? undefined : s;
		}
		return undefined;
	}

	storeRoot(item: Y.Item): Root {
		let type = item.parent as Y.AbstractType<unknown> | null;
		if (!(type instanceof Y.AbstractType)) return null;
		while (type._item !== null) type = type._item.parent as Y.AbstractType<unknown>;
		let key = this.rootKeys.get(type);
		if (key === undefined) {
			key = Y.findRootTypeKey(type);
			this.rootKeys.set(type, key);
		}
		return key;
	}

	/** One step: the struct's root if it follows from the store alone, else the update struct it depends on. */
	step(s: Struct): { root: Resolved } | { dependsOn: Struct } {
		if (s instanceof Y.GC || s instanceof Y.Skip) return { root: null };
		if (typeof s.parent === 'string') return { root: s.parent };
		const target =
			s.parent instanceof Y.ID
				? this.find(s.parent)
				: s.origin
					? this.find(s.origin)
					: s.rightOrigin
						? this.find(s.rightOrigin)
						: null;
		if (target === undefined) return { root: INCOMPLETE };
		if (target === null) throw new Invalid('item without parent or origin');
		if (s.parent instanceof Y.ID) {
			if (target instanceof Y.GC) return { root: null };
			if (!((target as Y.Item).content instanceof Y.ContentType)) throw new Invalid('parent is not a shared type');
		} else {
			const right = s.origin && s.rightOrigin ? this.find(s.rightOrigin) : null;
			if (right === undefined) return { root: INCOMPLETE };
			if (target instanceof Y.GC || right instanceof Y.GC) return { root: null };
		}
		if (!this.isNew(target)) return { root: this.storeRoot(target as Y.Item) };
		return { dependsOn: target };
	}

	/** Resolves a struct of the update with an explicit stack (dependency chains can be long). */
	resolve(start: Struct): Resolved {
		const stack: Struct[] = [start];
		const visiting = new Set<Struct>();
		while (stack.length > 0) {
			const s = stack[stack.length - 1];
			if (this.memo.has(s)) {
				stack.pop();
				continue;
			}
			const next = this.step(s);
			if ('root' in next) {
				this.memo.set(s, next.root);
				stack.pop();
			} else if (this.memo.has(next.dependsOn)) {
				this.memo.set(s, this.memo.get(next.dependsOn)!);
				stack.pop();
			} else if (visiting.has(next.dependsOn)) {
				return INCOMPLETE;
			} else {
				visiting.add(s);
				stack.push(next.dependsOn);
			}
		}
		return this.memo.get(start)!;
	}
}
