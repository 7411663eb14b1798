// End to end in Chromium on the demo workspace: the lead opens the agreement dashboard, sees the per-dimension
// chart and the most-disagreed items, switches the chart to its table (same numbers as the API), focuses a
// dimension (the filter goes to the URL), pages through the most-disagreed items, sees each bootstrap interval once
// computed, and opens an adjudication from the list in one click. A manager sees
// the dashboard read-only; an evaluator is told it is not for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let pid: string;

beforeAll(async () => {
	server = await startTestServer();
	const lead = await server.login('lead@demo.test');
	pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id;
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

/** Loads every page of the most-disagreed list (the foot loads one as it scrolls into view, or on "Load more"). */
async function loadWholeList(page: Page, total: number): Promise<Locator> {
	const list = page.getByTestId('most-disagreed-list');
	await list.waitFor();
	const more = page.getByTestId('most-disagreed').getByRole('button', { name: 'Load more' });
	await expect
		.poll(
			async () => {
				if ((await more.isVisible()) && (await more.isEnabled())) await more.click({ timeout: 2000 });
				return list.locator('li').count();
			},
			{ timeout: 15_000 }
		)
		.toBe(total);
	return list;
}

const disagreedTotal = async () =>
	(await server.api(`/api/projects/${pid}/agreement/items`, { headers: await server.login('lead@demo.test') })).body
		.total as number;

describe('agreement dashboard', () => {
	it('shows the lead the per-dimension chart, the most-disagreed items and the numbers as a table', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await page.goto(`/projects/${pid}/agreement`);
			await page.getByRole('heading', { name: 'Agreement', exact: true }).waitFor();
			const dimensions = page.getByTestId('agreement-by-dimension');
			await dimensions.getByRole('img', { name: 'Bar chart of agreement per rubric dimension' }).waitFor();
			const canvas = dimensions.locator('canvas');
			expect((await canvas.boundingBox())!.height).toBeGreaterThan(100);

			const list = await loadWholeList(page, await disagreedTotal());
			const rows = await list.locator('li').count();
			expect(rows).toBeGreaterThanOrEqual(3);
			// Every row leads into adjudication: its active escalation's room, the verdict that settled it, or a
			// button that opens one.
			const open = await list.getByRole('button', { name: 'Open adjudication' }).count();
			const existing = await list.getByRole('link', { name: /^Adjudication/ }).count();
			const settled = await list.getByRole('link', { name: /^Verdict/ }).count();
			expect(open).toBeGreaterThanOrEqual(1);
			expect(existing).toBeGreaterThanOrEqual(1);
			expect(settled).toBeGreaterThanOrEqual(1);
			expect(open + existing + settled).toBe(rows);
			const verdictRow = list.locator('li', { has: page.getByRole('link', { name: /^Verdict/ }) }).first();
			const [resolved] = (
				await server.api(`/api/items/${await verdictRow.getAttribute('data-item')}/escalations`, {
					headers: await server.login('lead@demo.test')
				})
			).body.escalations;
			expect(resolved.state).toBe('resolved');
			expect(await verdictRow.getByRole('link', { name: /^Verdict/ }).getAttribute('href')).toBe(
				`/projects/${pid}/escalations/${resolved.id}`
			);

			await dimensions.getByRole('button', { name: 'Table' }).click();
			const table = page.getByTestId('agreement-dimension-table');
			await table.waitFor();
			expect(await dimensions.getAttribute('data-view')).toBe('table');
			const api = (
				await server.api(`/api/projects/${pid}/agreement`, { headers: await server.login('lead@demo.test') })
			).body;
			const correctness = api.dimensions.find((d: { key: string }) => d.key === 'correctness');
			const row = table.locator('tr[data-dimension="correctness"]');
			expect(await row.textContent()).toContain(correctness.agreement.value.toFixed(3));
			expect(await row.textContent()).toContain('α ordinal');

			await row.getByRole('button', { name: 'Correctness' }).click();
			await page.waitForURL(/dimension=correctness/);
			await page.locator('tr[data-dimension]').first().waitFor();
			await expect.poll(() => page.locator('tr[data-dimension]').count()).toBe(1);
		} finally {
			await context.close();
		}
	});

	it('pages through the most-disagreed items and shows each interval once computed, without a refresh marker', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		try {
			const headers = await server.login('lead@demo.test');
			const whole = (await server.api(`/api/projects/${pid}/agreement/items?limit=100`, { headers })).body;
			expect(whole.total).toBeGreaterThan(12);
			await page.goto(`/projects/${pid}/agreement`);
			// A dozen first; the rest a page at a time.
			const list = await loadWholeList(page, whole.total);
			const shown = await list.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-item')));
			expect(shown).toEqual(whole.items.map((i: { itemId: string }) => i.itemId));

			const dimensions = page.getByTestId('agreement-by-dimension');
			await dimensions.getByRole('button', { name: 'Table' }).click();
			const row = page.getByTestId('agreement-dimension-table').locator('tr[data-dimension="correctness"]');
			// The interval is computed in the background; the page asks again until it is in.
			await expect
				.poll(() => row.getByTestId('interval').textContent(), { timeout: 20_000 })
				.toMatch(/\d\.\d{3} – \d\.\d{3}/);
			expect(await row.getByTestId('interval-refreshing').count()).toBe(0);
			const api = (await server.api(`/api/projects/${pid}/agreement`, { headers })).body;
			const correctness = api.dimensions.find((d: { key: string }) => d.key === 'correctness');
			expect(correctness.interval.refreshing).toBe(false);
			expect(await row.getByTestId('interval').textContent()).toContain(correctness.interval.low.toFixed(3));
		} finally {
			await context.close();
		}
	});

	it('opens an adjudication from the most-disagreed list in one click, or goes to the one already open', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await page.goto(`/projects/${pid}/agreement`);
			const list = page.getByTestId('most-disagreed-list');
			const escalated = list.locator('li', { has: page.getByRole('link', { name: /^Adjudication/ }) }).first();
			const escalatedItem = await escalated.getAttribute('data-item');
			const [existing] = (
				await server.api(`/api/items/${escalatedItem}/escalations`, { headers: await server.login('lead@demo.test') })
			).body.escalations;
			await escalated.getByRole('link', { name: /^Adjudication/ }).click();
			await page.waitForURL(new RegExp(`/escalations/${existing.id}$`));
			await page.goBack();

			const first = list.locator('li', { has: page.getByRole('button', { name: 'Open adjudication' }) }).first();
			const itemId = await first.getAttribute('data-item');
			await first.getByRole('button', { name: 'Open adjudication' }).click();
			await page.waitForURL(new RegExp(`/projects/${pid}/escalations/[\\w-]+$`));
			const all = (
				await server.api(`/api/items/${itemId}/escalations`, { headers: await server.login('lead@demo.test') })
			).body.escalations;
			// The item may have a closed escalation from before; exactly one is active now, the one just opened.
			const active = all.filter((e: { state: string }) => e.state === 'open' || e.state === 'in_review');
			expect(active).toHaveLength(1);
			expect(active[0]).toMatchObject({ reason: 'guideline_ambiguous', state: 'open', source: 'manual' });
			expect(page.url()).toContain(active[0].id);
		} finally {
			await context.close();
		}
	});

	it('is read-only for managers and closed to evaluators', async () => {
		const pm = await personContext(browser, server.url, 'pm@demo.test');
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		try {
			await pm.page.goto(`/projects/${pid}/agreement`);
			const list = pm.page.getByTestId('most-disagreed-list');
			await list.waitFor();
			expect(await list.getByRole('button', { name: 'Open adjudication' }).count()).toBe(0);
			expect(await list.getByRole('link', { name: /View item|Adjudication/ }).count()).toBeGreaterThan(0);
			await ana.page.goto(`/projects/${pid}/agreement`);
			await ana.page.getByText('The agreement dashboard is for quality leads and project managers.').waitFor();
		} finally {
			await pm.context.close();
			await ana.context.close();
		}
	});
});
