// Judge runs when the endpoint misbehaves: 429 with Retry-After, 5xx and timeouts are retried with backoff;
// malformed replies and replies that do not fit the rubric are retried, then recorded failed with their raw text;
// other 4xx fail at once; an endpoint that dies mid-run fails the rest; one unreachable from the start fails the
// run, saying why; a cancelled run aborts its requests in flight and sends nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../drizzle/schema';
import { eventually } from '../fixtures/server';
import type { RecordedRequest, ScriptedReply } from '../fixtures/chat-completions';
import {
	finished,
	getRunView,
	importTextItems,
	registerJudge,
	runItems,
	startJudgeWorld,
	startRun,
	type JudgeWorld
} from '../fixtures/judge-run-world';

let w: JudgeWorld;
let ids: string[];

beforeAll(async () => {
	w = await startJudgeWorld();
	ids = await importTextItems(w, 12, 'f');
});
afterAll(async () => {
	await w.x.server.close();
	await w.chat.close();
});

/** Runs one item with a script for its requests (by how many were sent for it so far), returns run and requests. */
async function runOne(index: number, script: (n: number) => ScriptedReply) {
	const marker = `f${index + 1}`;
	const counts = new Map<string, number>();
	w.chat.script = (r: RecordedRequest) => {
		const n = (counts.get(r.item ?? '') ?? 0) + 1;
		counts.set(r.item ?? '', n);
		return r.item === marker ? script(n) : { kind: 'good' };
	};
	const judgeId = await registerJudge(w);
	const run = await finished(w, (await startRun(w, judgeId, { itemIds: [ids[index]] })).body.run.id);
	const sent = w.chat.requests.filter((r) => r.item === marker);
	const items = (await w.x.server.api(`/api/judge-runs/${run.id}/items`, { headers: w.x.as.lead })).body.items;
	return { run, sent, item: items[0] };
}

describe('retries', () => {
	it('waits as long as a 429’s Retry-After says, then succeeds', async () => {
		const { run, sent, item } = await runOne(0, (n) =>
			n === 1 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : { kind: 'good' }
		);
		expect(run).toMatchObject({ state: 'done', done: 1, failed: 0 });
		expect(sent).toHaveLength(2);
		expect(sent[1].at - sent[0].at).toBeGreaterThanOrEqual(950);
		expect(item.attempts).toBe(2);
	});

	it('retries a 5xx and a timeout', async () => {
		const fivexx = await runOne(1, (n) => (n === 1 ? { kind: 'status', status: 503 } : { kind: 'good' }));
		expect(fivexx.run).toMatchObject({ state: 'done', done: 1 });
		expect(fivexx.sent).toHaveLength(2);
		// The test client times out after 1 s.
		const slow = await runOne(2, (n) => (n === 1 ? { kind: 'slow', ms: 1_500 } : { kind: 'good' }));
		expect(slow.run).toMatchObject({ state: 'done', done: 1 });
		expect(slow.sent).toHaveLength(2);
	});

	it('records a malformed reply as failed with its raw text after the last attempt', async () => {
		const { run, sent, item } = await runOne(3, () => ({ kind: 'malformed' }));
		expect(run).toMatchObject({ state: 'done', done: 0, failed: 1 });
		expect(sent).toHaveLength(3);
		expect(item).toMatchObject({ state: 'failed', attempts: 3, error: 'The reply is not valid JSON' });
		expect(item.raw).toContain('oops');
	});

	it('checks a reply with the human submission rule: scores that do not fit fail the item', async () => {
		const { run, item } = await runOne(4, () => ({ kind: 'unfit' }));
		expect(run).toMatchObject({ done: 0, failed: 1 });
		expect(item.error).toContain('scores.correctness must be between 1 and 5');
		expect(item.raw).toContain('"correctness":99');
		const badFlag = await runOne(5, () => ({ kind: 'good', flags: ['made_up'] }));
		expect(badFlag.item.error).toContain('made_up');
	});

	it('does not retry a 401 (the same request would fail the same way)', async () => {
		const { run, sent, item } = await runOne(6, () => ({
			kind: 'status',
			status: 401,
			body: '{"error":"bad key"}'
		}));
		expect(run.failed).toBe(1);
		expect(sent).toHaveLength(1);
		expect(item).toMatchObject({ attempts: 1, raw: '{"error":"bad key"}' });
		expect(item.error).toContain('401');
	});
});

describe('an endpoint that goes away, and cancel', () => {
	it('cancels a run mid-way: requests in flight are aborted and nothing more is sent', async () => {
		w.chat.script = () => ({ kind: 'slow', ms: 400 });
		const judgeId = await registerJudge(w, { concurrency: 2 });
		const { run } = (await startRun(w, judgeId, { itemIds: ids.slice(0, 8) })).body;
		await eventually(async () => (await getRunView(w, run.id)).done >= 2, 10_000, 'two items done');
		const cancel = await w.x.server.api(`/api/judge-runs/${run.id}/cancel`, { headers: w.x.as.lead, method: 'POST' });
		expect(cancel.status).toBe(200);
		const ended = await finished(w, run.id);
		const sentAtEnd = w.chat.requests.length;
		expect(ended.state).toBe('cancelled');
		expect(ended.done).toBeLessThan(8);
		await new Promise((r) => setTimeout(r, 600));
		expect(w.chat.requests.length).toBe(sentAtEnd);
		const actions = (await w.x.server.deps.db.select().from(auditLog).where(eq(auditLog.entityId, run.id))).map(
			(a) => a.action
		);
		expect(actions).toEqual(expect.arrayContaining(['judge.run.start', 'judge.run.cancel', 'judge.run.finish']));
	});

	it('fails the items left when the endpoint dies mid-run; the run ends done with them counted', async () => {
		w.chat.script = () => ({ kind: 'good' });
		w.chat.latencyMs = 150;
		const judgeId = await registerJudge(w, { concurrency: 1 });
		const { run } = (await startRun(w, judgeId, { itemIds: ids.slice(0, 6) })).body;
		await eventually(async () => (await getRunView(w, run.id)).done >= 2, 10_000, 'two items done');
		await w.chat.kill();
		const ended = await finished(w, run.id);
		expect(ended.state).toBe('done');
		expect(ended.done).toBeGreaterThanOrEqual(2);
		expect(ended.failed).toBeGreaterThan(0);
		expect(ended.done + ended.failed).toBe(6);
		const failed = await runItems(w.x.server, w.x.as.lead, run.id, 'failed');
		expect(failed[0].error).toContain('Could not reach the endpoint');
	});

	it('fails the run, saying why, when the endpoint cannot be reached at all', async () => {
		// The chat server was killed above: its port now refuses connections.
		const judgeId = await registerJudge(w, { concurrency: 1 });
		const run = await finished(w, (await startRun(w, judgeId, { itemIds: ids.slice(6, 12) })).body.run.id);
		expect(run.state).toBe('failed');
		expect(run.error).toContain('could not be reached');
		expect(run.done).toBe(0);
	});
});
