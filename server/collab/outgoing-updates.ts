// What one room sends in one turn of the event loop: the changes committed (or relayed) in that turn, merged into
// one update per recipient, so each socket gets at most one frame per turn however many people wrote. Nobody
// receives their own change back: a connection that authored none of the turn's changes gets the merge of all of
// them (built once, framed once, shared by all such connections), and each author gets the merge of everyone
// else's (nothing at all if the turn holds only its own). Changes without an author (server writes, relayed
// ones) reach everybody.
// How: each author's changes are first merged into one (for an author with several: laid end to end when they are
// successive changes of one client, as they normally are, else Y.mergeUpdates). When no
// Yjs client id appears in two of the resulting parts — the normal case, as every connection writes with its own
// client id — a merge is spliced from the parts' bytes: their client sections, ordered by client id (descending,
// as Yjs writes them), and their delete-set entries, which is what Y.mergeUpdates would produce for parts that
// share no client, without decoding a struct. Each recipient's update then costs a copy of the bytes it receives.
// Otherwise (a client id in two parts, e.g. a sync step 2 carrying someone else's structs) every merge goes
// through Y.mergeUpdates, the per-author ones sharing their work: the authors are split in halves recursively,
// each half merged once, and an author's update is the merge of the O(log k) halves that do not contain it.
import * as Y from 'yjs';
import { updateLayout, type UpdateLayout } from './update-scan';

/** One committed change and the connection (or other author key) it came from; null: from nobody here. */
export interface OutgoingUpdate<A> {
	update: Uint8Array;
	author: A | null;
}

export interface MergedTurn<A> {
	/** Every change of the turn, merged: for recipients that authored none of them. */
	all: Uint8Array;
	/** For each author: the merge of every change but its own (null when there is none). */
	without: Map<A, Uint8Array | null>;
}

const merge = (updates: Uint8Array[]) => (updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));

/**
 * One author's changes merged: when each is one section of the same client and each starts where the previous
 * one ended (an author's successive changes, the normal case), their structs are laid end to end in one section
 * and their delete sets one after the other, without decoding a struct; otherwise Y.mergeUpdates.
 */
function mergeOwn(updates: Uint8Array[]): Uint8Array {
	if (updates.length === 1) return updates[0];
	const layouts = updates.map(updateLayout);
	const first = layouts[0].sections[0];
	let end = first?.clock;
	let structs = 0;
	let size = 0;
	let deleteClients = 0;
	let deleteSize = 0;
	for (const { sections, deletes, deleteClients: clients } of layouts) {
		const section = sections[0];
		if (sections.length !== 1 || section.client !== first.client || section.clock !== end) return merge(updates);
		end = section.end;
		structs += section.structs;
		size += section.body.length;
		deleteClients += clients;
		deleteSize += deletes.length;
	}
	const out = new Uint8Array(
		1 +
			varUintLength(structs) +
			varUintLength(first.client) +
			varUintLength(first.clock) +
			size +
			varUintLength(deleteClients) +
			deleteSize
	);
	let at = writeVarUint(out, 0, 1);
	at = writeVarUint(out, at, structs);
	at = writeVarUint(out, at, first.client);
	at = writeVarUint(out, at, first.clock);
	for (const { sections } of layouts) {
		out.set(sections[0].body, at);
		at += sections[0].body.length;
	}
	at = writeVarUint(out, at, deleteClients);
	for (const { deletes } of layouts) {
		out.set(deletes, at);
		at += deletes.length;
	}
	return out;
}

/** Merges one turn's changes per recipient (see the header); `turn` is not empty. */
export function mergeTurn<A>(turn: readonly OutgoingUpdate<A>[]): MergedTurn<A> {
	const anonymous: Uint8Array[] = [];
	const byAuthor = new Map<A, Uint8Array[]>();
	for (const { update, author } of turn) {
		if (author === null) anonymous.push(update);
		else {
			const own = byAuthor.get(author);
			if (own) own.push(update);
			else byAuthor.set(author, [update]);
		}
	}
	const authors = [...byAuthor.keys()];
	const own = authors.map((a) => mergeOwn(byAuthor.get(a)!));
	const without = new Map<A, Uint8Array | null>();
	const layouts = disjointLayouts([...anonymous, ...own]);
	if (layouts) {
		const splice = splicer(layouts);
		authors.forEach((author, i) => {
			const alone = anonymous.length === 0 && authors.length === 1;
			without.set(author, alone ? null : splice(anonymous.length + i));
		});
		return { all: turn.length === 1 ? turn[0].update : splice(null), without };
	}
	exclusions(authors, own, anonymous, without);
	return { all: merge([...anonymous, ...own]), without };
}

