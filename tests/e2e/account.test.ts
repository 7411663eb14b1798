// End to end in Chromium: the account page, reached from the account menu. A user changes their password (the
// policy is explained, a wrong current password and a common password are refused with a message), creates an
// API token (shown once, copied, works as Bearer) and revokes it (refused at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, eventually, startTestServer, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';

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

describe('account page', () => {
	it('changes the password, with the policy explained and errors shown', async () => {
		const { context, page } = await personContext(browser, server.url, 'ben@demo.test');
		await page.goto('/projects');
		await page.getByRole('button', { name: 'Account menu' }).click();
		await page.locator('#account-menu').getByRole('link', { name: 'Account' }).click();
		await page.getByRole('heading', { name: 'Your account' }).waitFor();
		await page.getByText(/At least 12 characters/).waitFor();

		const form = page.locator('form', { has: page.getByRole('heading', { name: 'Change password' }) });
		const submit = form.getByRole('button', { name: 'Change password' });
		await form.getByLabel('Current password').fill('not-my-password');
		await form.getByLabel('New password', { exact: true }).fill('ben-picked-a-long-phrase');
		await form.getByLabel('Repeat the new password').fill('ben-picked-a-long-phrase');
		await submit.click();
		await form.getByText('The current password is not correct.').waitFor();
		expect(await form.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');

		await form.getByLabel('Current password').fill(DEMO_PASSWORD);
		await form.getByLabel('New password', { exact: true }).fill('passwordpassword');
		await form.getByLabel('Repeat the new password').fill('passwordpassword');
		await submit.click();
		await form.getByText('This is one of the most common passwords. Choose another.').waitFor();

		await form.getByLabel('New password', { exact: true }).fill('ben-picked-a-long-phrase');
		await form.getByLabel('Repeat the new password').fill('ben-picked-a-long-phrase');
		await submit.click();
		await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
		expect(
			(await server.api('/api/auth/login', { body: { email: 'ben@demo.test', password: DEMO_PASSWORD } })).status
		).toBe(401);
		expect(
			(await server.api('/api/auth/login', { body: { email: 'ben@demo.test', password: 'ben-picked-a-long-phrase' } }))
				.status
		).toBe(200);
		// This browser's own session was kept.
		await page.reload();
		await page.getByRole('heading', { name: 'Your account' }).waitFor();
		await context.close();
	});

	it('creates a token shown once, copies it, and revokes it', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await page.goto('/account');
		const tokens = page.locator('section', { has: page.getByRole('heading', { name: 'API tokens' }) });
		await tokens.getByLabel('Token name').fill('e2e export');
		await tokens.getByLabel('Expires').selectOption({ label: 'in 30 days' });
		await tokens.getByRole('button', { name: 'Create token' }).click();

		const secret = tokens.getByLabel('New token (shown once)');
		await secret.waitFor();
		const token = await secret.inputValue();
		expect(token).toMatch(/^cnc_/);
		await tokens.getByRole('button', { name: 'Copy token' }).click();
		await tokens.getByText('Copied to the clipboard.').waitFor();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
		await tokens.getByRole('row', { name: /e2e export/ }).waitFor();
		expect((await server.api('/api/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

		await tokens.getByRole('button', { name: 'I have copied it' }).click();
		expect(await tokens.getByLabel('New token (shown once)').count()).toBe(0);
		expect(await page.content()).not.toContain(token);

		page.once('dialog', (dialog) => void dialog.accept());
		await tokens.getByRole('button', { name: 'Revoke token e2e export' }).click();
		await page.getByText('Token "e2e export" revoked.').waitFor();
		await eventually(
			async () => (await tokens.getByRole('row', { name: /e2e export/ }).count()) === 0,
			5000,
			'row removed'
		);
		expect((await server.api('/api/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
		await context.close();
	});
});
