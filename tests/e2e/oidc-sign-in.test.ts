// End to end in Chromium against a real OpenID Connect provider: a visitor clicks "Sign in with …" on /login,
// signs in on the provider's page and lands signed in on the page they were going to; a refused attempt comes
// back to /login with a message that says what to do (in the reader's language); the page with the button and
// a refusal has no axe violation in light or dark; with PASSWORD_SIGN_IN=0 only the button is offered and the
// password route refuses.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { failOnPageErrors, launchBrowser, watchedContext } from '../fixtures/browser';
import type { TestServer } from '../fixtures/server';
import type { TestProvider } from '../fixtures/oidc-provider';
import { startSsoProvider, startSsoServer } from '../fixtures/sso';

failOnPageErrors();

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

let provider: TestProvider;
let server: TestServer;
let ssoOnly: TestServer;
let browser: Browser;

beforeAll(async () => {
	const world = await startSsoProvider(2);
	provider = world.provider;
	server = await startSsoServer(provider, world.ports[0], { OIDC_ALLOWED_DOMAINS: 'acme.test' });
	ssoOnly = await startSsoServer(provider, world.ports[1], { PASSWORD_SIGN_IN: '0' });
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
	await ssoOnly?.close();
	await provider?.close();
});

async function visitor(baseURL: string, options: { locale?: string; bypassCSP?: boolean } = {}): Promise<Page> {
	const context = await watchedContext(browser, { baseURL, ...options });
	return context.newPage();
}

describe('single sign-on in the browser', () => {
	it('signs in through the provider from the sign-in page and lands where the visitor was going', async () => {
		provider.setAccount('lena', { email: 'lena@acme.test', email_verified: true, name: 'Lena Costa' });
		const page = await visitor(server.url);
		await page.goto('/projects');
		await page.waitForURL(/\/login/);
		await page.getByRole('link', { name: 'Sign in with Test provider' }).click();
		await page.getByLabel('Account').fill('lena');
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.getByRole('heading', { name: 'Your projects' }).waitFor();
		expect(new URL(page.url()).pathname).toBe('/projects');
		const me = await page.evaluate(() => fetch('/api/auth/session').then((r) => r.json()));
		expect(me.user).toMatchObject({ email: 'lena@acme.test', name: 'Lena Costa' });
		await page.context().close();
	});

	it('explains a refused sign-in and lets the visitor start again', async () => {
		provider.setAccount('otto', { email: 'otto@elsewhere.test', email_verified: true });
		const page = await visitor(server.url);
		await page.goto('/login');
		await page.getByRole('link', { name: 'Sign in with Test provider' }).click();
		await page.getByLabel('Account').fill('otto');
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL(/\/login\?error=sso_domain_not_allowed/);
		await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Ask a quality lead to invite you/);
		await page.getByRole('link', { name: 'Sign in with Test provider' }).waitFor();
		await page.context().close();
	});

	it('says it in Brazilian Portuguese, and shows no message for a code it does not know', async () => {
		const page = await visitor(server.url, { locale: 'pt-BR' });
		await page.goto('/login?error=sso_deactivated');
		await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Esta conta foi desativada/);
		await page.getByRole('link', { name: 'Entrar com Test provider' }).waitFor();
		await page.goto('/login?error=<b>made-up</b>');
		await page.getByRole('link', { name: 'Entrar com Test provider' }).waitFor();
		expect(await page.getByRole('alert').count()).toBe(0);
		await page.context().close();
	});

	it('has no axe violation with the button and a refusal, in light and dark, at phone width', async () => {
		const page = await visitor(server.url, { bypassCSP: true });
		await page.setViewportSize({ width: 390, height: 800 });
		await page.goto('/login?error=sso_provider', { waitUntil: 'networkidle' });
		await page.getByRole('link', { name: 'Sign in with Test provider' }).waitFor();
		await page.addScriptTag({ content: AXE });
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			const found = await page.evaluate(async () => {
				const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
				const result = await axe.run(document, { resultTypes: ['violations'] });
				return result.violations.filter((v) => v.impact !== 'minor').map((v) => `${v.id}: ${v.help}`);
			});
			expect(found, scheme).toEqual([]);
		}
		// Nothing wider than the phone: no sideways scrolling.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await page.context().close();
	});
});

describe('with password sign-in turned off (PASSWORD_SIGN_IN=0)', () => {
	it('offers only the single sign-on button, and the password route refuses', async () => {
		const page = await visitor(ssoOnly.url);
		await page.goto('/login');
		await page.getByRole('link', { name: 'Sign in with Test provider' }).waitFor();
		expect(await page.getByLabel('Email').count()).toBe(0);
		expect(await page.getByLabel('Password').count()).toBe(0);
		await page.context().close();
		const refused = await ssoOnly.api('/api/auth/login', {
			body: { email: 'lead@demo.test', password: 'demo-pass-123' }
		});
		expect(refused.status).toBe(403);
		expect((await ssoOnly.api('/api/auth/methods')).body).toEqual({
			password: false,
			oidc: { name: 'Test provider', start: '/api/auth/oidc/start' }
		});
	});
});
