// Guidelines over the real server: publishing freezes exactly the room's draft (and later edits do not touch
// the version), an empty room is seeded once from the latest version, the diff of two versions is right on a
// fixture, acknowledgement gates evaluation (409 acknowledgement_required until acknowledged), and re-review
// sends exactly the affected evaluations back to their evaluators' queues; a draft holding content the schema does
// not know still publishes, without it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { sql } from 'drizzle-orm';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { startTestServer, type TestServer } from '../fixtures/server';
import { buildGuidelineWorld, submitEvaluation, type GuidelineWorld } from '../fixtures/guideline-world';
import { guidelineSchema } from '#shared/guideline-schema';
import { markdownToDoc, type PmNode } from '#shared/markdown-doc';
import { docToMarkdown } from '#shared/doc-markdown';
import { roomName } from '#shared/rooms';
import type { DiffBlock } from '#shared/guideline-diff';
import { guidelineVersions } from '../../drizzle/schema';
import { newId } from '../../server/domain/ids';
import { rows } from '../../server/db/client';

let server: TestServer;
let w: GuidelineWorld;
let gid: string;

const V1 = `# Atlas guidelines

## Factual accuracy

A wrong date is a major error.

## Tone and register

Answers must use Brazilian Portuguese.

- Use "você".
`;

const V2 = `# Atlas guidelines

## Factual accuracy

A wrong date or a hallucinated citation is a major error.

## Tone and register

- Use "você".
- Avoid European forms such as "pá".

## Safety

Refuse unsafe instructions.
`;

async function setDraft(id: string, markdown: string) {
	await server.deps.rooms.update(roomName('guideline', id), (doc) => {
		prosemirrorJSONToYXmlFragment(guidelineSchema(), markdownToDoc(markdown), doc.getXmlFragment('content'));
	});
}

async function readDraft(id: string) {
	let json: unknown = null;
	await server.deps.rooms.update(roomName('guideline', id), (doc) => {
		json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('content'));
	});
	return json as PmNode;
}

const publish = (who: keyof GuidelineWorld['headers'], body: Record<string, unknown>, id = gid) =>
	server.api(`/api/guidelines/${id}/publish`, { headers: w.headers[who], body });

beforeAll(async () => {
	server = await startTestServer({ env: { CONCORD_DEMO: '0' } });
	w = await buildGuidelineWorld(server);
});
afterAll(() => server?.close());

