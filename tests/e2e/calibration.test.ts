// End to end in Chromium, three people on the demo data: the lead starts a session on the two most disagreed
// text items with Ana and Ben; both join from the project home's live card and score blind (neither sees the
// other's scores); the lead reveals; Ana sees Ben's scores live and comments on one of his score cells; the lead
// sees the comment without reloading, runs a second blind round in which they converge, records the consensus
// (the item's gold answer), closes, and the report shows agreement rising from round 1 to round 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually, startTestServer, type TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';

failOnPageErrors();

// Generous per-step limits: two people score seven dimensions on every item through the real UI.
const STEP_MS = 90_000;

let server: TestServer;
let browser: Browser;
let pid: string;
let sessionUrl: string;
const pages: Record<'lead' | 'ana' | 'ben', Page> = {} as never;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
	const lead = await server.login('lead@demo.test');
	pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id;
	for (const who of ['lead', 'ana', 'ben'] as const)
		pages[who] = (await personContext(browser, server.url, `${who}@demo.test`)).page;
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

/** Answers every choice dimension of the visible score sheet: `pick(dimension, options)` says which option. */
async function fillSheet(page: Page, pick: (dim: string, options: number) => number) {
	const fieldsets = page.locator('form.sheet').locator('fieldset[data-dim]');
	for (let i = 0, count = await fieldsets.count(); i < count; i++) {
		const fieldset = fieldsets.nth(i);
		const radios = fieldset.locator('[role="radio"]');
		const n = await radios.count();
		if (n === 0) continue;
		await radios.nth(pick((await fieldset.getAttribute('data-dim'))!, n)).click();
	}
}

async function scoreEverything(page: Page, pick: (dim: string, options: number) => number, rationale: string) {
	const items = page.locator('nav[aria-label="Items of the session"] button');
	const count = await items.count();
	for (let i = 0; i < count; i++) {
		await items.nth(i).click();
		await fillSheet(page, pick);
		await page.getByLabel('Rationale').fill(`${rationale} (item ${i + 1})`);
		await page.getByRole('button', { name: /Submit score|Update score/ }).click();
		await items.nth(i).getByText('Scored').waitFor();
	}
}

