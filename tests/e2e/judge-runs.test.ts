// End to end in Chromium: a lead opens a judge's page, runs it over the project's items against a real local
// chat-completions server, watches the progress bar reach done, and reads a failed item's error and raw reply; a
// manager reads the same page without the controls to run or cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';
import { email } from '../fixtures/exchange';
import {
	importTextItems,
	registerJudge,
	startJudgeWorld,
	startRun,
	TEST_JUDGES,
	type JudgeWorld
} from '../fixtures/judge-run-world';

failOnPageErrors();

let w: JudgeWorld;
let browser: Browser;

beforeAll(async () => {
	w = await startJudgeWorld();
	await importTextItems(w, 8, 'e');
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await w?.x.server.close();
	await w?.chat.close();
});

describe('a judge’s page', () => {
	it('runs the judge, shows live progress to done, and a failed item’s raw reply', async () => {
		// One item always gets a reply that is not JSON: it fails after its attempts, with the raw text kept.
		w.chat.script = (r) => (r.item === 'e3' ? { kind: 'malformed' } : { kind: 'good' });
		w.chat.latencyMs = 150;
		const judgeId = await registerJudge(w, { name: 'Browser judge', concurrency: 2 });
		const { context, page } = await personContext(browser, w.x.server.url, email('lead'));
		await page.goto(`/projects/${w.pid}/judges/${judgeId}`);
		await page.getByRole('heading', { name: 'Browser judge', level: 1 }).waitFor();
		await page.getByText('JUDGE_TEST_KEY').waitFor();
		await page.getByText('set on this server').waitFor();
		await page.getByText('No runs yet').waitFor();
		// What this server sends for a video, as the server says (ffmpeg is installed here).
		await page
			.getByTestId('judge-video')
			.filter({ hasText: 'Sent as 8 still frames per video, evenly spaced, at most 768 px on the longer side' })
			.waitFor();

		await page.getByRole('button', { name: 'Run judge' }).click();
		const dialog = page.getByRole('dialog', { name: 'Run the judge' });
		await dialog.getByText('8 items').waitFor();
		await dialog.getByLabel('Items of one modality').check();
		await dialog.getByRole('combobox', { name: 'Modality' }).selectOption('caption');
		await dialog.getByText('No items match').waitFor();
		await dialog.getByLabel('All items of the project').check();
		await dialog.getByText('8 items').waitFor();
		await dialog.getByRole('button', { name: 'Start run' }).click();
		await dialog.waitFor({ state: 'hidden' });

		const progress = page.getByRole('progressbar', { name: 'Progress of the run' });
		await progress.waitFor();
		await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 15_000 }).toBe(8);
		await page.getByText('Done', { exact: true }).waitFor();
		await page.getByText('8 of 8 · 7 scored · 1 failed · 0 skipped (already judged)').waitFor();

		await page.getByRole('button', { name: 'Show failed items' }).click();
		await page.getByText('Item e3').waitFor();
		await page.getByText('The reply is not valid JSON').waitFor();
		await page.getByText('Raw reply').click();
		await page.getByText('oops').waitFor();
		await context.close();
	});

	it('lets a manager follow runs without the controls to run or cancel', async () => {
		const judgeId = await registerJudge(w, { name: 'Read only judge' });
		const { context, page } = await personContext(browser, w.x.server.url, email('pm'));
		await page.goto(`/projects/${w.pid}/judges/${judgeId}`);
		await page.getByText('only quality leads start or cancel them').waitFor();
		expect(await page.getByRole('button', { name: 'Run judge' }).count()).toBe(0);
		await context.close();
	});

	it('shows the items being retried while the run works, with their attempts and why the last failed', async () => {
		// The endpoint asks for a minute's patience on one item: it waits, pending, for its next attempt.
		const slow = await startJudgeWorld({ judges: { ...TEST_JUDGES, maxRetryAfterMs: 60_000 } });
		try {
			await importTextItems(slow, 3, 'r');
			slow.chat.script = (r) =>
				r.item === 'r2'
					? { kind: 'status', status: 429, headers: { 'retry-after': '60' }, body: '{"error":"slow down"}' }
					: { kind: 'good' };
			const judgeId = await registerJudge(slow, { name: 'Patient judge' });
			const { context, page } = await personContext(browser, slow.x.server.url, email('lead'));
			await page.goto(`/projects/${slow.pid}/judges/${judgeId}`);
			await page.getByText('No runs yet').waitFor();
			expect((await startRun(slow, judgeId)).status).toBe(201);
			await page.reload();
			// The run holds the judge back for its Retry-After, so it is still working while the lead looks.
			await page.getByText('1 of 3 · 1 scored').or(page.getByText('2 of 3 · 2 scored')).first().waitFor();
			await page.getByRole('button', { name: 'Show items being retried' }).click();
			const retrying = page.getByRole('region', { name: 'Items being retried' });
			await retrying.getByText('Item r2').waitFor();
			await retrying.getByText('1 attempt', { exact: true }).waitFor();
			await retrying.getByText('HTTP 429').waitFor();
			page.once('dialog', (d) => void d.accept());
			await page.getByRole('button', { name: 'Cancel run' }).click();
			await page.getByText('Cancelled', { exact: true }).waitFor();
			await context.close();
		} finally {
			await slow.x.server.close();
			await slow.chat.close();
		}
	});

	it('tells the lead that videos are not sent when the server has no ffmpeg', async () => {
		const bare = await startJudgeWorld({
			videoFrames: { ...w.x.server.deps.config.videoFrames, ffmpeg: '/nonexistent/ffmpeg' }
		});
		try {
			const judgeId = await registerJudge(bare, { name: 'No frames judge' });
			const { context, page } = await personContext(browser, bare.x.server.url, email('lead'));
			await page.goto(`/projects/${bare.pid}/judges/${judgeId}`);
			await page
				.getByTestId('judge-video')
				.filter({ hasText: 'Not sent: ffmpeg is not installed on the server.' })
				.waitFor();
			await context.close();
		} finally {
			await bare.x.server.close();
			await bare.chat.close();
		}
	});
});
