// End to end in Chromium: a lead invites a new person from the project home (no mail configured, so the link is
// shown once and copied), that person opens the link in a fresh browser, creates their account and lands in the
// project as an evaluator; the lead resends and then revokes another invitation from the pending list; an expired
// link says so and what to do; the dialog works from the keyboard on a phone without axe violations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { exec } from '../../server/db/client';
import { startTestServer, type TestServer } from '../fixtures/server';
import { readFileSync } from 'node:fs';
import { failOnPageErrors, launchBrowser, personContext, watchedContext } from '../fixtures/browser';
import { DEMO_PASSWORD } from '../fixtures/server';

failOnPageErrors();

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

let server: TestServer;
let browser: Browser;
let pid: string;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
	const lead = await server.login('lead@demo.test');
	pid = (await server.api('/api/me', { headers: lead })).body.memberships[0].projectId;
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('invitations in the browser', () => {
	it('a lead invites, copies the link, and the new person joins the project as evaluator', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		page.setDefaultTimeout(10_000);
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await page.goto(`/projects/${pid}`);
		const people = page.locator('section', { has: page.getByRole('heading', { name: 'People' }) });
		await people.getByText('No pending invitations.').waitFor();
		await people.getByRole('button', { name: 'Invite people' }).click();

		const dialog = page.getByRole('dialog', { name: 'Invite people' });
		await dialog.getByLabel('Email addresses').fill('nora@example.com, ana@demo.test');
		await dialog.getByLabel('Role').selectOption({ label: 'Evaluator' });
		await dialog.getByRole('button', { name: 'Send 2 invitations' }).click();
		// One line per address: Ana is already an evaluator here, Nora gets a link to copy.
		await dialog.getByText(/ana@demo\.test: .*already a member/).waitFor();
		const link = dialog.getByLabel('Link for nora@example.com');
		const url = await link.inputValue();
		expect(url).toMatch(new RegExp(`^${server.url}/invite/`));
		await dialog.getByRole('button', { name: 'Copy link' }).click();
		await dialog.getByText('Link copied.').waitFor();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
		await dialog.getByRole('button', { name: 'Done' }).click();
		await people.getByText('nora@example.com').waitFor();
		await people.getByText(/Evaluator · Invited by Lea Lima · Expires in 7 days/).waitFor();

		const fresh = await watchedContext(browser, { baseURL: server.url, locale: 'en-US' }, 'nora');
		const nora = await fresh.newPage();
		nora.setDefaultTimeout(10_000);
		await nora.goto(url);
		await nora.getByRole('heading', { name: 'You are invited' }).waitFor();
		await nora.getByText('Lea Lima invited nora@example.com to join').waitFor();
		await nora.getByLabel('Your name').fill('Nora Lind');
		await nora.getByLabel('Password', { exact: true }).fill('quiet birch morning');
		await nora.getByLabel('Repeat the password').fill('quiet birch mornin');
		await nora.getByText('The two passwords are not the same.').waitFor();
		await nora.getByLabel('Repeat the password').fill('quiet birch morning');
		await nora.getByRole('button', { name: 'Create account and join' }).click();
		await nora.waitForURL(`**/projects/${pid}`);
		await nora.getByText('Your role').waitFor();
		await nora.locator('.head').getByText('Evaluator').waitFor();
		await fresh.close();

		// Accepted: no longer pending for the lead.
		await page.reload();
		await people.getByText('No pending invitations.').waitFor();
		await context.close();
	}, 90_000);

	it('resends an invitation with a new link, then revokes it after a confirmation', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		page.setDefaultTimeout(10_000);
		const lead = await server.login('lead@demo.test');
		const first = await server.api(`/api/projects/${pid}/invitations`, {
			body: { email: 'otto@example.com', role: 'manager' },
			headers: lead
		});
		await page.goto(`/projects/${pid}`);
		await page.getByRole('button', { name: /^Resend the invitation to otto@example\.com/ }).click();
		const dialog = page.getByRole('dialog', { name: 'Invite people' });
		expect(await dialog.getByLabel('Email addresses').inputValue()).toBe('otto@example.com');
		expect(await dialog.getByLabel('Role').inputValue()).toBe('manager');
		await dialog.getByRole('button', { name: 'Send invitation' }).click();
		const url = await dialog.getByLabel('Link for otto@example.com').inputValue();
		expect(url).not.toBe(first.body.invitation.url);
		// The old link was replaced.
		const old = await server.api(`/api/invitations/${first.body.invitation.url.split('/invite/')[1]}`);
		expect(old.body.state).toBe('revoked');
		await dialog.getByRole('button', { name: 'Done' }).click();

		page.once('dialog', (d) => void d.accept());
		await page.getByRole('button', { name: 'Revoke the invitation for otto@example.com' }).click();
		await page.getByText('The invitation for otto@example.com was revoked.').waitFor();
		await page.getByText('No pending invitations.').waitFor();
		expect((await server.api(`/api/invitations/${url.split('/invite/')[1]}`)).body.state).toBe('revoked');
		await context.close();
	}, 60_000);

	it('explains an expired link and what to do', async () => {
		const lead = await server.login('lead@demo.test');
		const { invitation } = (
			await server.api(`/api/projects/${pid}/invitations`, {
				body: { email: 'late@example.com', role: 'evaluator' },
				headers: lead
			})
		).body;
		await exec(
			server.deps.db,
			sql`update invitations set expires_at = ${Date.now() - 1000} where id = ${invitation.id}`
		);
		const context = await watchedContext(browser, { baseURL: server.url, locale: 'en-US' }, 'late');
		const page = await context.newPage();
		await page.goto(invitation.url);
		await page.getByRole('alert').getByText('This invitation has expired.').waitFor();
		await page.getByText('Ask Lea Lima for a new invitation.').waitFor();
		expect(await page.getByRole('button', { name: 'Create account and join' }).count()).toBe(0);
		await page.goto('/invite/not-a-real-link');
		await page.getByText('This invitation link is not valid.').waitFor();
		await context.close();
	});

	it('the invite dialog works from the keyboard on a phone, with no axe violation in light or dark', async () => {
		// The app's CSP forbids inline scripts: axe is injected as one.
		const context = await watchedContext(
			browser,
			{ baseURL: server.url, bypassCSP: true, viewport: { width: 390, height: 800 }, locale: 'en-US' },
			'lead'
		);
		const page = await context.newPage();
		page.setDefaultTimeout(10_000);
		await page.goto('/login');
		await page.getByLabel('Email').fill('lead@demo.test');
		await page.getByLabel('Password').fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/login'));
		await page.goto(`/projects/${pid}`);
		const opener = page.getByRole('button', { name: 'Invite people' });
		await opener.focus();
		await page.keyboard.press('Enter');
		const dialog = page.getByRole('dialog', { name: 'Invite people' });
		await dialog.waitFor();
		await page.keyboard.type('pia@example.com\nlead@demo.test');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await dialog.getByLabel('Link for pia@example.com').waitFor();
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
			const found = await page.evaluate(async () => {
				const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
				const result = await axe.run('dialog', { resultTypes: ['violations'] });
				return result.violations
					.filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.impact === 'moderate')
					.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
			});
			expect(found, scheme).toEqual([]);
		}
		// Nothing sticks out sideways on a phone.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
		await context.close();
	}, 60_000);
});
