// Saving and submitting evaluations against the real server: drafts may be partial; submissions need every
// required dimension unless a gate stopped the evaluation; unknown dimensions, flags and bad values are refused
// with per-field details; a new guideline version must be acknowledged first; evaluators read only their own;
// fact-check sources are http(s) only, on the way in and on every way out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';
import { eq } from 'drizzle-orm';
import { evaluations, guidelineAcks, guidelineVersions, guidelines } from '../../drizzle/schema';
import { newId } from '../../server/domain/ids';
import { EXPORT_FORMATS } from '#shared/exports';

let server: TestServer;
let admin: Record<string, string>;
let lead: Record<string, string>;
let ana: Record<string, string>;
let ben: Record<string, string>;
let pid: string;
let rubricId: string;
const items: Record<string, string> = {};

const definition = {
	dimensions: [
		{
			key: 'feasible',
			label: 'Feasible and allowed?',
			scale: 'categorical',
			level: 'nominal',
			options: [
				{ value: 'yes', label: 'Yes' },
				{ value: 'infeasible', label: 'Infeasible' },
				{ value: 'unsafe', label: 'Unsafe' }
			],
			gate: { stopValues: ['infeasible', 'unsafe'] }
		},
		{ key: 'adherence', label: 'Instruction adherence', scale: 'likert', level: 'ordinal', min: 1, max: 5 },
		{ key: 'preserved', label: 'Unedited areas preserved', scale: 'binary', level: 'nominal' },
		{ key: 'comment', label: 'Comment', scale: 'text', level: 'nominal', required: false },
		{
			key: 'pref',
			label: 'Preference',
			scale: 'pairwise',
			level: 'ordinal',
			modalities: ['pairwise'],
			options: [
				{ value: 'A', label: 'A' },
				{ value: 'tie', label: 'Tie' },
				{ value: 'B', label: 'B' }
			]
		}
	],
	flags: [{ key: 'unsafe', label: 'Unsafe' }],
	tags: ['wrong-language'],
	spanLabels: [{ key: 'hallucination', label: 'Hallucination' }]
};

const post = (who: Record<string, string>, item: string, body: Record<string, unknown>) =>
	server.api(`/api/items/${items[item]}/evaluations`, { body: { rubricId, ...body }, headers: who });

const paths = (res: { body: { error?: { details?: { path: string }[] } } }) =>
	(res.body.error?.details ?? []).map((d) => d.path).sort();

beforeAll(async () => {
	server = await startTestServer();
	[admin, lead, ana, ben] = await Promise.all(
		['admin', 'lead', 'ana', 'ben'].map((u) => server.login(`${u}@demo.test`))
	);
	pid = (await server.api('/api/projects', { body: { name: 'Evaluation rules' }, headers: admin })).body.project.id;
	for (const [email, role] of [
		['lead@demo.test', 'lead'],
		['ana@demo.test', 'evaluator'],
		['ben@demo.test', 'evaluator']
	]) {
		await server.api(`/api/projects/${pid}/members`, { method: 'PUT', body: { email, role }, headers: admin });
	}
	rubricId = (
		await server.api(`/api/projects/${pid}/rubrics`, { body: { name: 'Edit rubric', definition }, headers: lead })
	).body.rubric.id;
	const lines = [
		{
			externalId: 'text-1',
			modality: 'text',
			language: 'pt-BR',
			payload: { prompt: 'Quando foi promulgada a Constituição?', response: 'Em 5 de outubro de 1988.' }
		},
		{ externalId: 'text-2', modality: 'text', payload: { prompt: 'p', response: 'r' } },
		{ externalId: 'text-3', modality: 'text', payload: { prompt: 'p', response: 'r' } },
		{
			externalId: 'pair-1',
			modality: 'pairwise',
			payload: {
				prompt: 'p',
				responses: [
					{ id: 'a', text: 'A' },
					{ id: 'b', text: 'B' }
				]
			}
		}
	];
	await server.api(`/api/projects/${pid}/items/import`, {
		method: 'POST',
		raw: lines.map((l) => JSON.stringify(l)).join('\n'),
		headers: lead
	});
	const listed = (await server.api(`/api/projects/${pid}/items`, { headers: lead })).body.items as {
		id: string;
		externalId: string;
	}[];
	for (const i of listed) items[i.externalId] = i.id;
});
afterAll(() => server?.close());

