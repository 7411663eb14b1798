// The guideline room end to end over real WebSockets: the draft is seeded from the latest version before anyone
// joins, two leads editing `content` at the same time (through the same y-tiptap fragment updates the editor
// makes) converge on both clients and on the server, publishing freezes the converged text, and an evaluator may
// comment in `discussion` but an attempt to write `content` closes their connection with 4403 and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { updateYFragment, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { roomName } from '#shared/rooms';
import { guidelineSchema } from '#shared/guideline-schema';
import { markdownToDoc, type PmNode } from '#shared/markdown-doc';
import { docToMarkdown } from '#shared/doc-markdown';
import { setMembership } from '../../server/db/projects';
import { newId } from '../../server/domain/ids';
import { guidelineVersions } from '../../drizzle/schema';
import {
	connect,
	eventually,
	removeDataDir,
	startCollabServer,
	within,
	type Client,
	type CollabServer
} from './fixture';
import type { Person } from './world';

let server: CollabServer;
let room: string;
const clients: Client[] = [];
const open = (who: Person) => {
	const c = connect(server, room, who);
	clients.push(c);
	return c;
};

const SEED = '# Guide\n\nScore accuracy first.\n\n## Tone\n\nUse Brazilian Portuguese.\n';

const markdownOf = (doc: Y.Doc) =>
	docToMarkdown(yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('content')) as PmNode);

/** What the editor binding does on a local change: make the fragment match the new ProseMirror document. */
function edit(doc: Y.Doc, change: (json: PmNode) => PmNode) {
	const current = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('content')) as PmNode;
	const next = guidelineSchema().nodeFromJSON(change(structuredClone(current)));
	doc.transact(() =>
		updateYFragment(doc, doc.getXmlFragment('content'), next, { mapping: new Map(), isOMark: new Map() })
	);
}

function http(path: string, who: Person, body?: unknown) {
	return fetch(server.url + path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: {
			cookie: server.world.cookie[who],
			origin: server.url,
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
}

async function serverMarkdown(): Promise<string> {
	let md = '';
	await server.deps.rooms.update(room, (doc) => {
		md = markdownOf(doc);
	});
	return md;
}

beforeAll(async () => {
	server = await startCollabServer();
	const w = server.world;
	room = roomName('guideline', w.guidelineId);
	await setMembership(server.deps.db, w.projectId, w.userId.chen, 'lead', null);
	const content = markdownToDoc(SEED);
	await server.deps.db.insert(guidelineVersions).values({
		id: newId(),
		guidelineId: w.guidelineId,
		number: 1,
		content,
		markdown: docToMarkdown(content),
		changelog: 'v1',
		dimensions: [],
		publishedBy: w.userId.lead,
		publishedAt: Date.now()
	});
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server.close();
	removeDataDir(server);
});

describe('guideline room', () => {
	it('two leads co-edit the seeded draft at the same time and converge; publishing freezes the result', async () => {
		expect((await http(`/api/guidelines/${server.world.guidelineId}`, 'lead')).status).toBe(200);
		const lead = open('lead');
		const chen = open('chen');
		await within(Promise.all([lead.synced, chen.synced]), 5000, 'both synced');
		expect(markdownOf(lead.doc)).toBe(SEED);
		expect(markdownOf(chen.doc)).toBe(SEED);

		// Both change the document before either has seen the other's change.
		edit(lead.doc, (d) => ({
			...d,
			content: [...d.content!, { type: 'paragraph', content: [{ type: 'text', text: 'Lead note: cite sources.' }] }]
		}));
		edit(chen.doc, (d) => {
			d.content![1].content![0].text += ' Then relevance.';
			return d;
		});

		const expected =
			'# Guide\n\nScore accuracy first. Then relevance.\n\n## Tone\n\nUse Brazilian Portuguese.\n\nLead note: cite sources.\n';
		await eventually(() => markdownOf(lead.doc) === expected && markdownOf(chen.doc) === expected, 5000, 'convergence');
		expect(await serverMarkdown()).toBe(expected);

		const res = await http(`/api/guidelines/${server.world.guidelineId}/publish`, 'chen', {
			changelog: 'Relevance and sources'
		});
		expect(res.status).toBe(201);
		expect((await res.json()).version).toMatchObject({ number: 2, markdown: expected });
	});

	it('closes a lead with 4400 who writes a node type the schema does not know, and keeps the draft', async () => {
		const lead = open('lead');
		const chen = open('chen');
		await within(Promise.all([lead.synced, chen.synced]), 5000, 'synced');
		const before = await serverMarkdown();
		const widget = new Y.XmlElement('mysteryWidget');
		lead.doc.transact(() => {
			lead.doc.getXmlFragment('content').insert(0, [widget]);
			widget.insert(0, [new Y.XmlText('not in the schema')]);
		});
		const closed = await within(lead.closed, 5000, 'lead closed');
		expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/mysteryWidget/) });
		expect(await serverMarkdown()).toBe(before);
		expect(chen.doc.getXmlFragment('content').toJSON()).not.toContain('mysteryWidget');
		expect(
			(await http(`/api/guidelines/${server.world.guidelineId}/publish`, 'chen', { changelog: 'Nothing new' })).status
		).toBe(409); // the draft is still version 2
	});

	it('lets an evaluator comment but closes them with 4403 when they write the text', async () => {
		const lead = open('lead');
		const ana = open('ana');
		await within(Promise.all([lead.synced, ana.synced]), 5000, 'synced');
		const before = await serverMarkdown();

		const comment = new Y.Map<unknown>();
		ana.doc.transact(() => {
			comment.set('id', 'c1');
			comment.set('author', server.world.userId.ana);
			comment.set('text', 'Does "relevance" include tone?');
			comment.set('createdAt', Date.now());
			comment.set('anchor', { quote: 'Then relevance.' });
			comment.set('replies', new Y.Array());
			ana.doc.getArray('discussion').push([comment]);
		});
		await eventually(
			() =>
				lead.doc
					.getArray<Y.Map<unknown>>('discussion')
					.toArray()
					.some((c) => c.get('id') === 'c1'),
			5000,
			'comment reaches the lead'
		);

		edit(ana.doc, (d) => ({
			...d,
			content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Evaluator rewrite.' }] }]
		}));
		expect((await within(ana.closed, 5000, 'evaluator closed')).code).toBe(4403);
		expect(await serverMarkdown()).toBe(before);
		expect(markdownOf(lead.doc)).toBe(before);
	});
});
