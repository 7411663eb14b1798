// Importing judge scores produced elsewhere, over a real server: JSONL lines and Label Studio predictions are found
// by the item's external id, checked like a human submission, stored once per judge, item, prompt and guideline
// version (a re-import duplicates nothing; changed scores replace), and bad lines are listed by number and change
// nothing. Leads only; limits are checked before anything is parsed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, judgeEvaluations, judges } from '../../drizzle/schema';
import { createProject, importRaw, jsonl, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';
import type { PersonKey } from '../fixtures/exchange';

let x: ExchangeServer;
let pid: string;

const text = (externalId: string) => ({
	externalId,
	modality: 'text',
	payload: { prompt: `Question ${externalId}?`, response: `Answer ${externalId}.` }
});

beforeAll(async () => {
	x = await startExchangeServer();
	({ pid } = await createProject(x, 'Judge import'));
	const items = ['t1', 't2', 't3', 't4', 'ls-7'].map(text);
	expect((await importRaw(x, pid, jsonl(items))).status).toBe(201);
});
afterAll(() => x.server.close());

function importScores(body: string, query = '', who: PersonKey = 'lead') {
	return fetch(`${x.server.url}/api/projects/${pid}/judges/import${query}`, {
		method: 'POST',
		headers: { ...x.as[who], 'content-type': 'application/x-ndjson' },
		body
	}).then(async (res) => ({ status: res.status, body: await res.json() }));
}

const good = { correctness: 4, safe: true, tone: 'neutral' };
const line = (externalId: string, over: Record<string, unknown> = {}) => ({
	externalId,
	judge: 'Batch judge',
	scores: good,
	model: 'gpt-4o-mini',
	...over
});

const judgeRows = (name: string) =>
	x.server.deps.db
		.select({ e: judgeEvaluations })
		.from(judgeEvaluations)
		.innerJoin(judges, eq(judges.id, judgeEvaluations.judgeId))
		.where(and(eq(judges.projectId, pid), eq(judges.name, name)));

describe('importing JSONL judge scores', () => {
	it('stores each line as the judge’s scores and registers an unknown judge as imported', async () => {
		const scored: { judgeId: string; itemIds: string[]; visible: number }[] = [];
		x.server.deps.events.on('judge.scored', async (e) => {
			// Listeners run after the batch committed: the scores are there to read.
			const rows = await x.server.deps.db
				.select()
				.from(judgeEvaluations)
				.where(eq(judgeEvaluations.judgeId, e.judgeId));
			scored.push({ judgeId: e.judgeId, itemIds: e.itemIds, visible: rows.length });
		});
		const res = await importScores(
			jsonl([
				line('t1', { rationale: 'Accurate.', flags: ['hallucination'] }),
				line('t2', { scores: { ...good, correctness: 2 } })
			])
		);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ format: 'jsonl', imported: 2, replaced: 0, skipped: 0, problems: [] });
		expect(res.body.newJudges).toEqual(['Batch judge']);
		const { judges: listed } = (await x.server.api(`/api/projects/${pid}/judges`, { headers: x.as.pm })).body;
		expect(listed.find((j: { name: string }) => j.name === 'Batch judge')).toMatchObject({
			kind: 'imported',
			model: 'gpt-4o-mini',
			baseUrl: null,
			scoredItems: 2
		});
		const rows = await judgeRows('Batch judge');
		expect(rows.map((r) => r.e)).toContainEqual(
			expect.objectContaining({
				source: 'import',
				promptHash: 'import:jsonl',
				guidelineVersionId: '',
				model: 'gpt-4o-mini',
				scores: good,
				flags: ['hallucination'],
				rationale: 'Accurate.'
			})
		);
		expect(scored).toEqual([{ judgeId: rows[0].e.judgeId, itemIds: expect.any(Array), visible: 2 }]);
		const [trail] = await x.server.deps.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.projectId, pid), eq(auditLog.action, 'judge.import')));
		expect(trail.data).toMatchObject({
			format: 'jsonl',
			imported: 2,
			skipped: 0,
			problems: 0,
			newJudges: ['Batch judge']
		});
	});

	it('stores nothing again on a re-import, and replaces scores that changed', async () => {
		const same = jsonl([
			line('t1', { rationale: 'Accurate.', flags: ['hallucination'] }),
			line('t2', { scores: { ...good, correctness: 2 } })
		]);
		expect((await importScores(same)).body).toMatchObject({ imported: 0, replaced: 0, skipped: 2 });
		const changed = jsonl([
			line('t1', { rationale: 'Accurate.', flags: ['hallucination'] }),
			line('t2', { scores: { ...good, correctness: 3 } })
		]);
		expect((await importScores(changed)).body).toMatchObject({ imported: 1, replaced: 1, skipped: 1 });
		const rows = await judgeRows('Batch judge');
		expect(rows).toHaveLength(2);
		expect(rows.map((r) => r.e.scores.correctness).sort()).toEqual([3, 4]);
	});

	it('lists every bad line with its number and reason, and stores only the good ones', async () => {
		const lines = [
			JSON.stringify(line('t3', { judge: 'Strict judge' })),
			JSON.stringify(line('nope', { judge: 'Strict judge' })),
			JSON.stringify(line('t4', { judge: 'Strict judge', scores: { ...good, fluency: 5 } })),
			JSON.stringify(line('t4', { judge: 'Strict judge', scores: { ...good, correctness: 9 } })),
			'{"externalId": "t4", "judge": ',
			JSON.stringify(line('t4', { judge: 'Strict judge', flags: ['sarcasm'] })),
			JSON.stringify(line('t4', { judge: 'Strict judge', confidence: 0.9 })),
			JSON.stringify(line('t4', { judge: 'Strict judge', scores: { correctness: 4, tone: 'neutral' } })),
			JSON.stringify(line('t3', { judge: 'Strict judge', scores: { ...good, correctness: 1 } })),
			JSON.stringify(line('t4', { judge: 'Only bad lines', scores: { ...good, correctness: 0 } }))
		];
		const res = await importScores(lines.join('\n'));
		expect(res.status).toBe(200);
		expect(res.body.imported).toBe(1);
		const byLine = Object.fromEntries(
			res.body.problems.map((p: { line: number; message: string }) => [p.line, p.message])
		);
		expect(Object.keys(byLine).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(byLine[2]).toMatch(/no item with externalId “nope”/);
		expect(byLine[3]).toMatch(/scores\.fluency: is not a dimension/);
		expect(byLine[4]).toMatch(/scores\.correctness: must be between 1 and 5/);
		expect(byLine[5]).toMatch(/not valid JSON/);
		expect(byLine[6]).toMatch(/flags: sarcasm is not a flag/);
		expect(byLine[7]).toMatch(/confidence/);
		expect(byLine[8]).toMatch(/scores\.safe: is required/);
		expect(byLine[9]).toMatch(/repeats line 1/);
		expect(res.body.problemCount).toBe(9);
		const rows = await judgeRows('Strict judge');
		expect(rows.map((r) => r.e.scores)).toEqual([good]);
		// A judge named only on bad lines is not registered.
		expect(await judgeRows('Only bad lines')).toEqual([]);
		const names = (await x.server.api(`/api/projects/${pid}/judges`, { headers: x.as.lead })).body.judges.map(
			(j: { name: string }) => j.name
		);
		expect(names).not.toContain('Only bad lines');
	});

	it('refuses scores for a retired judge until it is restored', async () => {
		const [{ e }] = await judgeRows('Strict judge');
		await x.server.api(`/api/judges/${e.judgeId}/archive`, { headers: x.as.lead, body: { archived: true } });
		const res = await importScores(jsonl([line('t4', { judge: 'Strict judge' })]));
		expect(res.body.problems).toEqual([{ line: 1, message: expect.stringMatching(/retired/) }]);
		await x.server.api(`/api/judges/${e.judgeId}/archive`, { headers: x.as.lead, body: { archived: false } });
		expect((await importScores(jsonl([line('t4', { judge: 'Strict judge' })]))).body.imported).toBe(1);
	});

	it('refuses an empty file and unknown query fields', async () => {
		expect((await importScores('\n\n')).status).toBe(400);
		expect((await importScores(jsonl([line('t1')]), '?format=jsonl')).status).toBe(400);
	});
});