describe('drafts', () => {
	it('accept partial scores and keep time, spans, sources and rationale', async () => {
		const res = await post(ana, 'text-1', {
			scores: { feasible: 'yes' },
			spans: [
				{ kind: 'text', field: 'response', start: 3, end: 24, label: 'hallucination', quote: '5 de outubro de 1988.' }
			],
			sources: [{ url: 'https://www.planalto.gov.br/ccivil_03/constituicao/constituicao.htm', note: 'texto oficial' }],
			rationale: 'Data correta.',
			timeSpentMs: 4200,
			state: 'draft'
		});
		expect(res.status).toBe(201);
		expect(res.body.evaluation).toMatchObject({
			state: 'draft',
			submittedAt: null,
			timeSpentMs: 4200,
			rubricVersion: 1,
			scores: { feasible: 'yes' }
		});
		expect(res.body.evaluation.spans[0]).toMatchObject({ field: 'response', start: 3, end: 24 });
	});

	it('saved over a draft, keep its identity, creation time and re-review request, with the newest content', async () => {
		const first = (
			await post(ana, 'text-3', { scores: { feasible: 'yes' }, rationale: 'first', timeSpentMs: 1000, state: 'draft' })
		).body.evaluation;
		// Sent back for re-review while it is a draft again: autosaves must keep the request open.
		await server.deps.db.update(evaluations).set({ reviewRequestedAt: 1234 }).where(eq(evaluations.id, first.id));
		const second = await post(ana, 'text-3', {
			scores: { feasible: 'yes', adherence: 2 },
			flags: ['unsafe'],
			rationale: 'second',
			timeSpentMs: 2500,
			state: 'draft'
		});
		expect(second.status).toBe(201);
		expect(second.body.evaluation).toMatchObject({
			id: first.id,
			createdAt: first.createdAt,
			state: 'draft',
			rationale: 'second',
			timeSpentMs: 2500,
			flags: ['unsafe'],
			scores: { feasible: 'yes', adherence: 2 }
		});
		const stored = (await server.api(`/api/items/${items['text-3']}/evaluations`, { headers: ana })).body.evaluations;
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ id: first.id, rationale: 'second', reviewRequestedAt: 1234, state: 'draft' });
		await server.deps.db.update(evaluations).set({ reviewRequestedAt: null }).where(eq(evaluations.id, first.id));
	});

	it('still refuse values that do not fit and dimensions the rubric does not have', async () => {
		const res = await post(ana, 'text-1', { scores: { adherence: 9, bogus: 1 }, state: 'draft' });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('validation_failed');
		expect(res.body.error.details).toEqual(
			expect.arrayContaining([
				{ path: 'scores.bogus', message: 'is not a dimension of this rubric' },
				{ path: 'scores.adherence', message: 'must be between 1 and 5' }
			])
		);
	});
});

