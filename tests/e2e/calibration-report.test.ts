// The calibration report's "Distance from consensus" table in Chromium, on the demo's finished session: on a
// 1440 px desktop screen every column is in view without scrolling (a lead reads and prints it whole); on a 390 px
// phone the table scrolls inside its own box and the page itself does not widen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let page: Page;
let reportPath: string;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
	const lead = await server.login('lead@demo.test');
	const pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id;
	const calibration = (await server.api(`/api/projects/${pid}/calibrations`, { headers: lead })).body.calibrations[0];
	reportPath = `/projects/${pid}/calibrations/${calibration.id}/report`;
	page = (await personContext(browser, server.url, 'lead@demo.test')).page;
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

/** Each header cell of the deviation table that is not wholly inside both the viewport and its scroll box. */
async function hiddenHeaders(p: Page): Promise<string[]> {
	const table = p.getByTestId('deviation');
	await table.waitFor();
	return table.evaluate((el) => {
		// The box the table scrolls in: the table itself (phones) or its nearest ancestor that scrolls sideways.
		let found: Element | null = el;
		while (found && getComputedStyle(found).overflowX !== 'auto') found = found.parentElement;
		const box = (found ?? document.documentElement).getBoundingClientRect();
		const right = Math.min(box.right, document.documentElement.clientWidth);
		const left = Math.max(box.left, 0);
		return [...el.querySelectorAll('thead th')]
			.filter((th) => {
				const r = th.getBoundingClientRect();
				return r.left < left - 0.5 || r.right > right + 0.5;
			})
			.map((th) => th.textContent.trim());
	});
}

describe('the distance-from-consensus table', () => {
	it('shows every column at 1440 px', async () => {
		await page.setViewportSize({ width: 1440, height: 900 });
		await page.goto(reportPath);
		await page.getByTestId('deviation').waitFor();
		const headers = await page.getByTestId('deviation').locator('thead th').count();
		// Participant, overall, a column per dimension (the demo rubric has several), time.
		expect(headers).toBeGreaterThan(6);
		expect(await hiddenHeaders(page)).toEqual([]);
	});

	it('scrolls inside its own box at 390 px, without widening the page', async () => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto(reportPath);
		await page.getByTestId('deviation').waitFor();
		const { pageExtra, boxScrolls } = await page.getByTestId('deviation').evaluate((el) => {
			let box: Element | null = el;
			while (box && getComputedStyle(box).overflowX !== 'auto') box = box.parentElement;
			return {
				pageExtra: document.documentElement.scrollWidth - document.documentElement.clientWidth,
				boxScrolls: !!box && box !== document.documentElement && box.scrollWidth > box.clientWidth
			};
		});
		expect(pageExtra).toBe(0);
		expect(boxScrolls).toBe(true);
	});
});
