// End to end in Chromium: the demo lead signs in, lands in the demo project and sees items of every modality;
// the interface switches to Brazilian Portuguese from the account menu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors, watchedContext } from '../fixtures/browser';

failOnPageErrors();

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('sign-in', () => {
	it('greets a signed-out visitor without a single console message of error, and names every demo account', async () => {
		// The watched contexts ignore failed loads (tests provoke 4xx on purpose); this one counts them too: a
		// visitor who is not signed in is not an error (the app used to log a 401 from /api/me on every visit).
		const context = await watchedContext(browser, { baseURL: server.url });
		const page = await context.newPage();
		const errors: string[] = [];
		page.on('console', (msg) => {
			if (msg.type() === 'error') errors.push(msg.text());
		});
		await page.goto('/projects');
		await page.waitForURL(/\/login/);
		const hint = await page.getByText(/^Demo workspace:/).textContent();
		for (const who of ['lead', 'pm', 'ana', 'ben', 'chen', 'admin']) expect(hint).toContain(`${who}@demo.test`);
		await page.getByLabel('Email').fill('lead@demo.test');
		expect(errors).toEqual([]);
		await context.close();
	});

	it('shows an error for a wrong password and stays on the sign-in page', async () => {
		const context = await watchedContext(browser, { baseURL: server.url });
		const page = await context.newPage();
		await page.goto('/projects');
		await page.waitForURL(/\/login/);
		await page.getByLabel('Email').fill('lead@demo.test');
		await page.getByLabel('Password').fill('not-the-password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not correct/);
		await context.close();
	});

	it('lets the demo lead sign in and see the demo project with every modality', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		await page.goto('/projects');
		await page.getByRole('link', { name: /Atlas Assistant/ }).click();
		await page.getByRole('heading', { name: /Atlas Assistant/ }).waitFor();
		await page.getByText('Quality lead').first().waitFor();
		await page.getByRole('heading', { name: 'Rubric' }).waitFor();
		const modalities = page.getByLabel('Modality');
		for (const m of ['Text', 'Chat', 'Image caption', 'Image edit', 'Video', 'Multimodal', 'Pairwise']) {
			await modalities.selectOption({ label: m });
			// Every listed row shows the chosen modality once the filtered list has loaded.
			await page.waitForFunction((label) => {
				const cells = [...document.querySelectorAll('tbody tr td:nth-child(2)')];
				return cells.length > 0 && cells.every((c) => c.textContent?.includes(label));
			}, m);
		}
		await context.close();
	});

	it('switches the interface to Brazilian Portuguese', async () => {
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		await page.goto('/projects');
		await page.getByRole('button', { name: 'Account menu' }).click();
		await page.getByLabel('Language').selectOption('pt-BR');
		await page.getByRole('heading', { name: 'Seus projetos' }).waitFor();
		expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
		await context.close();
	});
});