describe('fact-check sources', () => {
	it('accept http and https only: any other scheme is a 400 and changes nothing', async () => {
		const before = (await server.api(`/api/items/${items['text-1']}/evaluations`, { headers: ana })).body.evaluations;
		for (const url of [
			'javascript:alert(document.cookie)',
			'JAVASCRIPT:alert(1)',
			'data:text/html,<script>alert(1)</script>',
			'ftp://files.example/x',
			'vbscript:msgbox(1)'
		]) {
			const res = await post(ana, 'text-1', {
				scores: { feasible: 'yes' },
				sources: [
					{ url: 'https://ok.example', note: '' },
					{ url, note: 'x' }
				],
				state: 'draft'
			});
			expect(res.status, url).toBe(400);
			expect(res.body.error.code).toBe('validation_failed');
			expect(paths(res)).toEqual(['sources.1.url']);
		}
		expect((await server.api(`/api/items/${items['text-1']}/evaluations`, { headers: ana })).body.evaluations).toEqual(
			before
		);
		expect(
			(
				await post(ana, 'text-1', {
					scores: { feasible: 'yes' },
					sources: [{ url: 'http://ok.example/a', note: '' }],
					state: 'draft'
				})
			).status
		).toBe(201);
	});

	it('never leave the server with another scheme, even from a row written before the rule', async () => {
		const anaId = (await server.api('/api/me', { headers: ana })).body.user.id as string;
		const now = Date.now();
		const sources = [
			{ url: 'javascript:alert(document.cookie)', note: 'legacy' },
			{ url: 'https://ibge.gov.br/censo', note: 'ok' },
			{ url: 'data:text/html,x', note: '' }
		];
		await server.deps.db.insert(evaluations).values({
			id: newId(),
			projectId: pid,
			itemId: items['pair-1'],
			evaluatorId: anaId,
			rubricId,
			rubricVersion: 1,
			scores: { feasible: 'yes' },
			flags: [],
			tags: [],
			spans: [],
			sources,
			rationale: 'legacy row',
			state: 'submitted',
			createdAt: now,
			updatedAt: now,
			submittedAt: now
		});
		const read = await server.api(`/api/items/${items['pair-1']}/evaluations`, { headers: lead });
		expect(read.body.evaluations.map((e: { sources: unknown }) => e.sources)).toEqual([
			[{ url: 'https://ibge.gov.br/censo', note: 'ok' }]
		]);
		// The raw bytes (the api helper would parse a one-line JSONL as JSON).
		const exported = async (format: string) => {
			const res = await fetch(`${server.url}/api/projects/${pid}/export?format=${format}`, { headers: lead });
			expect(res.status, format).toBe(200);
			return res.text();
		};
		for (const format of EXPORT_FORMATS) expect(await exported(format), format).not.toMatch(/javascript:|data:text/i);
		const jsonl = await exported('jsonl');
		expect(jsonl).toContain('legacy row');
		const legacy = jsonl
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l))
			.find((r) => r.rationale === 'legacy row');
		expect(legacy.sources).toEqual([{ url: 'https://ibge.gov.br/censo', note: 'ok' }]);
	});
});

describe('submissions', () => {
	it('list every missing required dimension by path', async () => {
		const res = await post(ana, 'text-1', { scores: { feasible: 'yes' }, state: 'submitted' });
		expect(res.status).toBe(400);
		expect(paths(res)).toEqual(['scores.adherence', 'scores.preserved']);
		expect(res.body.error.details[0].message).toBe('is required');
	});

	it('refuse unknown keys, dimensions of another modality, bad values and unknown flags', async () => {
		const unknown = await post(ana, 'text-1', {
			scores: { feasible: 'yes', adherence: 4, preserved: true, pref: 'A' },
			state: 'submitted'
		});
		expect(unknown.status).toBe(400);
		expect(paths(unknown)).toEqual(['scores.pref']);
		const bad = await post(ana, 'text-1', {
			scores: { feasible: 'maybe', adherence: 2.5, preserved: 'yes' },
			state: 'submitted'
		});
		expect(paths(bad)).toEqual(['scores.adherence', 'scores.feasible', 'scores.preserved']);
		const flags = await post(ana, 'text-1', {
			scores: { feasible: 'yes', adherence: 4, preserved: true },
			flags: ['made-up'],
			state: 'submitted'
		});
		expect(flags.status).toBe(400);
		expect(flags.body.error.details).toEqual([{ path: 'flags', message: 'made-up is not a flag of this rubric' }]);
	});

	it('accept only the gate when it stops the evaluation (the rest is not required)', async () => {
		const res = await post(ben, 'text-1', { scores: { feasible: 'unsafe' }, flags: ['unsafe'], state: 'submitted' });
		expect(res.status).toBe(201);
		expect(res.body.evaluation).toMatchObject({ state: 'submitted', scores: { feasible: 'unsafe' } });
		expect(res.body.evaluation.submittedAt).toEqual(expect.any(Number));
		const gateMissing = await post(ben, 'text-2', { scores: { adherence: 3, preserved: false }, state: 'submitted' });
		expect(paths(gateMissing)).toEqual(['scores.feasible']);
	});

	it('apply per-modality dimensions (pairwise needs its preference)', async () => {
		const res = await post(ana, 'pair-1', {
			scores: { feasible: 'yes', adherence: 5, preserved: 1 },
			state: 'submitted'
		});
		expect(paths(res)).toEqual(['scores.pref']);
		expect(
			(
				await post(ana, 'pair-1', {
					scores: { feasible: 'yes', adherence: 5, preserved: 1, pref: 'tie' },
					state: 'submitted'
				})
			).status
		).toBe(201);
	});

	it('turn a draft into a submission and show evaluators only their own', async () => {
		const res = await post(ana, 'text-1', {
			scores: { feasible: 'yes', adherence: 4, preserved: true, comment: 'ok' },
			rationale: 'Correto.',
			timeSpentMs: 9000,
			state: 'submitted'
		});
		expect(res.status).toBe(201);
		const mine = await server.api(`/api/items/${items['text-1']}/evaluations`, { headers: ana });
		expect(mine.body.evaluations).toHaveLength(1);
		expect(mine.body.evaluations[0]).toMatchObject({ state: 'submitted', timeSpentMs: 9000, rationale: 'Correto.' });
		const all = await server.api(`/api/items/${items['text-1']}/evaluations`, { headers: lead });
		expect(all.body.evaluations.map((e: { evaluatorName: string }) => e.evaluatorName).sort()).toEqual([
			'Ana Souza',
			'Ben Carter'
		]);
	});
});