describe('importing Label Studio predictions', () => {
	const tasks = [
		{
			id: 7,
			data: { prompt: 'Question ls-7?' },
			predictions: [
				{
					model_version: 'ls-model-1',
					score: 0.93,
					result: [
						{ from_name: 'correctness', to_name: 'text', type: 'rating', value: { rating: 5 } },
						{ from_name: 'safe', to_name: 'text', type: 'choices', value: { choices: ['No'] } },
						{ from_name: 'tone', to_name: 'text', type: 'choices', value: { choices: ['Formal'] } },
						{ from_name: 'flags', to_name: 'text', type: 'choices', value: { choices: ['Hallucination'] } },
						{ from_name: 'rationale', to_name: 'text', type: 'textarea', value: { text: ['Invents a source.'] } }
					]
				}
			]
		},
		{ id: 8, data: { externalId: 't1' }, annotations: [] },
		{
			id: 9,
			data: { externalId: 't2' },
			predictions: [
				{
					model_version: 'ls-model-1',
					result: [{ from_name: 'topic', to_name: 'text', type: 'labels', value: { labels: ['x'] } }]
				}
			]
		}
	];

	it('maps choices, ratings and text to the rubric by from_name, and names the judge by model_version', async () => {
		const res = await importScores(JSON.stringify(tasks, null, 2));
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ format: 'labelstudio', imported: 1, newJudges: ['ls-model-1'] });
		expect(res.body.problems).toEqual([{ line: 3, message: expect.stringMatching(/result "topic" \(labels\)/) }]);
		const [{ e }] = await judgeRows('ls-model-1');
		expect(e).toMatchObject({
			promptHash: 'import:label-studio',
			model: 'ls-model-1',
			scores: { correctness: 5, safe: false, tone: 'formal' },
			flags: ['hallucination'],
			rationale: 'Invents a source.'
		});
		expect((await importScores(JSON.stringify(tasks))).body).toMatchObject({ imported: 0, skipped: 1 });
	});

	it('takes the judge’s name from the import when given', async () => {
		const res = await importScores(JSON.stringify(tasks.slice(0, 1)), '?judge=Vendor%20judge');
		expect(res.body).toMatchObject({ imported: 1, newJudges: ['Vendor judge'] });
		expect((await judgeRows('Vendor judge'))[0].e.model).toBe('ls-model-1');
	});

	it('reports a file that is not JSON as a whole', async () => {
		const res = await importScores('[{"id": 1,');
		expect(res.status).toBe(400);
		expect(res.body.error.details).toEqual([{ line: 1, message: 'not valid JSON' }]);
	});
});