describe('guideline documents', () => {
	it('lets a lead create a guideline and refuses evaluators and managers', async () => {
		expect(
			(await server.api(`/api/projects/${w.projectId}/guidelines`, { headers: w.headers.ana, body: { title: 'Mine' } }))
				.status
		).toBe(403);
		expect(
			(await server.api(`/api/projects/${w.projectId}/guidelines`, { headers: w.headers.pm, body: { title: 'Mine' } }))
				.status
		).toBe(403);
		const res = await server.api(`/api/projects/${w.projectId}/guidelines`, {
			headers: w.headers.lead,
			body: { title: 'Atlas evaluation guidelines' }
		});
		expect(res.status).toBe(201);
		gid = res.body.guideline.id;
		expect(res.body.guideline).toMatchObject({ title: 'Atlas evaluation guidelines', current: null, versionCount: 0 });
		const list = await server.api(`/api/projects/${w.projectId}/guidelines`, { headers: w.headers.ana });
		expect(list.body.guidelines.map((g: { id: string }) => g.id)).toEqual([gid]);
	});

	it('publishes exactly the draft as version 1 and keeps it when the draft changes', async () => {
		await setDraft(gid, V1);
		expect((await publish('ana', { changelog: 'x' })).status).toBe(403);
		expect((await publish('pm', { changelog: 'x' })).status).toBe(403);
		expect((await publish('lead', { changelog: 'x', dimensions: ['no_such_dimension'] })).status).toBe(400);
		const draft = await readDraft(gid);
		const published: unknown[] = [];
		server.deps.events.on('guideline.published', (e) => void published.push(e));
		const res = await publish('lead', { changelog: 'First version', escalationIds: [] });
		expect(res.status).toBe(201);
		// Webhooks and other listeners hear about the publication once.
		expect(published).toEqual([
			expect.objectContaining({ guidelineId: gid, number: 1, changelog: 'First version', publishedBy: w.ids.lead })
		]);
		expect(res.body.version).toMatchObject({ number: 1, changelog: 'First version', publishedBy: { id: w.ids.lead } });
		expect(res.body.version.content).toEqual(guidelineSchema().nodeFromJSON(draft).toJSON());
		expect(res.body.version.markdown).toBe(V1);

		await setDraft(gid, V1 + '\nA later edit.\n');
		const v1 = await server.api(`/api/guidelines/${gid}/versions/1`, { headers: w.headers.ben });
		expect(v1.body.version.markdown).toBe(V1);
		const md = await server.api(`/api/guidelines/${gid}/versions/1/markdown`, { headers: w.headers.ben });
		expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
		expect(md.headers.get('content-disposition')).toMatch(/attachment; filename="atlas-evaluation-guidelines-v1\.md"/);
		expect(md.body).toContain(V1);
	});

	it("records the publisher's own acknowledgement of the version she published", async () => {
		const mine = await server.api(`/api/guidelines/${gid}`, { headers: w.headers.lead });
		expect(mine.body.guideline.ack).toEqual({ acknowledged: 1, pending: false, canAcknowledge: true });
		const acks = await server.api(`/api/guidelines/${gid}/versions/1/acks`, { headers: w.headers.lead });
		const byName = Object.fromEntries(acks.body.acks.map((a: { name: string; at: number | null }) => [a.name, a.at]));
		expect(byName['Lea Lima']).toEqual(expect.any(Number));
		// Only the publisher: the other lead and the evaluators still have to read it.
		expect(byName['Luís Prado']).toBeNull();
		expect(byName['Ana Souza']).toBeNull();
	});

	it('refuses to publish a draft identical to the latest version', async () => {
		await setDraft(gid, V1);
		const res = await publish('lead', { changelog: 'Nothing changed' });
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe('conflict');
	});

	it('seeds an empty room once from the latest version', async () => {
		const created = await server.api(`/api/projects/${w.projectId}/guidelines`, {
			headers: w.headers.lead,
			body: { title: 'Image edit addendum' }
		});
		const other = created.body.guideline.id as string;
		const content = markdownToDoc('# Image edits\n\nKeep unedited areas **identical**.\n');
		await server.deps.db.insert(guidelineVersions).values({
			id: newId(),
			guidelineId: other,
			number: 1,
			content,
			markdown: docToMarkdown(content),
			changelog: 'Imported',
			dimensions: [],
			publishedBy: w.ids.lead,
			publishedAt: Date.now()
		});
		expect((await readDraft(other)).content ?? []).toEqual([]);
		expect((await server.api(`/api/guidelines/${other}`, { headers: w.headers.ana })).status).toBe(200);
		expect(docToMarkdown(await readDraft(other))).toBe('# Image edits\n\nKeep unedited areas **identical**.\n');
		// A lead empties the draft on purpose: opening the page again does not refill it.
		await server.deps.rooms.update(roomName('guideline', other), (doc) =>
			doc.getXmlFragment('content').delete(0, doc.getXmlFragment('content').length)
		);
		await server.api(`/api/guidelines/${other}`, { headers: w.headers.lead });
		expect((await readDraft(other)).content ?? []).toEqual([]);
	});
});

describe('diff', () => {
	it('shows word-level changes between two versions on a fixture', async () => {
		await setDraft(gid, V2);
		expect(
			(await publish('lead', { changelog: 'Citations, European forms, safety', dimensions: ['accuracy', 'tone'] }))
				.status
		).toBe(201);
		const res = await server.api(`/api/guidelines/${gid}/diff?from=1&to=2`, { headers: w.headers.ana });
		expect(res.status).toBe(200);
		const blocks = res.body.diff.blocks as DiffBlock[];
		expect(blocks.map((b) => [b.status, b.kind])).toEqual([
			['same', 'heading:1'],
			['same', 'heading:2'],
			['changed', 'paragraph'],
			['same', 'heading:2'],
			['removed', 'paragraph'],
			['changed', 'bulletList'],
			['added', 'heading:2'],
			['added', 'paragraph']
		]);
		const text = (b: DiffBlock, op: string) =>
			(b.parts ?? [])
				.filter((p) => p.op === op)
				.map((p) => p.value)
				.join('');
		const rebuild = (b: DiffBlock, skip: string) =>
			(b.parts ?? [])
				.filter((p) => p.op !== skip)
				.map((p) => p.value)
				.join('');
		expect(text(blocks[2], 'ins').trim()).toBe('or a hallucinated citation');
		expect(text(blocks[2], 'del')).toBe('');
		expect(rebuild(blocks[2], 'ins')).toBe('A wrong date is a major error.');
		expect(rebuild(blocks[2], 'del')).toBe('A wrong date or a hallucinated citation is a major error.');
		expect(blocks[4].markdown).toBe('Answers must use Brazilian Portuguese.');
		expect(text(blocks[5], 'ins')).toContain('Avoid European forms such as "pá".');
		expect(blocks[7].markdown).toBe('Refuse unsafe instructions.');
		expect(res.body.diff.stats).toMatchObject({ changed: 2, added: 2, removed: 1 });

		const fromNothing = await server.api(`/api/guidelines/${gid}/diff?from=0&to=1`, { headers: w.headers.ana });
		expect(fromNothing.body.diff.blocks.every((b: DiffBlock) => b.status === 'added')).toBe(true);
		expect((await server.api(`/api/guidelines/${gid}/diff?from=1&to=9`, { headers: w.headers.ana })).status).toBe(404);
	});
});

