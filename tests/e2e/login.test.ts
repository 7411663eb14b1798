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
