// mergeTurn: one turn's changes merged per recipient. Every author gets exactly everyone else's changes (its own
// never), recipients who wrote nothing get all of them; checked for turns of 0..9 authors, some with several changes.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeTurn, type OutgoingUpdate } from '../../server/collab/outgoing-updates';

/** The discussion an update (or nothing) holds, sorted: content only, order is the merge's business. */
function texts(update: Uint8Array | null | undefined): string[] {
	const doc = new Y.Doc();
	if (update) Y.applyUpdate(doc, update);
	return doc.getArray<string>('discussion').toArray().sort();
}

/** A turn: each author pushes `perAuthor` texts (separate changes); `anonymous` changes come from nobody. */
function turnOf(authors: number, perAuthor: number, anonymous: number) {
	const turn: OutgoingUpdate<string>[] = [];
	const written: string[] = [];
	const push = (doc: Y.Doc, text: string, author: string | null) => {
		doc.once('update', (update: Uint8Array) => turn.push({ update, author }));
		doc.getArray('discussion').push([text]);
		written.push(text);
	};
	const docs = Array.from({ length: authors }, () => new Y.Doc());
	for (let round = 0; round < perAuthor; round++) docs.forEach((doc, a) => push(doc, `a${a}.${round}`, `a${a}`));
	const server = new Y.Doc();
	for (let i = 0; i < anonymous; i++) push(server, `server.${i}`, null);
	return { turn, everything: written.sort() };
}

describe('mergeTurn', () => {
	for (const [authors, perAuthor, anonymous] of [
		[0, 0, 1],
		[1, 1, 0],
		[1, 3, 2],
		[2, 1, 0],
		[5, 2, 1],
		[9, 1, 0],
		[9, 3, 3]
	])
		it(`${authors} authors × ${perAuthor} changes, ${anonymous} from nobody`, () => {
			const { turn, everything } = turnOf(authors, perAuthor, anonymous);
			const { all, without } = mergeTurn(turn);
			expect(texts(all)).toEqual(everything);
			expect([...without.keys()].sort()).toEqual(Array.from({ length: authors }, (_, a) => `a${a}`).sort());
			for (const [author, others] of without) {
				const expected = everything.filter((t) => !t.startsWith(`${author}.`));
				expect(texts(others), author).toEqual(expected);
				if (expected.length === 0) expect(others).toBeNull();
			}
		});
});
