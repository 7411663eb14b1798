// Model judges where people decide, in Chromium: the lead turns on automatic escalation and suggestions on the
// settings page; a judge that disagrees with the people escalates the item, and the adjudication room shows the
// judge as a marked column beside the people's (its rationale readable, its score outside the agreement); an
// evaluator scoring another item sees the labelled suggestion, nothing pre-filled, and takes one value explicitly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually, type TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { memberIds } from '../fixtures/calibration-session';
import { addJudgeScore } from '../fixtures/judge-scores';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;
let lead: { context: BrowserContext; page: Page };
let ana: { context: BrowserContext; page: Page };
const RATIONALE = 'The answer gives 1989, but the item asks about 1961.';

beforeAll(async () => {
	server = await startReviewServer();
	// Agreement threshold 0: only the judge can escalate here.
	ws = await createReviewWorkspace(server, { items: 2, threshold: 0 });
	const ids = await memberIds(server, ws);
	for (const itemId of ws.itemIds)
		await addJudgeScore(server, {
			projectId: ws.pid,
			itemId,
			actorId: ids.lead,
			judge: 'Strict judge',
			model: 'judge-model-7b',
			scores: { correctness: 1, safe: true },
			rationale: RATIONALE
		});
	browser = await launchBrowser();
	lead = await personContext(browser, server.url, 'lead@demo.test');
	ana = await personContext(browser, server.url, 'ana@demo.test');
});
afterAll(async () => {
	await lead?.context.close();
	await ana?.context.close();
	await browser?.close();
	await server?.close();
});

describe('judges in the rooms', () => {
	it('a lead turns on suggestions and automatic escalation, each explained', async () => {
		// The lead turns both behaviours on.
		await lead.page.goto(`/projects/${ws.pid}/judges/settings`);
		const card = lead.page.getByTestId('judge-settings');
		await card.getByText('Suggestions anchor people', { exact: false }).waitFor();
		await card.getByLabel('Show a judge’s scores to evaluators as a suggestion').check();
		await card.getByLabel('Judge whose scores are suggested').selectOption({ label: 'Strict judge · judge-model-7b' });
		await card.getByLabel('Escalate when a judge disagrees with the people').check();
		await card.getByLabel('Judge compared with the people').selectOption({ label: 'Strict judge · judge-model-7b' });
		await card.getByLabel('Threshold (scale points)').fill('1');
		await card.getByRole('button', { name: 'Save settings' }).click();
		await card.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
		const saved = await server.api(`/api/projects/${ws.pid}/judges/settings`, { headers: ws.people.lead });
		expect(saved.body.settings.escalation.threshold).toBe(1);
		expect(saved.body.settings.suggestions.judgeId).toBeTruthy();
	});

	it('a judge that disagrees escalates; the room shows it as a marked column outside the agreement', async () => {
		// Three people score the first item 4 or 5: the judge's 1 is far from their median.
		for (const p of ['ben', 'chen', 'lead'] as const)
			await ws.submit(ws.people[p], ws.itemIds[0], { correctness: p === 'ben' ? 5 : 4, safe: true });
		const queue = await server.api(`/api/projects/${ws.pid}/escalations`, { headers: ws.people.lead });
		const escalation = queue.body.escalations.find((e: { reason: string }) => e.reason === 'judge_disagreement');
		expect(escalation).toBeTruthy();

		// The room: the reason in words, the judge as a marked column after the people, its rationale readable.
		await lead.page.goto(`/projects/${ws.pid}/escalations/${escalation.id}`);
		await lead.page.getByRole('heading', { name: /Adjudication: Judge disagrees/ }).waitFor();
		const grid = lead.page.getByRole('table', { name: 'Scores' });
		const headers = await grid.locator('thead th').allTextContents();
		const judgeAt = headers.findIndex((h) => h.includes('Model judge') && h.includes('Strict judge'));
		expect(judgeAt).toBeGreaterThan(headers.findIndex((h) => h.includes('Chen Wei')));
		expect(headers[judgeAt]).toContain('judge-model-7b');
		expect(
			await grid.locator('tr[data-dimension="correctness"] td[data-judge="Strict judge"]').textContent()
		).toContain('1');
		await lead.page.getByText(RATIONALE).waitFor();
		// The people's agreement on correctness (5, 4, 4) is not pulled down by the judge's 1.
		const agreement = await grid.locator('tr[data-dimension="correctness"] td').first().textContent();
		expect(Number(agreement?.trim())).toBeGreaterThan(0.8);
	});

	it('an evaluator sees the labelled suggestion, nothing pre-filled, and takes a value explicitly', async () => {
		// Ana scores the second item: the suggestion is labelled, and nothing is in her answers until she takes it.
		await ana.page.goto(`/projects/${ws.pid}/items/${ws.itemIds[1]}`);
		const suggestion = ana.page.getByTestId('judge-suggestion');
		await suggestion.getByText('Suggested by a model judge — score what you see').waitFor();
		const mine = async () =>
			(await server.api(`/api/items/${ws.itemIds[1]}/evaluations`, { headers: ws.people.ana })).body.evaluations;
		expect(await mine()).toEqual([]);
		await suggestion.getByRole('button', { name: /Use the suggested 1.* for Correctness/ }).click();
		await suggestion.getByRole('button', { name: /Taken: the suggested 1.* for Correctness/ }).waitFor();
		const draft = await eventually(
			async () => (await mine()).find((e: { scores: { correctness?: number } }) => e.scores.correctness === 1),
			10_000,
			'the taken value to be saved'
		);
		expect(draft.scores).toEqual({ correctness: 1 });
		expect(draft.suggestionId).toBeTruthy();
	});
});
