// End to end in Chromium: after a calibration reveal and an escalation verdict, the lead opens the project's audit
// trail, reads both in words with who made them, filters by person and by action (the filters go into the address
// and survive a reload), follows an entry's link to the calibration session, and downloads the CSV of the current
// filters (its content checked).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, memberIds } from '../fixtures/calibration-session';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;
let sessionId: string;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2 });
	const ids = await memberIds(server, ws);
	sessionId = (await createSession(server, ws, { itemIds: [ws.itemIds[0]], participantIds: [ids.ana, ids.ben] }))
		.calibration.id;
	for (const who of [ws.people.ana, ws.people.ben]) {
		const scored = await server.api(`/api/calibrations/${sessionId}/items/${ws.itemIds[0]}/scores`, {
			headers: who,
			body: { scores: { correctness: 4, safe: true }, rationale: 'Fine.' }
		});
		expect(scored.status).toBe(201);
	}
	expect(
		(await server.api(`/api/calibrations/${sessionId}/reveal`, { method: 'POST', headers: ws.people.lead, body: {} }))
			.status
	).toBe(200);
	await ws.submit(ws.people.ana, ws.itemIds[1], { correctness: 2, safe: true });
	const opened = await server.api(`/api/items/${ws.itemIds[1]}/escalations`, {
		headers: ws.people.ana,
		body: { reason: 'guideline_ambiguous', note: 'Which year counts?' }
	});
	const escalation = opened.body.escalation.id as string;
	await server.api(`/api/escalations/${escalation}/claim`, { method: 'POST', headers: ws.people.lead, body: {} });
	const verdict = await server.api(`/api/escalations/${escalation}/verdict`, {
		headers: ws.people.lead,
		body: { scores: { correctness: 2, safe: true }, reasonCode: 'guideline_missing', note: 'Wrong year.' }
	});
	expect(verdict.status).toBe(200);
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('the audit trail page', () => {
	it('shows, filters, links and downloads what the lead and the team did', async () => {
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await page.goto(`/projects/${ws.pid}`);
			await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Audit trail' }).click();
			await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
			const table = page.getByRole('table', { name: 'Audit entries' });
			const reveal = table.getByRole('row').filter({ hasText: 'Revealed the scores of round 1' });
			await reveal.waitFor();
			await expect(reveal.getByRole('cell').nth(1).textContent()).resolves.toContain('Lea Lima');
			await table.getByRole('row').filter({ hasText: 'Gave a verdict on an escalation' }).waitFor();
			await table.getByRole('row').filter({ hasText: 'Escalated an item' }).filter({ hasText: 'Ana Souza' }).waitFor();

			// By person: only Ana's entries, and the choice is in the address.
			await page.getByLabel('Person').selectOption({ label: 'Ana Souza' });
			await page.waitForURL(/actor=/);
			await table.getByRole('row').filter({ hasText: 'Revealed' }).waitFor({ state: 'detached' });
			const whos = await table.locator('tbody td:nth-child(2)').allTextContents();
			expect(whos.length).toBeGreaterThan(0);
			expect(whos.every((w) => w.includes('Ana Souza'))).toBe(true);

			// By action family, together with the person: Ana's calibration entries are her blind scores.
			await page.getByLabel('Action').selectOption('calibration.*');
			await page.waitForURL(/action=calibration\.\*/);
			await table.getByRole('row').filter({ hasText: 'Escalated an item' }).waitFor({ state: 'detached' });
			await table.getByRole('row').filter({ hasText: 'Submitted blind scores (round 1)' }).first().waitFor();
			await page.reload();
			// The choice comes back with the page (the options load after it: wait for them, not for a fixed time).
			await expect.poll(() => page.getByLabel('Action').inputValue()).toBe('calibration.*');

			// The CSV holds exactly the filtered entries.
			const [download] = await Promise.all([
				page.waitForEvent('download'),
				page.getByRole('link', { name: 'Download CSV' }).click()
			]);
			expect(download.suggestedFilename()).toMatch(/^concord-review-[a-z0-9]+-audit-\d{4}-\d{2}-\d{2}\.csv$/);
			const lines = readFileSync(await download.path(), 'utf8')
				.trim()
				.split('\r\n');
			expect(lines[0]).toBe('at,actor_name,actor_email,action,entity_type,entity_id,detail,link');
			expect(lines).toHaveLength(2);
			expect(lines[1]).toContain('Ana Souza,ana@demo.test,calibration.score,calibration');
			expect(lines[1]).toContain(`${server.url}/projects/${ws.pid}/calibrations/${sessionId}`);

			// The entry leads to the session.
			await page.getByLabel('Person').selectOption({ label: 'Anyone' });
			await page.getByLabel('Action').selectOption('calibration.reveal');
			const revealRow = table.getByRole('row').filter({ hasText: 'Revealed the scores of round 1' });
			await revealRow.waitFor();
			await revealRow.getByRole('link').click();
			await page.waitForURL(new RegExp(`/projects/${ws.pid}/calibrations/${sessionId}$`));
		} finally {
			await context.close();
		}
	});

	it('is not offered to evaluators, and says so when they open it', async () => {
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		try {
			await page.goto(`/projects/${ws.pid}/audit`);
			await page.getByText('Only quality leads, project managers and admins can read the audit trail.').waitFor();
			const nav = page.getByRole('navigation', { name: 'Project' });
			expect(await nav.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
		} finally {
			await context.close();
		}
	});
});
