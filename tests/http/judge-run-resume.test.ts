// A judge run survives a restart: the server stops mid-run (its requests in flight finish and are recorded, then
// the run is given back), a new server on the same DATA_DIR picks the run up at once and finishes it, and no item
// is sent to the endpoint twice.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { judgeEvaluations } from '../../drizzle/schema';
import { eventually, startTestServer, type TestServer } from '../fixtures/server';
import { email } from '../fixtures/exchange';
import {
	TEST_JUDGES,
	getRunView,
	importTextItems,
	registerJudge,
	startJudgeWorld,
	startRun
} from '../fixtures/judge-run-world';
import type { ChatServer } from '../fixtures/chat-completions';

let chat: ChatServer | undefined;
let second: TestServer | undefined;
let dataDir = '';
afterAll(async () => {
	await second?.close();
	await chat?.close();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('resuming a judge run', () => {
	it('finishes the run on a new server with the same data directory, sending no item twice', async () => {
		// A data directory of the test's own: the fixture keeps it when the first server closes.
		dataDir = mkdtempSync(join(tmpdir(), 'concord-judge-resume-'));
		const w = await startJudgeWorld({ dataDir });
		chat = w.chat;
		const ids = await importTextItems(w, 16, 'r');
		w.chat.latencyMs = 80;
		const judgeId = await registerJudge(w, { concurrency: 2 });
		const { run } = (await startRun(w, judgeId, { itemIds: ids })).body;
		await eventually(async () => (await getRunView(w, run.id)).done >= 4, 10_000, 'four items done');
		await w.x.server.close();
		expect(w.chat.requests.length).toBeLessThan(16);

		second = await startTestServer({ dataDir, env: { CONCORD_DEMO: '0' }, judges: TEST_JUDGES });
		const lead = await second.login(email('lead'));
		const ended = await eventually(
			async () => {
				const view = (await second!.api(`/api/judge-runs/${run.id}`, { headers: lead })).body.run;
				return view.state === 'done' ? view : null;
			},
			15_000,
			'the run to finish on the new server'
		);
		expect(ended).toMatchObject({ total: 16, done: 16, failed: 0 });
		expect(w.chat.sentTwice()).toEqual([]);
		const stored = await second.deps.db.select().from(judgeEvaluations).where(eq(judgeEvaluations.runId, run.id));
		expect(stored).toHaveLength(16);
	});
});
