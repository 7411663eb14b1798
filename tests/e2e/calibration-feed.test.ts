// End to end in Chromium, two people in a revealed calibration session: while Ana is on item 1, Ben comments on
// item 2; without reloading, Ana's item list marks item 2 with a new comment, the "All items" feed lists Ben's
// comment first (newest first) naming its item and author and marked new, and choosing it opens item 2 at that
// comment, which clears the marks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, memberIds } from '../fixtures/calibration-session';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;
const pages = {} as Record<'ana' | 'ben', Page>;
let path: string;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	const ids = await memberIds(server, ws);
	const { calibration } = await createSession(server, ws, {
		title: 'Feed',
		itemIds: ws.itemIds,
		participantIds: [ids.ana, ids.ben]
	});
	const reveal = await server.api(`/api/calibrations/${calibration.id}/reveal`, { headers: ws.people.lead, body: {} });
	expect(reveal.status).toBe(200);
	path = `/projects/${ws.pid}/calibrations/${calibration.id}`;
	browser = await launchBrowser();
	for (const who of ['ana', 'ben'] as const)
		pages[who] = (await personContext(browser, server.url, `${who}@demo.test`)).page;
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

const nav = (page: Page) => page.locator('nav[aria-label="Items of the session"] button');

async function comment(page: Page, text: string) {
	await page.getByPlaceholder('Say what you see…').fill(text);
	await page.getByRole('button', { name: 'Comment', exact: true }).click();
	await page.getByTestId('discussion').getByText(text).waitFor();
}

describe('the session discussion feed', () => {
	it('shows a comment on another item live, marks that item, and jumps to the comment', async () => {
		const { ana, ben } = pages;
		for (const page of [ana, ben]) {
			await page.goto(path);
			await page.getByTestId('phase').getByText('Revealed').waitFor();
		}
		await nav(ana).nth(0).click();
		await comment(ana, 'Item one reads fine to me');
		await nav(ben).nth(1).click();
		await comment(ben, 'On item two the date is wrong');

		// Ana, still on item 1, sees item 2 marked without reloading; item 1 (on screen) is not.
		await nav(ana).nth(1).getByTestId('unread').getByText('New comments: 1').waitFor();
		expect(await nav(ana).nth(0).getByTestId('unread').count()).toBe(0);
		await expect(nav(ana).nth(0).getAttribute('aria-current')).resolves.toBe('true');
		await ana
			.getByRole('tab', { name: /All items/ })
			.getByTestId('feed-new')
			.getByText('1')
			.waitFor();

		await ana.getByRole('tab', { name: /All items/ }).click();
		const entries = ana.getByTestId('session-feed').locator('li button');
		await expect(entries.count()).resolves.toBe(2);
		const newest = entries.first();
		await expect(newest.textContent()).resolves.toMatch(/Item 2 · Ben Carter · .*New.*On item two the date is wrong/s);
		await expect(entries.nth(1).textContent()).resolves.toMatch(/Item 1 · Ana Souza · .*Item one reads fine/s);
		expect(await entries.nth(1).getByText('New', { exact: true }).count()).toBe(0);

		await newest.click();
		await expect(nav(ana).nth(1).getAttribute('aria-current')).resolves.toBe('true');
		const thread = ana.getByTestId('discussion').locator('li.thread', { hasText: 'On item two the date is wrong' });
		await thread.waitFor();
		await expect(thread.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
		await nav(ana).nth(1).getByTestId('unread').waitFor({ state: 'detached' });
		expect(await ana.getByTestId('feed-new').count()).toBe(0);
	});

	it('is keyboard-operable: arrow keys move between the tabs', async () => {
		const { ana } = pages;
		await ana.getByRole('tab', { name: 'This item' }).focus();
		await ana.keyboard.press('ArrowRight');
		await expect(ana.getByRole('tab', { name: /All items/ }).getAttribute('aria-selected')).resolves.toBe('true');
		await ana.getByTestId('session-feed').waitFor();
		await ana.keyboard.press('ArrowLeft');
		await ana.getByTestId('discussion').waitFor();
	});
});
