// End to end in Chromium: the judges page of the demo project. The lead finds it in the project's navigation,
// sees the demo's imported judge, registers a judge in the dialog (naming the key's JUDGE_ variable, never the key),
// imports a JSONL file of its scores and reads the count, with the one bad line listed by number; the manager
// reads the same list without the controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';

failOnPageErrors();

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	server = await startTestServer({
		judges: {
			keys: { JUDGE_E2E_KEY: 'sk-e2e' },
			timeoutMs: 1000,
			maxAttempts: 1,
			retryBaseMs: 10,
			maxRetryAfterMs: 100
		}
	});
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

const line = (externalId: string, correctness: number) =>
	JSON.stringify({
		externalId,
		judge: 'Rubric judge',
		scores: {
			correctness,
			relevance: 5,
			helpfulness: 4,
			clarity: 5,
			tone_register: 5,
			safety: true,
			error_type: 'none'
		}
	});

describe('judges page', () => {
	it('registers a judge and imports its scores from a JSONL file', async () => {
		const lead = await server.login('lead@demo.test');
		const pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id as string;
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		await page.goto(`/projects/${pid}`);
		await page.getByRole('link', { name: 'Judges', exact: true }).click();
		await page.waitForURL(new RegExp(`/projects/${pid}/judges$`));
		await page.getByRole('link', { name: 'Demo judge' }).waitFor();

		await page.getByRole('button', { name: 'Register a judge' }).click();
		const dialog = page.getByRole('dialog', { name: 'Register a model judge' });
		await dialog.getByLabel('Name').fill('Rubric judge');
		await dialog.getByLabel('Endpoint base URL').fill('http://127.0.0.1:9/v1');
		await dialog.getByLabel('Model', { exact: true }).fill('gpt-4o-mini');
		await dialog.getByLabel('API key variable (optional)').fill('JUDGE_E2E_KEY');
		await dialog.getByRole('button', { name: 'Save' }).click();
		await dialog.waitFor({ state: 'hidden' });
		const card = page.locator('li', { has: page.getByRole('link', { name: 'Rubric judge' }) });
		await card.getByText('JUDGE_E2E_KEY is set on the server').waitFor();
		await expect.poll(() => card.getByTestId('judge-scored').textContent()).toBe('0 items');

		const file = [line('atlas-text-001', 5), line('atlas-text-002', 4), line('atlas-text-404', 3)].join('\n');
		await page.getByLabel('File (JSONL or Label Studio JSON)').setInputFiles({
			name: 'scores.jsonl',
			mimeType: 'application/x-ndjson',
			buffer: Buffer.from(file)
		});
		await page.getByTestId('judge-import-format').getByText('JSONL lines').waitFor();
		await page.getByRole('button', { name: 'Import scores' }).click();
		const result = page.getByTestId('judge-import-result');
		await result.waitFor();
		expect(await result.textContent()).toContain('Imported 2 scores');
		const problems = page.getByRole('table');
		await problems.getByRole('cell', { name: '3', exact: true }).waitFor();
		expect(await problems.textContent()).toContain('no item with externalId “atlas-text-404”');
		await expect.poll(() => card.getByTestId('judge-scored').textContent()).toBe('2 items');
		await context.close();
	});

	it('opens and closes the dialog from the keyboard, giving focus back to its button', async () => {
		const lead = await server.login('lead@demo.test');
		const pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id as string;
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		await page.goto(`/projects/${pid}/judges`);
		const edit = page.getByRole('button', { name: 'Edit Demo judge' });
		await edit.focus();
		await page.keyboard.press('Enter');
		const dialog = page.getByRole('dialog', { name: 'Edit Demo judge' });
		await dialog.waitFor();
		// An imported judge is edited from what it has: its name and model are filled in.
		await expect.poll(() => dialog.getByLabel('Name').inputValue()).toBe('Demo judge');
		expect(await dialog.getByLabel('Model', { exact: true }).inputValue()).toBe('gpt-4o-mini (imported)');
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		await expect.poll(() => edit.evaluate((el) => el === document.activeElement)).toBe(true);
		await context.close();
	});

	it('shows managers the judges without the controls', async () => {
		const pm = await server.login('pm@demo.test');
		const pid = (await server.api('/api/projects', { headers: pm })).body.projects[0].id as string;
		const { context, page } = await personContext(browser, server.url, 'pm@demo.test');
		await page.goto(`/projects/${pid}/judges`);
		await page.getByRole('link', { name: 'Demo judge' }).waitFor();
		expect(await page.getByRole('button', { name: 'Register a judge' }).count()).toBe(0);
		expect(await page.getByRole('button', { name: /^Retire / }).count()).toBe(0);
		expect(await page.getByRole('heading', { name: 'Import judge scores' }).count()).toBe(0);
		await context.close();
	});
});
