// End to end in Chromium: the admin's people directory. Ben has the guideline open (a live room); the admin finds
// him by searching, deactivates him after a dialog that names the consequence, and Ben's page at once says his
// session has ended; Ben can no longer sign in. The admin reactivates him and he signs in again. The admin also
// makes a password reset link, which opens the reset page where Ana sets a new password and is signed in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext, watchedContext } from '../fixtures/browser';

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

const signIn = (email: string, password = DEMO_PASSWORD) =>
	server.api('/api/auth/login', { body: { email, password } });

describe('admin people directory', () => {
	it('deactivating a user ends their open page’s connection at once; reactivating lets them back in', async () => {
		const lead = await server.login('lead@demo.test');
		const pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id;
		const guideline = (await server.api(`/api/projects/${pid}/guidelines`, { headers: lead })).body.guidelines[0].id;

		const ben = await personContext(browser, server.url, 'ben@demo.test');
		await ben.page.goto(`/projects/${pid}/guidelines/${guideline}`);
		await ben.page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor();

		const admin = await personContext(browser, server.url, 'admin@demo.test');
		await admin.page.goto('/admin');
		await admin.page.getByLabel('Search by name or email').fill('ben');
		const row = admin.page.locator('tr[data-user="ben@demo.test"]');
		await row.waitFor();
		await expect.poll(() => admin.page.getByRole('region', { name: 'People' }).locator('tbody tr').count()).toBe(1);
		await row.getByRole('button', { name: 'Deactivate' }).click();
		const dialog = admin.page.getByRole('dialog', { name: 'Deactivate Ben Carter?' });
		await dialog.getByText('ends their sessions and connections now', { exact: false }).waitFor();
		await dialog.getByRole('button', { name: 'Deactivate Ben Carter' }).click();
		await row.getByText('Deactivated', { exact: true }).waitFor();

		// Ben's open page learns it at once: the room says the session ended.
		await ben.page.getByText('Your session has ended. Sign in again to rejoin.').waitFor({ timeout: 5000 });
		const refused = await signIn('ben@demo.test');
		expect(refused.status).toBe(403);

		await row.getByRole('button', { name: 'Reactivate' }).click();
		await row.getByText('Active', { exact: true }).waitFor();
		expect((await signIn('ben@demo.test')).status).toBe(200);
		await ben.context.close();
		await admin.context.close();
	});

	it('a reset link opens a page where its holder sets a new password and is signed in', async () => {
		const admin = await personContext(browser, server.url, 'admin@demo.test');
		await admin.page.goto('/admin');
		await admin.page.getByLabel('Search by name or email').fill('ana@');
		const row = admin.page.locator('tr[data-user="ana@demo.test"]');
		await row.getByRole('button', { name: 'Reset password' }).click();
		const dialog = admin.page.getByRole('dialog', { name: 'Password reset link for Ana Souza' });
		const url = await dialog.getByLabel('Reset link').inputValue();
		expect(url).toMatch(/\/reset-password\/[\w-]+$/);
		await dialog.getByRole('button', { name: 'Done' }).click();
		await admin.context.close();

		const context = await watchedContext(browser, { baseURL: server.url, locale: 'en-US' }, 'ana (reset)');
		const page = await context.newPage();
		await page.goto(new URL(url).pathname);
		await page.getByText('For Ana Souza (ana@demo.test).').waitFor();
		await page.getByLabel('New password', { exact: true }).fill('ana-new-passphrase-2027');
		await page.getByLabel('New password again').fill('ana-new-passphrase-2028');
		await page.getByRole('button', { name: 'Set password and sign in' }).click();
		await page.getByText('The two passwords are not the same', { exact: false }).waitFor();
		await page.getByLabel('New password again').fill('ana-new-passphrase-2027');
		await page.getByRole('button', { name: 'Set password and sign in' }).click();
		await page.waitForURL((u) => u.pathname === '/projects');
		expect((await signIn('ana@demo.test', 'ana-new-passphrase-2027')).status).toBe(200);

		// The link is used up: opening it again says so in words.
		await page.goto(new URL(url).pathname);
		await page.getByText('This reset link has already been used.', { exact: false }).waitFor();
		await context.close();
	});
});