/** The layouts of `parts` if no client id has sections in two of them (else null: they cannot be spliced). */
function disjointLayouts(parts: Uint8Array[]): UpdateLayout[] | null {
	const seen = new Set<number>();
	const layouts = [];
	for (const update of parts) {
		const layout = updateLayout(update);
		for (const { client } of layout.sections) {
			if (seen.has(client)) return null;
			seen.add(client);
		}
		layouts.push(layout);
	}
	return layouts;
}

const varUintLength = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

function writeVarUint(out: Uint8Array, at: number, n: number): number {
	while (n >= 0x80) {
		out[at++] = (n & 0x7f) | 0x80;
		n = Math.floor(n / 128);
	}
	out[at++] = n;
	return at;
}

/**
 * Splices merges of parts that share no client id (see the header): the returned function builds the merge of
 * every part but the `skip`th (null: of all), in one buffer of the exact size. The sections of all parts are
 * sorted and laid end to end once, and so are their delete-set entries; leaving a part out copies the runs
 * around its own bytes (a few copies per recipient, however many parts the turn has).
 */
function splicer(parts: UpdateLayout[]): (skip: number | null) => Uint8Array {
	const sections = parts
		.flatMap((p, part) => p.sections.map((s) => ({ bytes: s.bytes, client: s.client, part })))
		.sort((a, b) => b.client - a.client);
	/** Byte ranges of each part's sections within `structs`, in order. */
	const ranges: [number, number][][] = parts.map(() => []);
	let size = 0;
	for (const s of sections) size += s.bytes.length;
	const structs = new Uint8Array(size);
	let at = 0;
	for (const s of sections) {
		structs.set(s.bytes, at);
		ranges[s.part].push([at, (at += s.bytes.length)]);
	}
	const deleteAt: number[] = [];
	let deleteSize = 0;
	for (const p of parts) {
		deleteAt.push(deleteSize);
		deleteSize += p.deletes.length;
	}
	const deletes = new Uint8Array(deleteSize);
	parts.forEach((p, i) => deletes.set(p.deletes, deleteAt[i]));
	const deleteClients = parts.reduce((n, p) => n + p.deleteClients, 0);

	return (skip) => {
		const own = skip === null ? [] : ranges[skip];
		const ownBytes = own.reduce((n, [from, to]) => n + to - from, 0);
		const ownDeletes = skip === null ? 0 : parts[skip].deletes.length;
		const count = sections.length - own.length;
		const dsCount = deleteClients - (skip === null ? 0 : parts[skip].deleteClients);
		const out = new Uint8Array(
			varUintLength(count) + size - ownBytes + varUintLength(dsCount) + deleteSize - ownDeletes
		);
		let at = writeVarUint(out, 0, count);
		let from = 0;
		for (const [start, end] of own) {
			out.set(structs.subarray(from, start), at);
			at += start - from;
			from = end;
		}
		out.set(structs.subarray(from), at);
		at += size - from;
		at = writeVarUint(out, at, dsCount);
		if (skip === null) out.set(deletes, at);
		else {
			out.set(deletes.subarray(0, deleteAt[skip]), at);
			out.set(deletes.subarray(deleteAt[skip] + ownDeletes), at + deleteAt[skip]);
		}
		return out;
	};
}

/** Sets, for each author in `authors` (whose merged changes are `own`), the merge of `outside` and the others'. */
function exclusions<A>(
	authors: readonly A[],
	own: Uint8Array[],
	outside: Uint8Array[],
	out: Map<A, Uint8Array | null>
): void {
	if (authors.length === 0) return;
	if (authors.length === 1) {
		out.set(authors[0], outside.length ? merge(outside) : null);
		return;
	}
	const half = authors.length >> 1;
	const left = own.slice(0, half);
	const right = own.slice(half);
	exclusions(authors.slice(0, half), left, [...outside, merge(right)], out);
	exclusions(authors.slice(half), right, [...outside, merge(left)], out);
}
