// Projects, rubrics, items and evaluations: what each role may see and do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';
import { sql } from 'drizzle-orm';
import { row } from '../../server/db/client';

let server: TestServer;
let pid: string;
let lead: Record<string, string>;
let ana: Record<string, string>;
let ben: Record<string, string>;
let pm: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
	server = await startTestServer();
	[lead, ana, ben, pm, admin] = await Promise.all(
		['lead', 'ana', 'ben', 'pm', 'admin'].map((u) => server.login(`${u}@demo.test`))
	);
	pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id;
});
afterAll(() => server.close());

describe('projects and rubrics', () => {
	it('lists the demo project for its members with their role', async () => {
		const res = await server.api('/api/projects', { headers: ana });
		expect(res.body.projects).toHaveLength(1);
		expect(res.body.projects[0]).toMatchObject({ id: pid, role: 'evaluator' });
	});

	it('lets only admins create projects, and hides projects from non-members', async () => {
		expect((await server.api('/api/projects', { body: { name: 'New' }, headers: lead })).status).toBe(403);
		const created = await server.api('/api/projects', { body: { name: 'Side project' }, headers: admin });
		expect(created.status).toBe(201);
		const other = created.body.project.id;
		expect((await server.api(`/api/projects/${other}`, { headers: ana })).status).toBe(404);
		expect((await server.api(`/api/projects/${other}/items`, { headers: ana })).status).toBe(404);
		expect((await server.api(`/api/projects/${other}/rubrics`, { headers: lead })).status).toBe(404);
	});

	it('returns rubrics with dimensions, scales and levels', async () => {
		const res = await server.api(`/api/projects/${pid}/rubrics`, { headers: ana });
		expect(res.status).toBe(200);
		const dims = res.body.rubrics[0].dimensions;
		expect(dims.length).toBeGreaterThan(3);
		for (const d of dims)
			expect(d).toMatchObject({
				key: expect.any(String),
				label: expect.any(String),
				scale: expect.any(String),
				level: expect.any(String)
			});
	});

	it('requires sign-in', async () => {
		expect((await server.api(`/api/projects/${pid}/items`)).status).toBe(401);
	});
});

