// mergeTurn: one turn's changes merged per recipient. Every author gets exactly everyone else's changes (its own
// never), recipients who wrote nothing get all of them; checked for turns of 0..9 authors, some with several changes,
// on both paths (spliced bytes when no client id is in two parts; Y.mergeUpdates when the server's changes share
// one), and the spliced merges are updates that Yjs merges and applies like its own (deletions included).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeTurn, type OutgoingUpdate } from '../../server/collab/outgoing-updates';

/** An update with nothing in it: merging with it makes Y.mergeUpdates read the other update (one alone is returned). */
const EMPTY = new Uint8Array([0, 0]);

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
			expect(texts(Y.mergeUpdates([all, EMPTY]))).toEqual(everything);
			expect([...without.keys()].sort()).toEqual(Array.from({ length: authors }, (_, a) => `a${a}`).sort());
			for (const [author, others] of without) {
				const expected = everything.filter((t) => !t.startsWith(`${author}.`));
				expect(texts(others), author).toEqual(expected);
				if (expected.length === 0) expect(others).toBeNull();
			}
		});

	it('splices deletions and keeps what a merge of the spliced update gives', () => {
		const base = new Y.Doc();
		base.getArray('discussion').push(['kept', 'deleted']);
		const [ana, ben] = [new Y.Doc(), new Y.Doc()];
		for (const d of [ana, ben]) Y.applyUpdate(d, Y.encodeStateAsUpdate(base));
		const turn: OutgoingUpdate<string>[] = [];
		ana.once('update', (update: Uint8Array) => turn.push({ update, author: 'ana' }));
		ana.getArray('discussion').delete(1, 1);
		ben.once('update', (update: Uint8Array) => turn.push({ update, author: 'ben' }));
		ben.getArray('discussion').push(['added']);
		const { all, without } = mergeTurn(turn);
		const after = (update: Uint8Array | null | undefined) => {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
			if (update) Y.applyUpdate(doc, Y.mergeUpdates([update, EMPTY]));
			return doc.getArray('discussion').toArray();
		};
		expect(after(all)).toEqual(['kept', 'added']);
		expect(after(without.get('ana'))).toEqual(['kept', 'deleted', 'added']);
		expect(after(without.get('ben'))).toEqual(['kept']);
	});

	it("lays an author's successive changes end to end: text of any width, deletions, and a gap Yjs must see", () => {
		const ana = new Y.Doc();
		const text = ana.getText('draft');
		const changes: Uint8Array[] = [];
		ana.on('update', (update: Uint8Array) => changes.push(update));
		for (const piece of ['abc', 'é😀ß', '日本', 'x']) text.insert(text.length, piece);
		text.delete(1, 3);
		const turn = (updates: Uint8Array[]): OutgoingUpdate<string>[] => [
			...updates.map((update) => ({ update, author: 'ana' })),
			{ update: Y.encodeStateAsUpdate(new Y.Doc()), author: 'ben' }
		];
		const textOf = (update: Uint8Array | null | undefined) => {
			const doc = new Y.Doc();
			if (update) Y.applyUpdate(doc, update);
			return doc.getText('draft').toJSON();
		};
		const forBen = mergeTurn(turn(changes)).without.get('ben');
		expect(textOf(forBen)).toBe(text.toJSON());
		// Laid end to end, the merge keeps the clocks: applying it where the first change already is changes nothing.
		expect(textOf(Y.mergeUpdates([changes[0], forBen!]))).toBe(text.toJSON());
		// Without the second change, the third does not start where the first ended: Yjs must hold it back.
		const gapped = mergeTurn(turn([changes[0], changes[2]])).without.get('ben');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, gapped!);
		expect(doc.getText('draft').toJSON()).toBe('abc');
		Y.applyUpdate(doc, changes[1]);
		expect(doc.getText('draft').toJSON()).toBe('abcé😀ß日本');
	});

	it('leaves out every section of an author whose change carries several clients (a sync step 2)', () => {
		const docs = Array.from({ length: 6 }, () => new Y.Doc());
		const turn: OutgoingUpdate<string>[] = docs.slice(0, 4).map((doc, i) => {
			doc.getArray('discussion').push([`d${i}`]);
			return { update: Y.encodeStateAsUpdate(doc), author: `a${i}` };
		});
		// The last author's change holds two more clients' structs: its own and one learned from a fifth document.
		docs[4].getArray('discussion').push(['relayed']);
		Y.applyUpdate(docs[5], Y.encodeStateAsUpdate(docs[4]));
		docs[5].getArray('discussion').push(['own']);
		turn.push({ update: Y.encodeStateAsUpdate(docs[5]), author: 'two clients' });
		const { all, without } = mergeTurn(turn);
		expect(texts(Y.mergeUpdates([all, EMPTY]))).toEqual(['d0', 'd1', 'd2', 'd3', 'own', 'relayed']);
		expect(texts(without.get('two clients'))).toEqual(['d0', 'd1', 'd2', 'd3']);
		expect(texts(Y.mergeUpdates([without.get('a1')!, EMPTY]))).toEqual(['d0', 'd2', 'd3', 'own', 'relayed']);
	});
});
