// Judge runs against a real local chat-completions server: a lead runs a judge over a selection, the run works in
// the background to done with its counters, each reply is stored as a judge evaluation stamped with what produced
// it, nothing is judged twice for the same judge, prompt and guideline version, and only leads start or cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, judgeEvaluations, judgeRunItems } from '../../drizzle/schema';
import { createJudge } from '../../server/db/judges';
import { tx } from '../../server/db/client';
import { getRun } from '../../server/db/judge-runs';
import { recordOutcomes } from '../../server/db/judge-run-work';
import type { Scores } from '#shared/evaluation';
import { eventually } from '../fixtures/server';
import { importRaw, jsonl } from '../fixtures/exchange';
import { pngOfSize } from '../fixtures/zip-writer';
import {
	finished,
	importTextItems,
	runItems,
	registerJudge,
	startJudgeWorld,
	startRun,
	type JudgeWorld
} from '../fixtures/judge-run-world';

let w: JudgeWorld;
let itemIds: string[];

beforeAll(async () => {
	w = await startJudgeWorld();
	itemIds = await importTextItems(w, 6);
});
afterAll(async () => {
	await w.x.server.close();
	await w.chat.close();
});

describe('a judge run', () => {
	it('judges the selected items to done, stamps each judge evaluation and sends the structured-output schema', async () => {
		const judgeId = await registerJudge(w);
		// Each announcement is checked against the record as it is heard: its scores must be committed already.
		const scored: { judgeId: string; itemIds: string[]; source: string; inRecord: number }[] = [];
		w.x.server.deps.events.on('judge.scored', async (e) => {
			const found = await w.x.server.deps.db
				.select({ id: judgeEvaluations.id })
				.from(judgeEvaluations)
				.where(and(eq(judgeEvaluations.judgeId, e.judgeId), inArray(judgeEvaluations.itemId, e.itemIds)));
			scored.push({ ...e, inRecord: found.length });
		});
		const res = await startRun(w, judgeId, { itemIds: itemIds.slice(0, 4) });
		expect(res.status).toBe(201);
		expect(res.body.run).toMatchObject({ state: 'queued', total: 4, done: 0, skipped: 0 });
		const run = await finished(w, res.body.run.id);
		expect(run).toMatchObject({ state: 'done', total: 4, done: 4, failed: 0, skipped: 0, error: null });

		const stored = await w.x.server.deps.db.select().from(judgeEvaluations).where(eq(judgeEvaluations.runId, run.id));
		expect(stored).toHaveLength(4);
		expect(stored[0]).toMatchObject({
			source: 'run',
			model: 'fixture-model',
			promptHash: run.promptHash,
			rubricVersion: 1,
			scores: { correctness: 1, safe: true, tone: 'neutral', notes: 'Looks right.' }
		});
		expect(stored[0].latencyMs).toEqual(expect.any(Number));

		const sent = w.chat.requests.filter((r) => itemIds.slice(0, 4).some((_, i) => r.item === `t${i + 1}`));
		expect(sent).toHaveLength(4);
		const body = sent[0].body;
		expect(sent[0].headers.authorization).toBe('Bearer sk-test-judge-key');
		expect(body).toMatchObject({ model: 'fixture-model', temperature: 0 });
		expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });
		const schema = body.response_format.json_schema.schema;
		expect(schema.additionalProperties).toBe(false);
		expect(schema.properties.scores.properties).toEqual({
			correctness: expect.objectContaining({ type: 'integer', enum: [1, 2, 3, 4, 5] }),
			safe: expect.objectContaining({ type: 'boolean' }),
			tone: expect.objectContaining({ type: 'string', enum: ['neutral', 'formal', '=cmd'] }),
			notes: expect.objectContaining({ type: ['string', 'null'] })
		});
		expect(schema.properties.flags.items.enum).toEqual(['hallucination']);
		// The default prompt carries the rubric's dimensions and the item.
		expect(sent[0].text).toContain('correctness — Correctness');
		expect(sent[0].text).toContain('### Response');

		const actions = (await w.x.server.deps.db.select().from(auditLog).where(eq(auditLog.entityId, run.id))).map(
			(a) => a.action
		);
		expect(actions).toEqual(expect.arrayContaining(['judge.run.start', 'judge.run.finish']));
		// What reacts to judge scores (escalation on a judge's disagreement) hears of each stored item.
		// (Listeners run one after another, after the commit: the last may hear after the run reads as done.)
		const heard = () => scored.filter((e) => e.judgeId === judgeId && e.source === 'run').flatMap((e) => e.itemIds);
		await eventually(() => heard().length === 4, 5000, 'judge.scored for each item');
		for (const e of scored.filter((e) => e.judgeId === judgeId)) expect(e.inRecord).toBe(e.itemIds.length);
		expect(heard().sort()).toEqual(itemIds.slice(0, 4).sort());
	});

	it('sends no key when the judge names none, and the item’s image as a data: URL part', async () => {
		const png = pngOfSize(2048);
		const up = await fetch(`${w.x.server.url}/api/projects/${w.pid}/media`, {
			method: 'POST',
			headers: { ...w.x.as.lead, 'content-type': 'image/png' },
			body: new Blob([new Uint8Array(png)])
		});
		const { src } = (await up.json()) as { src: string };
		await importRaw(
			w.x,
			w.pid,
			jsonl([{ externalId: 'img1', modality: 'caption', payload: { image: { src }, caption: 'A cat [[item:img1]]' } }])
		);
		const judgeId = await registerJudge(w, { apiKeyEnv: undefined });
		const run = await finished(w, (await startRun(w, judgeId, { filter: { modality: 'caption' } })).body.run.id);
		expect(run).toMatchObject({ state: 'done', total: 1, done: 1 });
		const req = w.chat.requests.filter((r) => r.item === 'img1').at(-1)!;
		expect(req.headers.authorization).toBeUndefined();
		const parts = req.body.messages[1].content;
		const image = parts.find((p: { type: string }) => p.type === 'image_url');
		expect(image.image_url.url).toBe(`data:image/png;base64,${png.toString('base64')}`);
		// The caption rubric has no `tone` (text and chat only): the schema follows the item's modality.
		expect(Object.keys(req.body.response_format.json_schema.schema.properties.scores.properties)).not.toContain('tone');
	});

	it('never judges an item twice for the same judge, prompt and guideline version; a changed prompt judges again', async () => {
		const judgeId = await registerJudge(w, { name: 'Dedupe' });
		const selection = { itemIds: itemIds.slice(0, 3) };
		await finished(w, (await startRun(w, judgeId, selection)).body.run.id);
		const before = w.chat.requests.length;
		const again = await startRun(w, judgeId, selection);
		expect(again.body.run).toMatchObject({ state: 'done', total: 3, skipped: 3, done: 0 });
		expect(w.chat.requests.length).toBe(before);
		const frozen = await w.x.server.api(`/api/judge-runs/${again.body.run.id}/items?state=skipped`, {
			headers: w.x.as.lead
		});
		expect(frozen.body.items).toHaveLength(3);

		const view = (await w.x.server.api(`/api/judges/${judgeId}`, { headers: w.x.as.lead })).body.judge;
		await w.x.server.api(`/api/judges/${judgeId}`, {
			method: 'PUT',
			headers: w.x.as.lead,
			body: {
				name: view.name,
				baseUrl: view.baseUrl,
				model: view.model,
				apiKeyEnv: view.apiKeyEnv,
				requestsPerMinute: view.requestsPerMinute,
				promptTemplate: 'Judge this. {{rubric}}\n{{item}}'
			}
		});
		const changed = await finished(w, (await startRun(w, judgeId, selection)).body.run.id);
		expect(changed).toMatchObject({ state: 'done', done: 3, skipped: 0 });
		expect(changed.promptHash).not.toBe(again.body.run.promptHash);
		const custom = w.chat.requests.at(-1)!;
		expect(custom.text).toContain('Judge this.');
		expect(custom.text).not.toContain('{{item}}');
		const rows = await w.x.server.deps.db
			.select()
			.from(judgeEvaluations)
			.where(and(eq(judgeEvaluations.judgeId, judgeId), eq(judgeEvaluations.itemId, itemIds[0])));
		expect(rows).toHaveLength(2);
	});

	it('stores one judge evaluation per item when two runs of the same prompt overlap', async () => {
		const judgeId = await registerJudge(w, { name: 'Overlap', concurrency: 1 });
		w.chat.latencyMs = 150;
		try {
			const selection = { itemIds: itemIds.slice(3, 6) };
			const a = (await startRun(w, judgeId, selection)).body.run;
			const b = (await startRun(w, judgeId, selection)).body.run;
			expect(b.skipped).toBe(0);
			const [ra, rb] = [await finished(w, a.id), await finished(w, b.id)];
			expect(ra.done + rb.done).toBe(3);
			expect(ra.skipped + rb.skipped).toBe(3);
			const rows = await w.x.server.deps.db
				.select()
				.from(judgeEvaluations)
				.where(eq(judgeEvaluations.judgeId, judgeId));
			expect(rows).toHaveLength(3);
			// A late second reply for an item (another node's, say) finds the key taken and stores nothing.
			const late = await recordOutcomes(w.x.server.deps.db, (await getRun(w.x.server.deps.db, b.id))!, [
				{
					itemId: itemIds[3],
					outcome: {
						state: 'done',
						judgement: { scores: rows[0].scores as Scores, flags: [], rationale: 'late' },
						rubric: { id: rows[0].rubricId, version: 1 },
						model: 'fixture-model',
						promptHash: rows[0].promptHash,
						latencyMs: 1
					}
				}
			]);
			expect(late.size).toBe(0);
			expect(
				await w.x.server.deps.db.select().from(judgeEvaluations).where(eq(judgeEvaluations.judgeId, judgeId))
			).toHaveLength(3);
		} finally {
			w.chat.latencyMs = 0;
		}
	});

	it('lists a judge’s runs newest first by cursor, and a run’s items by state', async () => {
		const judgeId = await registerJudge(w, { name: 'Paged' });
		const first = await finished(w, (await startRun(w, judgeId, { itemIds: itemIds.slice(0, 2) })).body.run.id);
		const second = await finished(w, (await startRun(w, judgeId, { itemIds: itemIds.slice(0, 3) })).body.run.id);
		const page1 = await w.x.server.api(`/api/judges/${judgeId}/runs?limit=1`, { headers: w.x.as.pm });
		expect(page1.body.runs.map((r: { id: string }) => r.id)).toEqual([second.id]);
		const page2 = await w.x.server.api(`/api/judges/${judgeId}/runs?limit=1&cursor=${page1.body.nextCursor}`, {
			headers: w.x.as.pm
		});
		expect(page2.body).toMatchObject({ runs: [{ id: first.id }], nextCursor: null });
		const skipped = await w.x.server.api(`/api/judge-runs/${second.id}/items?state=skipped`, { headers: w.x.as.pm });
		expect(skipped.body.items.map((i: { externalId: string }) => i.externalId).sort()).toEqual(['t1', 't2']);
		const done = await w.x.server.api(`/api/judge-runs/${second.id}/items?state=done`, { headers: w.x.as.pm });
		expect(done.body.items).toEqual([expect.objectContaining({ externalId: 't3', state: 'done', attempts: 1 })]);
		expect((await w.x.server.api(`/api/judge-runs/${second.id}/items?state=odd`, { headers: w.x.as.pm })).status).toBe(
			400
		);
	});

	it('fails a run whose key variable is not set on this server, and says so', async () => {
		const judgeId = await registerJudge(w, { name: 'No key', apiKeyEnv: 'JUDGE_NOT_SET' });
		const run = await finished(w, (await startRun(w, judgeId, { itemIds: [itemIds[5]] })).body.run.id);
		expect(run.state).toBe('failed');
		expect(run.error).toContain('JUDGE_NOT_SET');
	});
});