describe('items', () => {
	it('covers every modality and hides gold from evaluators only', async () => {
		const asLead = await server.api(`/api/projects/${pid}/items?limit=100`, { headers: lead });
		const asAna = await server.api(`/api/projects/${pid}/items?limit=100`, { headers: ana });
		const modalities = new Set(asLead.body.items.map((i: { modality: string }) => i.modality));
		expect([...modalities].sort()).toEqual([
			'caption',
			'chat',
			'image_edit',
			'multimodal',
			'pairwise',
			'text',
			'video'
		]);
		expect(asLead.body.total).toBeGreaterThanOrEqual(30);
		expect(asLead.body.items.some((i: { gold: unknown }) => i.gold)).toBe(true);
		expect(asAna.body.items.every((i: { gold: unknown }) => i.gold === null)).toBe(true);
		const one = asLead.body.items.find((i: { gold: unknown }) => i.gold);
		expect((await server.api(`/api/items/${one.id}`, { headers: ana })).body.item.gold).toBeNull();
		expect((await server.api(`/api/items/${one.id}`, { headers: pm })).body.item.gold).not.toBeNull();
	});

	it('keeps lead-only metadata (planted errors, ambiguity notes) from evaluators', async () => {
		const asLead = (await server.api(`/api/projects/${pid}/items?limit=100`, { headers: lead })).body.items;
		const planted = asLead.find((i: { metadata: Record<string, unknown> }) => i.metadata.planted);
		expect(planted).toBeTruthy();
		const asAna = (await server.api(`/api/items/${planted.id}`, { headers: ana })).body.item;
		expect(asAna.metadata.planted).toBeUndefined();
		expect(asAna.metadata.note).toBeUndefined();
		expect(JSON.stringify(asAna)).not.toContain(String(planted.metadata.planted).slice(0, 30));
	});

	it('filters by modality', async () => {
		const res = await server.api(`/api/projects/${pid}/items?modality=pairwise`, { headers: ana });
		expect(res.body.items.length).toBeGreaterThan(0);
		expect(res.body.items.every((i: { modality: string }) => i.modality === 'pairwise')).toBe(true);
		expect((await server.api(`/api/projects/${pid}/items?modality=nope`, { headers: ana })).status).toBe(400);
	});

	it('serves item media with its content type to signed-in users only', async () => {
		const res = await server.api(`/api/projects/${pid}/items?modality=caption`, { headers: ana });
		const src: string = res.body.items[0].payload.image.src;
		const ok = await fetch(server.url + src, { headers: ana });
		expect(ok.status).toBe(200);
		expect(ok.headers.get('content-type')).toMatch(/^image\//);
		expect((await fetch(server.url + src)).status).toBe(401);
	});

	it('imports valid JSONL for leads, and refuses evaluators', async () => {
		const jsonl = [
			{ externalId: 'imp-1', modality: 'text', payload: { prompt: 'What is 2+2?', response: '4' }, language: 'en' },
			{
				externalId: 'imp-2',
				modality: 'text',
				payload: { prompt: 'Capital of Brazil?', response: 'Brasília' },
				language: 'pt-BR'
			}
		]
			.map((l) => JSON.stringify(l))
			.join('\n');
		const denied = await server.api(`/api/projects/${pid}/items/import`, {
			method: 'POST',
			raw: jsonl,
			headers: { ...ana, 'content-type': 'application/x-ndjson' }
		});
		expect(denied.status).toBe(403);
		const res = await server.api(`/api/projects/${pid}/items/import`, {
			method: 'POST',
			raw: jsonl,
			headers: { ...lead, 'content-type': 'application/x-ndjson' }
		});
		expect(res.status).toBe(201);
		expect(res.body.imported).toBe(2);
		const again = await server.api(`/api/projects/${pid}/items/import`, {
			method: 'POST',
			raw: jsonl,
			headers: { ...lead, 'content-type': 'application/x-ndjson' }
		});
		expect(again.body).toMatchObject({ imported: 0, skipped: 2 });
	});

	it('imports nothing from a JSONL file with bad lines, and lists each bad line', async () => {
		const before = (await server.api(`/api/projects/${pid}/items?limit=1`, { headers: lead })).body.total;
		const lines = [
			JSON.stringify({ externalId: 'ok-1', modality: 'text', payload: { prompt: 'p', response: 'r' } }),
			'{not json',
			JSON.stringify({ externalId: 'bad-2', modality: 'text', payload: { prompt: 'p' } }),
			JSON.stringify({ externalId: 'bad-3', modality: 'hologram', payload: {} })
		].join('\n');
		const res = await server.api(`/api/projects/${pid}/items/import`, {
			method: 'POST',
			raw: lines,
			headers: { ...lead, 'content-type': 'application/x-ndjson' }
		});
		expect(res.status).toBe(400);
		expect(res.body.error.details.map((d: { line: number }) => d.line)).toEqual([2, 3, 4]);
		expect(res.body.error.details[1].message).toMatch(/response/);
		const after = (await server.api(`/api/projects/${pid}/items?limit=1`, { headers: lead })).body.total;
		expect(after).toBe(before);
	});
});

describe('evaluations', () => {
	it('stamps an evaluation with rubric and guideline version, and shows evaluators only their own', async () => {
		const items = (await server.api(`/api/projects/${pid}/items?modality=text&limit=100`, { headers: ana })).body.items;
		const item = items.find((i: { evaluationCount: number }) => i.evaluationCount === 0) ?? items[0];
		const rubric = (await server.api(`/api/projects/${pid}/rubrics`, { headers: ana })).body.rubrics[0];
		const dims = rubric.dimensions.filter(
			(d: { modalities?: string[] }) => !d.modalities || d.modalities.includes('text')
		);
		const scores: Record<string, unknown> = {};
		for (const d of dims) {
			if (d.scale === 'likert') scores[d.key] = d.min ?? 1;
			else if (d.scale === 'binary') scores[d.key] = false;
			else if (d.scale === 'text') scores[d.key] = 'fine';
			else scores[d.key] = d.options[0].value;
		}
		const res = await server.api(`/api/items/${item.id}/evaluations`, {
			body: {
				rubricId: rubric.id,
				scores,
				rationale: 'Checked the date against the source.',
				state: 'submitted',
				timeSpentMs: 42_000
			},
			headers: ana
		});
		expect(res.status).toBe(201);
		expect(res.body.evaluation).toMatchObject({
			rubricVersion: rubric.version,
			guidelineVersionId: expect.any(String),
			state: 'submitted'
		});
		await server.api(`/api/items/${item.id}/evaluations`, {
			body: { rubricId: rubric.id, scores: {}, state: 'draft' },
			headers: ben
		});
		const mine = await server.api(`/api/items/${item.id}/evaluations`, { headers: ana });
		expect(mine.body.evaluations.every((e: { evaluatorName: string }) => e.evaluatorName === 'Ana Souza')).toBe(true);
		const all = await server.api(`/api/items/${item.id}/evaluations`, { headers: lead });
		expect(all.body.evaluations.map((e: { evaluatorName: string }) => e.evaluatorName)).toEqual(
			expect.arrayContaining(['Ana Souza', 'Ben Carter'])
		);
	});

	it('refuses a submission missing required dimensions, and managers cannot evaluate', async () => {
		const item = (await server.api(`/api/projects/${pid}/items?modality=text`, { headers: ana })).body.items[0];
		const rubric = (await server.api(`/api/projects/${pid}/rubrics`, { headers: ana })).body.rubrics[0];
		const res = await server.api(`/api/items/${item.id}/evaluations`, {
			body: { rubricId: rubric.id, scores: {}, state: 'submitted' },
			headers: ben
		});
		expect(res.status).toBe(400);
		expect(res.body.error.details.length).toBeGreaterThan(0);
		const unknown = await server.api(`/api/items/${item.id}/evaluations`, {
			body: { rubricId: rubric.id, scores: { bogus: 3 }, state: 'draft' },
			headers: ben
		});
		expect(unknown.status).toBe(400);
		const pmRes = await server.api(`/api/items/${item.id}/evaluations`, {
			body: { rubricId: rubric.id, scores: {}, state: 'draft' },
			headers: pm
		});
		expect(pmRes.status).toBe(403);
	});

	it('writes an audit row for each submission', async () => {
		const n = await row<{ n: number }>(
			server.deps.db,
			sql`select count(*) as n from audit_log where action = 'evaluation.submit'`
		);
		expect(n!.n).toBeGreaterThan(0);
	});
});

describe('admin', () => {
	it('creates users and adds them to projects; others cannot', async () => {
		expect((await server.api('/api/admin/users', { headers: lead })).status).toBe(403);
		const created = await server.api('/api/admin/users', {
			body: { email: 'dora@demo.test', name: 'Dora Dias', password: 'a-long-password' },
			headers: admin
		});
		expect(created.status).toBe(201);
		expect(
			(
				await server.api('/api/admin/users', {
					body: { email: 'dora@demo.test', name: 'Dora', password: 'a-long-password' },
					headers: admin
				})
			).status
		).toBe(409);
		const dora = await server.login('dora@demo.test', 'a-long-password');
		expect((await server.api(`/api/projects/${pid}`, { headers: dora })).status).toBe(404);
		const added = await server.api(`/api/projects/${pid}/members`, {
			method: 'PUT',
			body: { email: 'dora@demo.test', role: 'evaluator' },
			headers: admin
		});
		expect(added.status).toBe(200);
		expect((await server.api(`/api/projects/${pid}`, { headers: dora })).body.project.role).toBe('evaluator');
		expect(
			(
				await server.api(`/api/projects/${pid}/members`, {
					method: 'PUT',
					body: { email: 'dora@demo.test', role: 'lead' },
					headers: lead
				})
			).status
		).toBe(403);
	});
});
