// The write guard's verdicts against the ground truth: a scratch copy of the server document that really applies
// each update and records which root types changed. Random concurrent editing by several clients (arrays of maps,
// nested maps and texts, XML, deletions, map overwrites), delivered to the server in random complete orders; and
// the guideline draft (`content`) holding only what the guideline schema knows.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_COLLAB_OPTIONS } from '../../server/collab/options';
import { prosemirrorJSONToYXmlFragment, updateYFragment } from '@tiptap/y-tiptap';
import { guidelineSchema } from '#shared/guideline-schema';
import { markdownToDoc } from '#shared/markdown-doc';
import { inspectUpdate } from '../../server/collab/write-guard';

function rng(seed: number) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const KEYS = ['discussion', 'annotations', 'state', 'content'] as const;

/** Roots whose content really changes when `update` is applied to a copy of `doc`. */
function truthRoots(doc: Y.Doc, update: Uint8Array): Set<string> {
	const scratch = new Y.Doc();
	Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
	const roots = new Set<string>();
	scratch.on('afterTransaction', (tr: Y.Transaction) => {
		for (const type of tr.changed.keys()) {
			let t = type as Y.AbstractType<unknown>;
			while (t._item !== null) t = t._item.parent as Y.AbstractType<unknown>;
			roots.add(Y.findRootTypeKey(t));
		}
	});
	Y.applyUpdate(scratch, update);
	return roots;
}

function randomEdit(doc: Y.Doc, r: () => number) {
	const key = KEYS[Math.floor(r() * KEYS.length)];
	const op = r();
	doc.transact(() => {
		if (key === 'discussion') {
			const arr = doc.getArray<Y.Map<unknown>>('discussion');
			if (op < 0.5 || arr.length === 0) {
				const m = new Y.Map<unknown>();
				arr.insert(Math.floor(r() * (arr.length + 1)), [m]);
				m.set('text', 'c' + Math.floor(r() * 100));
				m.set('replies', new Y.Array());
			} else if (op < 0.8) {
				const m = arr.get(Math.floor(r() * arr.length));
				const replies = m.get('replies');
				if (replies instanceof Y.Array) replies.push(['reply']);
				else m.set('text', 'edited');
			} else arr.delete(Math.floor(r() * arr.length), 1);
		} else if (key === 'annotations' || key === 'state') {
			const map = doc.getMap<unknown>(key);
			const k = 'k' + Math.floor(r() * 4);
			if (op < 0.4) map.set(k, Math.floor(r() * 1000));
			else if (op < 0.7) {
				const text = new Y.Text();
				map.set(k, text);
				text.insert(0, 'hello');
			} else if (op < 0.9) {
				const v = map.get(k);
				if (v instanceof Y.Text) v.insert(Math.floor(r() * (v.length + 1)), 'x');
				else map.delete(k);
			} else map.delete(k);
		} else {
			const frag = doc.getXmlFragment('content');
			if (op < 0.6 || frag.length === 0) {
				const p = new Y.XmlElement('paragraph');
				frag.insert(Math.floor(r() * (frag.length + 1)), [p]);
				p.insert(0, [new Y.XmlText('para')]);
			} else frag.delete(Math.floor(r() * frag.length), 1);
		}
	});
}

describe('write guard', () => {
	it('never misses a root that an update really changes (random concurrent editing)', () => {
		let checked = 0;
		let exact = 0;
		for (let seed = 1; seed <= 12; seed++) {
			const r = rng(seed);
			const server = new Y.Doc();
			const clients = Array.from({ length: 4 }, () => new Y.Doc());
			const outbox: Uint8Array[][] = clients.map(() => []);
			clients.forEach((c, i) =>
				c.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && outbox[i].push(u))
			);
			for (let step = 0; step < 150; step++) {
				const i = Math.floor(r() * clients.length);
				randomEdit(clients[i], r);
				if (r() < 0.3) {
					// a peer-to-peer exchange (as through another tab): later updates then depend on other clients' items
					const j = Math.floor(r() * clients.length);
					Y.applyUpdate(clients[j], Y.encodeStateAsUpdate(clients[i], Y.encodeStateVector(clients[j])), 'sync');
				}
				if (r() < 0.5) {
					const k = Math.floor(r() * clients.length);
					// a reconnecting client sends everything the server lacks (sync step 2), else its queued updates
					const updates =
						r() < 0.3 ? [Y.encodeStateAsUpdate(clients[k], Y.encodeStateVector(server))] : outbox[k].splice(0);
					for (const u of updates) {
						const verdict = inspectUpdate(server, u, DEFAULT_COLLAB_OPTIONS);
						if (verdict.kind === 'incomplete') continue;
						expect(verdict.kind).toBe('ok');
						if (verdict.kind !== 'ok') continue;
						const truth = truthRoots(server, u);
						for (const root of truth) expect(verdict.roots, `seed ${seed} step ${step}`).toContain(root);
						checked++;
						if (truth.size === verdict.roots.size) exact++;
						Y.applyUpdate(server, u);
					}
				}
			}
		}
		expect(checked).toBeGreaterThan(300);
		expect(exact / checked).toBeGreaterThan(0.95);
	}, 120_000);

	it('reports updates with missing dependencies as incomplete instead of letting them wait inside the document', () => {
		const a = new Y.Doc();
		const updates: Uint8Array[] = [];
		a.on('update', (u: Uint8Array) => updates.push(u));
		a.getArray('discussion').push(['one']);
		a.getArray('discussion').push(['two']);
		const server = new Y.Doc();
		expect(inspectUpdate(server, updates[1], DEFAULT_COLLAB_OPTIONS).kind).toBe('incomplete');
		expect(inspectUpdate(server, updates[0], DEFAULT_COLLAB_OPTIONS)).toMatchObject({
			kind: 'ok',
			roots: new Set(['discussion'])
		});
	});

	it('tells whether an update brings structs the document lacks (a repeat or a deletion alone does not)', () => {
		const server = new Y.Doc();
		const client = new Y.Doc();
		const updates: Uint8Array[] = [];
		client.on('update', (u: Uint8Array) => updates.push(u));
		client.getArray('discussion').push(['first']);
		client.getArray('discussion').delete(0, 1);
		expect(inspectUpdate(server, updates[0], DEFAULT_COLLAB_OPTIONS)).toMatchObject({ kind: 'ok', fresh: true });
		Y.applyUpdate(server, updates[0]);
		// The room commits and broadcasts a client update only when it changed something (room.ts).
		expect(inspectUpdate(server, updates[0], DEFAULT_COLLAB_OPTIONS)).toMatchObject({ kind: 'ok', fresh: false });
		expect(inspectUpdate(server, updates[1], DEFAULT_COLLAB_OPTIONS)).toMatchObject({ kind: 'ok', fresh: false });
	});

	it('sees through origins: an item placed after a state item touches state even without naming it', () => {
		const server = new Y.Doc();
		server.getArray('state').push(['server fact']);
		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
		const sv = Y.encodeStateVector(client);
		client.getArray('state').push(['forged']);
		const update = Y.encodeStateAsUpdate(client, sv);
		const verdict = inspectUpdate(server, update, DEFAULT_COLLAB_OPTIONS);
		expect(verdict).toMatchObject({ kind: 'ok', roots: new Set(['state']) });
	});

	it('counts deletions of live items by their root, and ignores deletions of already deleted ones', () => {
		const server = new Y.Doc();
		server.getMap('state').set('phase', 'scoring');
		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
		const sv = Y.encodeStateVector(client);
		client.getMap('state').delete('phase');
		expect(inspectUpdate(server, Y.encodeStateAsUpdate(client, sv), DEFAULT_COLLAB_OPTIONS)).toMatchObject({
			roots: new Set(['state'])
		});
		server.getMap('state').delete('phase');
		expect(inspectUpdate(server, Y.encodeStateAsUpdate(client, sv), DEFAULT_COLLAB_OPTIONS)).toMatchObject({
			roots: new Set()
		});
	});
});