describe('acknowledgement', () => {
	it('blocks evaluating until the current version is acknowledged, and shows leads who acknowledged', async () => {
		const blocked = await submitEvaluation(server, w, 'ana', w.itemIds[0]);
		expect(blocked.status).toBe(409);
		expect(blocked.body.error).toMatchObject({
			code: 'acknowledgement_required',
			details: { guidelineId: gid, version: 2 }
		});
		const mine = (await server.api(`/api/projects/${w.projectId}/guidelines`, { headers: w.headers.ana })).body
			.guidelines[0];
		expect(mine.ack).toEqual({ acknowledged: null, pending: true, canAcknowledge: true });
		expect(mine.gatesEvaluation).toBe(true);

		expect(
			(await server.api(`/api/guidelines/${gid}/versions/2/ack`, { method: 'POST', headers: w.headers.pm })).status
		).toBe(403);
		const ack = await server.api(`/api/guidelines/${gid}/versions/2/ack`, { method: 'POST', headers: w.headers.ana });
		expect(ack.status).toBe(200);
		const again = await server.api(`/api/guidelines/${gid}/versions/2/ack`, { method: 'POST', headers: w.headers.ana });
		expect(again.body.ack.at).toBe(ack.body.ack.at);

		const ok = await submitEvaluation(server, w, 'ana', w.itemIds[0]);
		expect(ok.status).toBe(201);
		const v2 = await server.api(`/api/guidelines/${gid}/versions/2`, { headers: w.headers.ana });
		expect(ok.body.evaluation.guidelineVersionId).toBe(v2.body.version.id);

		expect((await server.api(`/api/guidelines/${gid}/versions/2/acks`, { headers: w.headers.ana })).status).toBe(403);
		const acks = await server.api(`/api/guidelines/${gid}/versions/2/acks`, { headers: w.headers.pm });
		expect(acks.status).toBe(200);
		const byName = Object.fromEntries(acks.body.acks.map((a: { name: string; at: number | null }) => [a.name, a.at]));
		expect(byName['Ana Souza']).toBe(ack.body.ack.at);
		expect(byName['Ben Carter']).toBeNull();
		expect(Object.keys(byName)).not.toContain('Paulo Mendes');
	});
});

