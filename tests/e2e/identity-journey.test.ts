// The whole identity story in Chromium, against a real OpenID Connect provider on loopback: a lead invites a new
// person by email; she opens the link, continues with single sign-on and lands in the project as an evaluator;
// she scores an item and opens the guideline (a live room); an admin deactivates her and her open page loses
// its connection at once; she cannot sign in again; and the admin's audit trail shows each step in words,
// attributed to the right person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { failOnPageErrors, launchBrowser, personContext, watchedContext } from '../fixtures/browser';
import type { TestServer } from '../fixtures/server';
import type { TestProvider } from '../fixtures/oidc-provider';
import { signInAs, startSsoProvider, startSsoServer } from '../fixtures/sso';
import { createReviewWorkspace, signUpPeople, type ReviewWorkspace } from '../fixtures/review-workspace';

failOnPageErrors();

let provider: TestProvider;
let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;

beforeAll(async () => {
	const world = await startSsoProvider(1);
	provider = world.provider;
	// No allowed domain: only an invitation lets someone new in.
	server = await startSsoServer(provider, world.ports[0], { CONCORD_DEMO: '0' });
	await signUpPeople(server);
	ws = await createReviewWorkspace(server, { items: 3 });
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
	await provider?.close();
});

describe('a new person, from invitation to deactivation', () => {
	it('is invited, signs in with single sign-on, scores, is cut off mid-session, and the audit trail tells it', async () => {
		provider.setAccount('nina', { email: 'nina@partner.test', email_verified: true, name: 'Nina Park' });
		// Without the invitation the provider's account is refused: her domain is not allowed.
		expect((await signInAs(server, provider, 'nina')).location).toBe('/login?error=sso_domain_not_allowed');

		const invited = await server.api(`/api/projects/${ws.pid}/invitations`, {
			body: { email: 'nina@partner.test', role: 'evaluator' },
			headers: ws.people.lead
		});
		expect(invited.status).toBe(201);
		const link = new URL(invited.body.invitation.url);

		const context = await watchedContext(browser, { baseURL: server.url, locale: 'en-US' }, 'nina');
		const page = await context.newPage();
		await page.goto(link.pathname);
		await page.getByRole('link', { name: 'Continue with Test provider' }).click();
		await page.getByLabel('Account').fill('nina');
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL(new RegExp(`/projects/${ws.pid}$`));
		const session = await page.evaluate(() => fetch('/api/auth/session').then((r) => r.json()));
		expect(session.user).toMatchObject({ email: 'nina@partner.test', name: 'Nina Park' });
		expect(session.memberships).toEqual([{ projectId: ws.pid, role: 'evaluator' }]);

		// She scores an item with her single sign-on session (the browser's own cookie and origin).
		const scored = await page.evaluate(
			async ({ itemId, rubricId }) => {
				const res = await fetch(`/api/items/${itemId}/evaluations`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({
						rubricId,
						scores: { correctness: 4, safe: true },
						rationale: 'Matches the source.',
						state: 'submitted'
					})
				});
				return res.status;
			},
			{ itemId: ws.itemIds[0], rubricId: ws.rubricId }
		);
		expect(scored).toBe(201);

		// She keeps the project's guideline open: a live room.
		const guideline = await server.api(`/api/projects/${ws.pid}/guidelines`, {
			body: { title: 'Review guidelines' },
			headers: ws.people.lead
		});
		expect(guideline.status).toBe(201);
		await page.goto(`/projects/${ws.pid}/guidelines/${guideline.body.guideline.id}`);
		await page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor();

		// The admin deactivates her: her open page hears it at once.
		const found = await server.api('/api/admin/users?q=nina', { headers: ws.people.admin });
		const nina = found.body.users[0];
		expect(nina).toMatchObject({ email: 'nina@partner.test', sso: true, active: true });
		const deactivated = await server.api(`/api/admin/users/${nina.id}`, {
			method: 'PATCH',
			body: { active: false },
			headers: ws.people.admin
		});
		expect(deactivated.status).toBe(200);
		await page.getByText('Your session has ended. Sign in again to rejoin.').waitFor({ timeout: 5000 });
		expect(await page.evaluate(() => fetch('/api/auth/session').then((r) => r.json()))).toMatchObject({
			user: null
		});
		// Signing in with the provider again is refused: the account is deactivated.
		expect((await signInAs(server, provider, 'nina')).location).toBe('/login?error=sso_deactivated');
		await context.close();

		// The admin's audit trail, filtered to Nina, tells the story in words.
		const admin = await personContext(browser, server.url, 'admin@demo.test');
		await admin.page.goto(`/admin/audit?actor=${nina.id}`);
		const trail = admin.page.getByRole('table');
		for (const line of [
			'Accepted an invitation as Evaluator',
			'Signed in (single sign-on)',
			'Submitted an evaluation',
			'Failed to sign in (account deactivated)'
		])
			await trail.getByText(line, { exact: false }).first().waitFor();
		// The decisions others took about her are in the trail too, under their names.
		await admin.page.goto('/admin/audit');
		const row = (what: string, who: string) =>
			trail.getByRole('row').filter({ hasText: what }).filter({ hasText: who }).first().waitFor();
		await row('Invited nina@partner.test as Evaluator', 'Lea Lima');
		await row('Deactivated nina@partner.test', 'Ada Admin');
		// The action filter names the action in words, its details left out.
		const actions = await admin.page.getByLabel('Action').locator('option').allTextContents();
		expect(actions).toContain('Deactivated …');
		await admin.context.close();
	}, 90_000);
});