describe('who may import, and how much', () => {
	it('lets only leads import (managers and evaluators get 403, nothing stored)', async () => {
		for (const who of ['pm', 'ana'] as const) {
			const res = await importScores(jsonl([line('t3', { judge: `By ${who}` })]), '', who);
			expect(res.status).toBe(403);
			expect(await judgeRows(`By ${who}`)).toEqual([]);
		}
	});

	it('refuses more than 100,000 lines before reading any of them', async () => {
		const before = await x.server.deps.db.select().from(auditLog).where(eq(auditLog.action, 'judge.import'));
		const res = await importScores('{\n'.repeat(100_001));
		expect(res.status).toBe(413);
		expect(res.body.error.message).toMatch(/more than 100,000 lines/);
		const after = await x.server.deps.db.select().from(auditLog).where(eq(auditLog.action, 'judge.import'));
		expect(after).toHaveLength(before.length);
	});

	it('refuses a body over the import size limit with 413', async () => {
		const small = await startExchangeServer({ maxImportBytes: 4096 });
		try {
			const { pid: other } = await createProject(small, 'Small');
			const res = await fetch(`${small.server.url}/api/projects/${other}/judges/import`, {
				method: 'POST',
				headers: { ...small.as.lead, 'content-type': 'application/x-ndjson' },
				body: jsonl(Array.from({ length: 100 }, (_, i) => line(`x${i}`)))
			});
			expect(res.status).toBe(413);
			expect(await small.server.deps.db.select().from(auditLog).where(eq(auditLog.action, 'judge.import'))).toEqual([]);
		} finally {
			await small.server.close();
		}
	});
});