describe('guideline content', () => {
	/** The server with a seeded draft, and the update a client's change to a copy of it produces. */
	function draft() {
		const server = new Y.Doc();
		prosemirrorJSONToYXmlFragment(
			guidelineSchema(),
			markdownToDoc('# Guide\n\nA [link](https://example.test) and **bold** text.\n\n- one\n'),
			server.getXmlFragment('content')
		);
		const change = (fn: (doc: Y.Doc, fragment: Y.XmlFragment) => void) => {
			const client = new Y.Doc();
			Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
			const sv = Y.encodeStateVector(client);
			client.transact(() => fn(client, client.getXmlFragment('content')));
			return inspectUpdate(server, Y.encodeStateAsUpdate(client, sv), DEFAULT_COLLAB_OPTIONS);
		};
		return { server, change };
	}
	const editTo = (markdown: string) => (doc: Y.Doc, fragment: Y.XmlFragment) =>
		updateYFragment(doc, fragment, guidelineSchema().nodeFromJSON(markdownToDoc(markdown)), {
			mapping: new Map(),
			isOMark: new Map()
		});

	it('accepts what the editor writes: nodes, attributes and marks of the schema', () => {
		const { change } = draft();
		expect(
			change(
				editTo(
					'# Guide v2\n\nA [link](https://example.test/x "t") and *it* `code` ~~no~~.\n\n> [!BAD]\n> Wrong.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n![alt](https://example.test/i.png)\n'
				)
			)
		).toMatchObject({ kind: 'ok', roots: new Set(['content']) });
		expect(change((_, f) => (f.get(0) as Y.XmlElement).setAttribute('level', 2 as never))).toMatchObject({
			kind: 'ok'
		});
	});

	it('refuses node types, attributes and marks the schema does not know, and non-XML content', () => {
		const { change } = draft();
		const invalid = (fn: (doc: Y.Doc, fragment: Y.XmlFragment) => void, reason: RegExp) =>
			expect(change(fn)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(reason) });
		invalid((_, f) => f.insert(0, [new Y.XmlElement('mysteryWidget')]), /node type "mysteryWidget"/);
		invalid((_, f) => (f.get(1) as Y.XmlElement).insert(0, [new Y.XmlElement('script')]), /node type "script"/);
		invalid((_, f) => {
			const p = new Y.XmlElement('paragraph');
			f.insert(0, [p]);
			p.setAttribute('onclick', 'x');
		}, /no attribute "onclick"/);
		invalid((_, f) => (f.get(0) as Y.XmlElement).setAttribute('style', 'color: red'), /no attribute "style"/);
		invalid(
			(_, f) => ((f.get(1) as Y.XmlElement).get(0) as Y.XmlText).format(0, 2, { sparkle: {} }),
			/no mark "sparkle"/
		);
		invalid(
			(_, f) =>
				((f.get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'x', {
					link: { href: 'https://a.test', onmouseover: 'y' }
				}),
			/no attribute "onmouseover"/
		);
		invalid((_, f) => (f as unknown as Y.Array<unknown>).insert(0, ['plain value']), /only elements and text/);
		invalid(
			(_, f) => ((f.get(1) as Y.XmlElement).get(0) as Y.XmlText).insertEmbed(0, { image: 'x' }),
			/only text and marks/
		);
	});
});