describe('who may run a judge, and what a run accepts', () => {
	it('lets only leads start or cancel; managers and admins read; evaluators see nothing', async () => {
		const judgeId = await registerJudge(w, { name: 'Guarded' });
		for (const who of ['pm', 'ana', 'admin'] as const)
			expect((await w.x.server.api(`/api/judges/${judgeId}/runs`, { headers: w.x.as[who], body: {} })).status).toBe(
				403
			);
		w.chat.latencyMs = 200;
		try {
			const { run } = (await startRun(w, judgeId, { itemIds })).body;
			for (const who of ['pm', 'ana'] as const)
				expect(
					(await w.x.server.api(`/api/judge-runs/${run.id}/cancel`, { headers: w.x.as[who], method: 'POST' })).status
				).toBe(403);
			expect((await w.x.server.api(`/api/judge-runs/${run.id}`, { headers: w.x.as.pm })).status).toBe(200);
			expect((await w.x.server.api(`/api/judge-runs/${run.id}`, { headers: w.x.as.ana })).status).toBe(403);
			expect((await w.x.server.api(`/api/judges/${judgeId}/runs`, { headers: w.x.as.ana })).status).toBe(403);
			expect((await w.x.server.api(`/api/judge-runs/${run.id}/items`, { headers: w.x.as.ana })).status).toBe(403);
			const cancel = await w.x.server.api(`/api/judge-runs/${run.id}/cancel`, { headers: w.x.as.lead, method: 'POST' });
			expect(cancel.status).toBe(200);
			expect((await finished(w, run.id)).state).toBe('cancelled');
			const late = await w.x.server.api(`/api/judge-runs/${run.id}/cancel`, { headers: w.x.as.lead, method: 'POST' });
			expect(late.status).toBe(409);
		} finally {
			w.chat.latencyMs = 0;
		}
	});

	it('refuses unknown fields, two selections at once, items of another project and an empty selection', async () => {
		const judgeId = await registerJudge(w, { name: 'Strict' });
		expect((await startRun(w, judgeId, { itemIds, everything: true })).status).toBe(400);
		expect((await startRun(w, judgeId, { itemIds, filter: { modality: 'text' } })).status).toBe(400);
		expect((await startRun(w, judgeId, { filter: { modality: 'text', color: 'red' } })).status).toBe(400);
		const foreign = await startRun(w, judgeId, { itemIds: [itemIds[0], 'not-an-item'] });
		expect(foreign.status).toBe(400);
		expect(foreign.body.error.message).toContain('1 of the items');
		const none = await startRun(w, judgeId, { filter: { modality: 'video' } });
		expect(none.status).toBe(400);
		expect((await startRun(w, judgeId, { calibrationId: 'nope' })).status).toBe(404);
	});

	it('refuses to run a retired judge or an imported one without an endpoint (409, in words)', async () => {
		const judgeId = await registerJudge(w, { name: 'Retired' });
		await w.x.server.api(`/api/judges/${judgeId}/archive`, { headers: w.x.as.lead, body: { archived: true } });
		const retired = await startRun(w, judgeId, {});
		expect(retired.status).toBe(409);
		expect(retired.body.error.message).toContain('retired');
		const imported = await tx(w.x.server.deps.db, (t) =>
			createJudge(t, w.pid, { name: 'Imported', model: 'elsewhere' }, w.x.userIds.lead, 'imported')
		);
		const res = await startRun(w, imported.id, {});
		expect(res.status).toBe(409);
		expect(res.body.error.message).toContain('no endpoint');
	});
});

