// What one room sends in one turn of the event loop: the changes committed (or relayed) in that turn, merged into
// one update per recipient with Y.mergeUpdates, so each socket gets at most one frame per turn however many people
// wrote. Nobody receives their own change back: a connection that authored none of the turn's changes gets the
// merge of all of them (built once, framed once, shared by all such connections), and each author gets the merge
// of everyone else's (nothing at all if the turn holds only its own). Changes without an author (server writes,
// relayed ones) reach everybody.
// The per-author merges share their work: the authors' changes are split in halves recursively, each half merged
// once, and an author's update is the merge of the O(log k) halves that do not contain it (plus the changes
// without an author), instead of a merge of all k-1 other authors' changes for each of the k authors.
import * as Y from 'yjs';

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
	const own = authors.map((a) => merge(byAuthor.get(a)!));
	const without = new Map<A, Uint8Array | null>();
	exclusions(authors, own, anonymous, without);
	return { all: merge([...anonymous, ...own]), without };
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