describe('a calibration meeting', () => {
	it(
		'is started by the lead on the most disagreed items',
		async () => {
			const page = pages.lead;
			await page.goto(`/projects/${pid}/calibrations`);
			await page.getByRole('button', { name: /New session/ }).click();
			await page.getByLabel('Title').fill('E2E calibration');
			await page.getByLabel('Modality').selectOption({ label: 'Text' });
			await page.getByLabel('How many items').fill('2');
			await page.getByTestId('most-disagreed').click();
			await page.getByText('2 items chosen').waitFor();
			await page.locator('label.person', { hasText: 'Chen Wei' }).locator('input').uncheck();
			await page.getByRole('button', { name: /Start session \(2 items, 2 people\)/ }).click();
			await page.waitForURL(/\/calibrations\/[A-Za-z0-9_-]+$/);
			sessionUrl = new URL(page.url()).pathname;
			await page.getByTestId('phase').getByText('Blind scoring').waitFor();
			await page.getByTestId('sheets-in').getByText('0 of 4 scores in').waitFor();
		},
		STEP_MS
	);

	it(
		'is joined from the project home and scored blind by both evaluators',
		async () => {
			for (const who of ['ana', 'ben'] as const) {
				const page = pages[who];
				await page.goto(`/projects/${pid}`);
				const card = page.getByTestId('live-calibrations');
				await card.getByText('E2E calibration').waitFor();
				await card.getByText('2 left for you to score').waitFor();
				await card.getByRole('link', { name: 'Join' }).click();
				await page.waitForURL((url) => url.pathname === sessionUrl);
			}
			// Ana is generous on correctness, Ben strict; both agree elsewhere.
			await scoreEverything(
				pages.ana,
				(dim, n) => (dim === 'correctness' ? 4 : n === 5 ? 3 : 0),
				'Checked every figure against the source'
			);
			await scoreEverything(
				pages.ben,
				(dim, n) => (dim === 'correctness' ? 1 : n === 5 ? 3 : 0),
				'The key date is wrong'
			);

			// The lead sees who is done, never what; nobody sees the other's rationale.
			await pages.lead.getByTestId('sheets-in').getByText('4 of 4 scores in').waitFor();
			for (const page of [pages.lead, pages.ana]) expect(await page.content()).not.toContain('The key date is wrong');
			expect(await pages.ben.content()).not.toContain('Checked every figure');
		},
		STEP_MS
	);

	it(
		'is revealed by the lead and reaches the evaluators live; an anchored comment reaches the lead live',
		async () => {
			await pages.lead.getByRole('button', { name: 'Reveal scores' }).click();
			const ana = pages.ana;
			await ana.locator('nav[aria-label="Items of the session"] button').first().click();
			const benCell = ana.locator(
				'[data-testid=reveal-grid] td[data-participant="Ben Carter"][data-dimension="correctness"]'
			);
			await benCell.waitFor();
			await expect(benCell.textContent()).resolves.toContain('2');
			await expect(benCell.getAttribute('data-conflict')).resolves.not.toBe('none');
			await ana.getByText('The key date is wrong (item 1)').waitFor();

			await benCell.getByRole('button').click();
			await ana.getByPlaceholder('Say what you see…').fill('Ben, which date do you mean? I checked them all.');
			await ana.getByRole('button', { name: 'Comment', exact: true }).click();

			const lead = pages.lead;
			await lead.locator('nav[aria-label="Items of the session"] button').first().click();
			const comment = lead.locator('[data-testid=discussion] li.thread', { hasText: 'which date do you mean' });
			await comment.waitFor();
			await expect(comment.textContent()).resolves.toContain('Ben Carter’s Correctness (round 1)');
			await expect(
				lead
					.locator('[data-testid=reveal-grid] td[data-participant="Ben Carter"][data-dimension="correctness"] .count')
					.textContent()
			).resolves.toBe('1');
		},
		STEP_MS
	);

	it(
		'runs a second blind round in which the evaluators converge',
		async () => {
			const lead = pages.lead;
			await lead.getByRole('button', { name: 'New blind round…' }).click();
			await lead.getByText('2 items chosen').waitFor();
			await lead.getByRole('button', { name: 'Start blind round' }).click();
			await lead.getByTestId('phase').getByText('Blind scoring').waitFor();
			await lead.getByTestId('sheets-in').getByText('0 of 4 scores in').waitFor();
			for (const who of ['ana', 'ben'] as const) {
				await pages[who].getByTestId('phase').getByText('Blind scoring').waitFor();
				await scoreEverything(
					pages[who],
					(dim, n) => (dim === 'correctness' ? 2 : n === 5 ? 3 : 0),
					`Round 2 from ${who}`
				);
			}
			await lead.getByTestId('sheets-in').getByText('4 of 4 scores in').waitFor();
			await lead.getByRole('button', { name: 'Reveal scores' }).click();
			await lead.locator('nav[aria-label="Items of the session"] button').first().click();
			await lead.getByRole('tab', { name: /Round 2/ }).waitFor();
			await expect(lead.getByRole('tab', { name: /Round 1/ }).getAttribute('aria-selected')).resolves.toBe('false');
		},
		STEP_MS
	);

	it(
		'ends with the lead recording the consensus, which becomes the gold answer',
		async () => {
			const lead = pages.lead;
			await lead.getByRole('button', { name: 'Record consensus…' }).click();
			await lead
				.locator('[data-testid=consensus-panel] fieldset[data-dim="correctness"] [role="radio"]')
				.nth(2)
				.click();
			await lead.getByLabel('Why (shown with the gold answer)').fill('One date is off by a year: a 3, not a 2 or a 5.');
			await lead.getByRole('button', { name: 'Record consensus', exact: true }).click();
			await lead.getByText(/Recorded by Lea Lima/).waitFor();
			await pages.ana.locator('nav[aria-label="Items of the session"] button').first().click();
			await pages.ana.locator('[data-testid=reveal-grid] tr.consensus:not(.why)').getByText('Consensus').waitFor();

			const sessionId = sessionUrl.split('/').pop()!;
			const headers = await server.login('lead@demo.test');
			const view = (await server.api(`/api/calibrations/${sessionId}`, { headers })).body;
			const itemId = view.items[0].id;
			const gold = await eventually(
				async () => (await server.api(`/api/items/${itemId}`, { headers })).body.item.gold,
				5000,
				'the gold answer'
			);
			expect(gold).toMatchObject({
				source: 'calibration',
				calibrationId: sessionId,
				scores: { correctness: 3 },
				note: 'One date is off by a year: a 3, not a 2 or a 5.'
			});
		},
		STEP_MS
	);

	it(
		"closes, and the report shows agreement rising from round 1 to round 2 and each evaluator's distance from the consensus",
		async () => {
			const lead = pages.lead;
			await lead.getByRole('button', { name: 'Close session' }).click();
			await lead.getByTestId('phase').getByText('Closed').waitFor();
			await pages.ben.getByTestId('phase').getByText('Closed').waitFor();
			await lead.getByRole('link', { name: 'Report' }).click();
			const byRound = lead.getByTestId('agreement-by-round');
			await byRound.getByRole('rowheader', { name: 'Correctness' }).waitFor();
			const correctness = await byRound.getByRole('row', { name: /Correctness/ }).textContent();
			expect(correctness).toMatch(/25%.*100%/);
			expect(correctness).toMatch(/before 25%/);
			await expect(
				lead
					.getByTestId('deviation')
					.getByRole('row', { name: /Ana Souza/ })
					.textContent()
			).resolves.toMatch(/Ana Souza/);
		},
		STEP_MS
	);
});
