// A judge run survives a restart: the server stops mid-run (its requests in flight finish and are recorded, then
// the run is given back), a new server on the same DATA_DIR picks the run up at once and finishes it, no item is
// sent to the endpoint twice, and an item's attempts count across the restart (config.judges.maxAttempts in all).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { judgeEvaluations } from '../../drizzle/schema';
import { eventually, type TestServer } from '../fixtures/server';
import {
	TEST_JUDGES,
	getRunView,
	importTextItems,
	nextNode,
	registerJudge,
	runEnded,
	runItems,
	startJudgeWorld,
	startRun
} from '../fixtures/judge-run-world';
import type { ChatServer } from '../fixtures/chat-completions';

let chat: ChatServer | undefined;
let second: TestServer | undefined;
let dataDir = '';
afterEach(async () => {
	await second?.close();
	await chat?.close();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	[chat, second, dataDir] = [undefined, undefined, ''];
});

/** A world on a data directory of the test's own: the fixture keeps it when the first server closes. */
async function worldToRestart(prefix: string) {
	dataDir = mkdtempSync(join(tmpdir(), `concord-judge-${prefix}-`));
	const w = await startJudgeWorld({ dataDir });
	chat = w.chat;
	return w;
}

describe('resuming a judge run', () => {
	it('finishes the run on a new server with the same data directory, sending no item twice', async () => {
		const w = await worldToRestart('resume');
		const ids = await importTextItems(w, 16, 'r');
		w.chat.latencyMs = 80;
		const judgeId = await registerJudge(w, { concurrency: 2 });
		const { run } = (await startRun(w, judgeId, { itemIds: ids })).body;
		await eventually(async () => (await getRunView(w, run.id)).done >= 4, 10_000, 'four items done');
		await w.x.server.close();
		expect(w.chat.requests.length).toBeLessThan(16);

		const next = await nextNode(dataDir);
		second = next.server;
		const ended = await runEnded(second, next.lead, run.id);
		expect(ended).toMatchObject({ state: 'done', total: 16, done: 16, failed: 0 });
		expect(w.chat.sentTwice()).toEqual([]);
		const stored = await second.deps.db.select().from(judgeEvaluations).where(eq(judgeEvaluations.runId, run.id));
		expect(stored).toHaveLength(16);
	});

	it('keeps an item’s attempts across a restart: the next node has only the attempts left', async () => {
		const w = await worldToRestart('attempts');
		const [id] = await importTextItems(w, 1, 'a');
		// Every attempt fails; the second asks for a long wait, and the node stops during it.
		let sent = 0;
		w.chat.script = () =>
			++sent === 2
				? { kind: 'status', status: 429, headers: { 'retry-after': '30' } }
				: { kind: 'status', status: 503 };
		const judgeId = await registerJudge(w);
		const { run } = (await startRun(w, judgeId, { itemIds: [id] })).body;
		// While it waits, the lead sees the attempts made so far and why the last failed. An attempt is counted
		// before it is sent, so the second shows first with the first one's 503, then with its own 429.
		await eventually(
			async () =>
				(await runItems(w.x.server, w.x.as.lead, run.id, 'retrying')).find(
					(i: any) => i.attempts === 2 && i.error.includes('429')
				),
			10_000,
			'two attempts recorded, the last refused with 429'
		);
		await w.x.server.close();
		expect(w.chat.requests).toHaveLength(2);

		const next = await nextNode(dataDir);
		second = next.server;
		const ended = await runEnded(second, next.lead, run.id);
		expect(ended).toMatchObject({ state: 'done', done: 0, failed: 1 });
		expect(w.chat.requests).toHaveLength(TEST_JUDGES.maxAttempts);
		const [item] = await runItems(second, next.lead, run.id, 'failed');
		expect(item).toMatchObject({ attempts: TEST_JUDGES.maxAttempts, error: expect.stringContaining('503') });
	});
});