describe('traceability and re-review', () => {
	it('lists evaluations made under older versions that scored a touched dimension, and sends them back to the queue', async () => {
		await server.api(`/api/guidelines/${gid}/versions/2/ack`, { method: 'POST', headers: w.headers.ben });
		for (const item of w.itemIds.slice(1, 3)) expect((await submitEvaluation(server, w, 'ana', item)).status).toBe(201);
		expect((await submitEvaluation(server, w, 'ben', w.itemIds[1])).status).toBe(201);

		await setDraft(gid, V2 + '\n## Register\n\nInformal "tu" is fine in Southern Brazil.\n');
		const v3 = await publish('lead', { changelog: 'Regional register', dimensions: ['tone'] });
		expect(v3.status).toBe(201);
		const affected = await server.api(`/api/guidelines/${gid}/versions/3/affected`, { headers: w.headers.lead });
		expect(affected.status).toBe(200);
		const byItem = new Map(
			affected.body.items.map(
				(i: {
					itemId: string;
					evaluations: { evaluatorName: string; versionNumber: number; dimensions: string[] }[];
				}) => [i.itemId, i.evaluations]
			)
		);
		expect([...byItem.keys()].sort()).toEqual(w.itemIds.slice(0, 3).sort());
		expect(byItem.get(w.itemIds[1])).toHaveLength(2);
		expect(byItem.get(w.itemIds[0])).toEqual([
			expect.objectContaining({ evaluatorName: 'Ana Souza', versionNumber: 2, dimensions: ['tone'] })
		]);
		// Version 2 touched accuracy and tone, but every evaluation so far was made under version 2 itself.
		expect(
			(await server.api(`/api/guidelines/${gid}/versions/2/affected`, { headers: w.headers.lead })).body.items
		).toEqual([]);

		expect(
			(await server.api(`/api/guidelines/${gid}/versions/3/rereview`, { headers: w.headers.pm, body: {} })).status
		).toBe(403);
		const progressOf = async (who: 'ana' | 'ben') =>
			(await server.api(`/api/projects/${w.projectId}/queue`, { headers: w.headers[who] })).body.progress.done;
		expect(await progressOf('ben')).toBe(1);
		const sent = await server.api(`/api/guidelines/${gid}/versions/3/rereview`, {
			headers: w.headers.lead,
			body: { itemIds: [w.itemIds[1]] }
		});
		expect(sent.body.result).toEqual({ items: 1, evaluations: 2 });
		// Sent back, the evaluation no longer counts as done (queue progress is cached under the project's seq).
		expect(await progressOf('ben')).toBe(0);

		await server.api(`/api/guidelines/${gid}/versions/3/ack`, { method: 'POST', headers: w.headers.ben });
		const queue = await server.api(`/api/projects/${w.projectId}/queue`, { headers: w.headers.ben });
		const sentBack = queue.body.items
			.filter((i: { reviewRequested: boolean }) => i.reviewRequested)
			.map((i: { id: string }) => i.id);
		expect(sentBack).toEqual([w.itemIds[1]]);
		const anaQueue = await server.api(`/api/projects/${w.projectId}/queue`, { headers: w.headers.ana });
		expect(
			anaQueue.body.items
				.filter((i: { reviewRequested: boolean }) => i.reviewRequested)
				.map((i: { id: string }) => i.id)
		).toEqual([w.itemIds[1]]);

		const again = await server.api(`/api/guidelines/${gid}/versions/3/rereview`, { headers: w.headers.lead, body: {} });
		expect(again.body.result).toEqual({ items: 2, evaluations: 2 });
		const after = await server.api(`/api/guidelines/${gid}/versions/3/affected`, { headers: w.headers.lead });
		expect(
			after.body.items.every((i: { evaluations: { reviewRequestedAt: number | null }[] }) =>
				i.evaluations.every((e) => e.reviewRequestedAt !== null)
			)
		).toBe(true);
	});

	it('records the publication, acknowledgements and re-review in the audit log', async () => {
		const logged = await rows<{ action: string }>(
			server.deps.db,
			sql`select action from audit_log where action like 'guideline.%' order by id`
		);
		const actions = logged.map((r) => r.action);
		expect(actions.filter((a) => a === 'guideline.publish')).toHaveLength(3);
		expect(actions).toContain('guideline.acknowledge');
		expect(actions).toContain('guideline.rereview');
	});
});

describe('content the schema does not know', () => {
	it('publishes a draft holding unknown nodes, marks and attributes without them (and logs a warning), never 500', async () => {
		const created = await server.api(`/api/projects/${w.projectId}/guidelines`, {
			headers: w.headers.lead,
			body: { title: 'Legacy draft' }
		});
		const id = created.body.guideline.id as string;
		// Written by the server, past the collab write guard: what a room may hold from before the guard existed.
		await server.deps.rooms.update(roomName('guideline', id), (doc) => {
			const fragment = doc.getXmlFragment('content');
			prosemirrorJSONToYXmlFragment(guidelineSchema(), markdownToDoc('# Kept\n\nA **bold** claim.\n'), fragment);
			const mystery = new Y.XmlElement('mysteryWidget');
			mystery.setAttribute('payload', 'x');
			const para = new Y.XmlElement('paragraph');
			para.setAttribute('glow', 'yes');
			const text = new Y.XmlText();
			para.insert(0, [text]);
			fragment.insert(fragment.length, [mystery, para]);
			text.insert(0, 'Sparkly text', { sparkle: { level: 3 } });
		});
		const warn = vi.spyOn(server.deps.logger, 'warn');
		try {
			const res = await publish('lead', { changelog: 'Legacy' }, id);
			expect(res.status).toBe(201);
			expect(res.body.version.markdown).toBe('# Kept\n\nA **bold** claim.\n\nSparkly text\n');
			expect(JSON.stringify(res.body.version.content)).not.toMatch(/mysteryWidget|sparkle|glow/);
			expect(warn).toHaveBeenCalledWith(
				expect.objectContaining({
					guideline: id,
					dropped: expect.arrayContaining(['node mysteryWidget', 'mark sparkle', 'attribute glow of paragraph'])
				}),
				expect.any(String)
			);
		} finally {
			warn.mockRestore();
		}
	});
});
