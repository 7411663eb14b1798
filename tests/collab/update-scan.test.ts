// The update pre-scan (server/collab/update-scan.ts) against real Yjs output and hand-made hostile updates: it
// accepts every kind of struct and content Yjs writes, refuses limits with payload_too_large (4413) and
// malformed bytes with bad_request (4400), in both cases before anything is decoded.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { AppError } from '../../server/domain/errors';
import { DEFAULT_COLLAB_OPTIONS } from '../../server/collab/options';
import { MAX_VALUE_DEPTH, scanUpdate } from '../../server/collab/update-scan';

const LIMITS = { maxStructsPerUpdate: 1000, maxDeleteRangesPerUpdate: 100 };

function refusal(update: Uint8Array, limits = LIMITS): string | null {
	try {
		scanUpdate(update, limits);
		return null;
	} catch (err) {
		if (err instanceof AppError) return err.code;
		throw err;
	}
}

const bytes = (write: (e: encoding.Encoder) => void) => {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
};

/** An update of one client whose structs are written by `structs`, followed by `ds` (default: empty delete set). */
const update = (
	count: number,
	structs: (e: encoding.Encoder) => void,
	ds: (e: encoding.Encoder) => void = (e) => encoding.writeVarUint(e, 0)
) =>
	bytes((e) => {
		encoding.writeVarUint(e, 1);
		encoding.writeVarUint(e, count);
		encoding.writeVarUint(e, 7);
		encoding.writeVarUint(e, 0);
		structs(e);
		ds(e);
	});

/** One item at the root key `discussion` with content ref `ref`, written by `content`. */
const item = (ref: number, content: (e: encoding.Encoder) => void) => (e: encoding.Encoder) => {
	encoding.writeUint8(e, ref);
	encoding.writeVarUint(e, 1);
	encoding.writeVarString(e, 'discussion');
	content(e);
};

const nested = (depth: number) => {
	let v: unknown = 1;
	for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
	return v;
};