describe('re-review', () => {
	it('tells the evaluator which of their evaluations was sent back, until they resubmit', async () => {
		const mineOf = async () =>
			(await server.api(`/api/items/${items['pair-1']}/evaluations`, { headers: ana })).body.evaluations[0];
		expect((await mineOf()).reviewRequestedAt).toBeNull();
		await server.deps.db
			.update(evaluations)
			.set({ reviewRequestedAt: Date.now() })
			.where(eq(evaluations.itemId, items['pair-1']));
		expect((await mineOf()).reviewRequestedAt).toEqual(expect.any(Number));
		const queue = (await server.api(`/api/projects/${pid}/queue`, { headers: ana })).body.items;
		expect(queue[0]).toMatchObject({ id: items['pair-1'], reviewRequested: true, myState: 'submitted' });
		expect(
			(
				await post(ana, 'pair-1', {
					scores: { feasible: 'yes', adherence: 4, preserved: 1, pref: 'A' },
					state: 'submitted'
				})
			).status
		).toBe(201);
		expect((await mineOf()).reviewRequestedAt).toBeNull();
	});
});

describe('guideline acknowledgement', () => {
	it('requires acknowledging a new guideline version before submitting, but lets drafts save', async () => {
		const { db } = server.deps;
		const guidelineId = newId();
		const versionId = newId();
		await db.insert(guidelines).values({ id: guidelineId, projectId: pid, title: 'Rules', createdAt: Date.now() });
		await db.insert(guidelineVersions).values({
			id: versionId,
			guidelineId,
			number: 1,
			content: {},
			markdown: '# Rules',
			changelog: '',
			dimensions: [],
			publishedAt: Date.now()
		});
		const scores = { feasible: 'yes', adherence: 2, preserved: false };
		const draft = await post(ben, 'text-2', { scores, state: 'draft' });
		expect(draft.status).toBe(201);
		const blocked = await post(ben, 'text-2', { scores, state: 'submitted' });
		expect(blocked.status).toBe(409);
		expect(blocked.body.error).toMatchObject({
			code: 'acknowledgement_required',
			details: { guidelineId, version: 1 }
		});
		await db
			.insert(guidelineAcks)
			.values({ versionId, userId: (await server.api('/api/me', { headers: ben })).body.user.id, at: Date.now() });
		const ok = await post(ben, 'text-2', { scores, state: 'submitted' });
		expect(ok.status).toBe(201);
		expect(ok.body.evaluation.guidelineVersionId).toBe(versionId);
	});
});

describe('who may evaluate', () => {
	it('refuses managers and non-members', async () => {
		const pm = await server.login('pm@demo.test');
		expect((await post(pm, 'text-1', { scores: {}, state: 'draft' })).status).toBe(404);
		await server.api(`/api/projects/${pid}/members`, {
			method: 'PUT',
			body: { email: 'pm@demo.test', role: 'manager' },
			headers: admin
		});
		expect((await post(pm, 'text-1', { scores: {}, state: 'draft' })).status).toBe(403);
	});
});