describe('a run’s items, as a lead lists them', () => {
	it('lists the items being retried (pending after a failed attempt) apart from those not tried yet and the failed', async () => {
		const judgeId = await registerJudge(w);
		const run = await finished(w, (await startRun(w, judgeId, { itemIds: itemIds.slice(0, 3) })).body.run.id);
		// The states a working run leaves its items in: one waits for its next attempt after a 500, one was not tried
		// yet, one failed for good.
		const [retried, untried, failed] = itemIds.slice(0, 3);
		const set = (itemId: string, row: Partial<typeof judgeRunItems.$inferInsert>) =>
			w.x.server.deps.db
				.update(judgeRunItems)
				.set(row)
				.where(and(eq(judgeRunItems.runId, run.id), eq(judgeRunItems.itemId, itemId)));
		await set(retried, { state: 'pending', attempts: 2, error: 'HTTP 500 from the endpoint', raw: 'oops' });
		await set(untried, { state: 'pending', attempts: 0, error: null, raw: null });
		await set(failed, { state: 'failed', attempts: 4, error: 'HTTP 400 from the endpoint', raw: null });
		const ids = async (state: string) =>
			(await runItems(w.x.server, w.x.as.lead, run.id, state)).map((i: { itemId: string }) => i.itemId);
		const retrying = await runItems(w.x.server, w.x.as.lead, run.id, 'retrying');
		expect(retrying).toEqual([
			expect.objectContaining({ itemId: retried, attempts: 2, error: 'HTTP 500 from the endpoint', raw: 'oops' })
		]);
		expect((await ids('pending')).sort()).toEqual([retried, untried].sort());
		expect(await ids('failed')).toEqual([failed]);
		const bad = await w.x.server.api(`/api/judge-runs/${run.id}/items?state=waiting`, { headers: w.x.as.lead });
		expect(bad.status).toBe(400);
	});
});