describe('update pre-scan', () => {
	it('accepts every struct and content kind Yjs writes', () => {
		const doc = new Y.Doc({ gc: true });
		const map = doc.getMap('annotations');
		map.set('values', {
			u: undefined,
			n: null,
			i: -42,
			f: 1.5,
			big: 2n ** 40n,
			t: true,
			s: 'text',
			bin: new Uint8Array([1, 2]),
			a: [1, [2, { deep: nested(10) }]]
		});
		map.set('bytes', new Uint8Array([9, 9, 9]));
		map.set('sub', new Y.Doc());
		const text = new Y.Text();
		map.set('text', text);
		text.insert(0, 'hello world', { bold: true, link: { href: 'https://x.test/"[{,' } });
		text.insertEmbed(5, { image: 'a.png' });
		text.format(0, 3, { italic: true });
		const frag = doc.getXmlFragment('content');
		const p = new Y.XmlElement('p');
		p.setAttribute('class', 'lead');
		frag.insert(0, [p, new Y.XmlHook('hook') as never]);
		p.insert(0, [new Y.XmlText('paragraph')]);
		doc.getArray('discussion').insert(0, ['a', 'b', 'c', 1, 2, 3]);
		doc.getArray('discussion').delete(1, 4); // deleted content and a delete set
		const before = Y.encodeStateAsUpdate(doc);
		const sv = Y.encodeStateVector(doc);
		doc.getArray('discussion').push(['later']);
		const later = Y.encodeStateAsUpdate(doc, sv);
		for (const u of [before, later, Y.encodeStateAsUpdate(doc)]) expect(refusal(u, DEFAULT_COLLAB_OPTIONS)).toBeNull();
		// a Skip struct: updates of one client merged with a hole between them
		const a = new Y.Doc();
		const parts: Uint8Array[] = [];
		a.on('update', (u: Uint8Array) => parts.push(u));
		for (const s of ['x', 'y', 'z']) a.getArray('discussion').push([s]);
		expect(refusal(Y.mergeUpdates([parts[0], parts[2]]), DEFAULT_COLLAB_OPTIONS)).toBeNull();
	});

	it('refuses announced counts over the limits before reading what they announce', () => {
		// counts only: the bytes they announce are absent, so the limit must be decided on the count itself
		const claim = (n: number) => bytes((e) => [1, n, 7, 0].forEach((v) => encoding.writeVarUint(e, v)));
		expect(refusal(Uint8Array.of(...claim(1001), ...new Uint8Array(4000)))).toBe('payload_too_large');
		const pad = new Uint8Array(400);
		const ranges = (n: number) => (e: encoding.Encoder) => [1, 7, n].forEach((v) => encoding.writeVarUint(e, v));
		expect(refusal(Uint8Array.of(...update(0, () => {}, ranges(101)), ...pad))).toBe('payload_too_large');
		expect(refusal(update(0, () => {}, ranges(100)))).toBe('bad_request'); // within the limit, but the ranges are missing
		const dsClients = (e: encoding.Encoder) => encoding.writeVarUint(e, 101);
		expect(refusal(Uint8Array.of(...update(0, () => {}, dsClients), ...pad))).toBe('payload_too_large');
		const gcs = (n: number) =>
			update(n, (e) => {
				for (let i = 0; i < n; i++) {
					encoding.writeUint8(e, 0); // a GC struct of length 1
					encoding.writeVarUint(e, 1);
				}
			});
		expect(refusal(gcs(1000))).toBeNull();
		expect(refusal(gcs(1001))).toBe('payload_too_large');
	});

	it('counts the values of any and JSON content, and bounds their nesting', () => {
		const anyArray = (n: number) =>
			update(
				1,
				item(8, (e) => {
					encoding.writeVarUint(e, 1);
					encoding.writeAny(
						e,
						Array.from({ length: n }, () => null)
					);
				})
			);
		expect(refusal(anyArray(900))).toBeNull();
		expect(refusal(anyArray(1000))).toBe('payload_too_large');
		const format = (json: string) =>
			update(
				1,
				item(6, (e) => (encoding.writeVarString(e, 'bold'), encoding.writeVarString(e, json)))
			);
		expect(refusal(format(JSON.stringify(Array.from({ length: 900 }, () => 0))))).toBeNull();
		expect(refusal(format(JSON.stringify(Array.from({ length: 1000 }, () => 0))))).toBe('payload_too_large');
		expect(refusal(format(JSON.stringify(','.repeat(5000))))).toBeNull(); // separators inside strings are text
		const deepAny = (depth: number) =>
			update(
				1,
				item(8, (e) => (encoding.writeVarUint(e, 1), encoding.writeAny(e, nested(depth) as never)))
			);
		expect(refusal(deepAny(MAX_VALUE_DEPTH - 1))).toBeNull();
		expect(refusal(deepAny(MAX_VALUE_DEPTH + 1))).toBe('payload_too_large');
		expect(refusal(format(JSON.stringify(nested(MAX_VALUE_DEPTH + 1))))).toBe('payload_too_large');
	});

	it('refuses malformed bytes: lying counts, huge lengths, unknown refs, out-of-range clocks, trailing bytes', () => {
		const lies = [
			bytes((e) => [1, 500, 7, 0].forEach((v) => encoding.writeVarUint(e, v))), // 500 structs announced, none there
			bytes((e) => [2 ** 40].forEach((v) => encoding.writeVarUint(e, v))), // client sections beyond the bytes
			update(
				1,
				item(4, (e) => (encoding.writeVarUint(e, 2 ** 31), encoding.writeUint8Array(e, new Uint8Array(8))))
			), // string length
			update(
				1,
				item(8, (e) => encoding.writeVarUint(e, 2 ** 30))
			), // any values beyond the bytes
			update(1, (e) => encoding.writeUint8(e, 11)), // unknown struct type
			update(
				1,
				item(7, (e) => encoding.writeVarUint(e, 7))
			), // unknown shared type
			update(
				1,
				item(8, (e) => (encoding.writeVarUint(e, 1), encoding.writeUint8(e, 50)))
			), // unknown any value type
			update(2, (e) =>
				[0, 2 ** 52, 0, 2 ** 52].forEach((v, i) => (i % 2 ? encoding.writeVarUint(e, v) : encoding.writeUint8(e, v)))
			), // clock overflow
			Uint8Array.of(...update(0, () => {}), 0), // trailing byte
			Uint8Array.of(1, 1, 7, 0, 4) // truncated struct
		];
		for (const [i, u] of lies.entries()) expect(refusal(u), `case ${i}`).toBe('bad_request');
	});
});
