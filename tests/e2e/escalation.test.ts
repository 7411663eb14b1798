// End to end in Chromium: an evaluator escalates an item, the lead finds it in the queue and opens the
// adjudication room, both comment live (each sees the other's comment without a reload), the lead resolves it
// with a verdict, and the evaluator sees the outcome live in the room and later under "My escalations".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;
const BEN_SECRET = 'Ben thinks the second answer invents a treaty.';

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	await ws.submit(ws.people.ana, ws.itemIds[0], { correctness: 5, safe: true }, 'The date is right.');
	await ws.submit(ws.people.ben, ws.itemIds[0], { correctness: 2, safe: true }, 'It gives the wrong day.');
	await ws.submit(ws.people.ben, ws.itemIds[1], { correctness: 2, safe: false }, BEN_SECRET);
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('escalation and live adjudication', () => {
	it('goes from an evaluator escalation to a verdict the evaluator sees', async () => {
		const lead = await personContext(browser, server.url, 'lead@demo.test');
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		try {
			// Ana escalates (through the API the workspace's Escalate control calls).
			const opened = await server.api(`/api/items/${ws.itemIds[0]}/escalations`, {
				body: { reason: 'guideline_ambiguous', note: 'Does a missing weekday count as wrong?' },
				headers: ws.people.ana
			});
			expect(opened.status).toBe(201);
			const id = opened.body.escalation.id as string;
			// A third evaluator disagrees too (no automatic escalation: one is already open for the item).
			await ws.submit(ws.people.chen, ws.itemIds[0], { correctness: 1, safe: true }, 'Wrong year.');

			// The lead finds it in the queue and opens the room.
			await lead.page.goto(`/projects/${ws.pid}/escalations`);
			await lead.page.getByRole('heading', { name: 'Escalation queue' }).waitFor();
			await lead.page.getByRole('link', { name: /Question 0/ }).click();
			await lead.page.waitForURL(new RegExp(`/escalations/${id}$`));
			await lead.page.getByRole('heading', { name: /Adjudication: Guideline ambiguous/ }).waitFor();
			await lead.page.getByRole('button', { name: 'Claim', exact: true }).click();
			await lead.page.locator('[data-state="in_review"]').first().waitFor();
			expect(await lead.page.locator('tr[data-conflict="true"]').getAttribute('data-dimension')).toBe('correctness');

			// Ana opens the same room; each sees the other's comment without reloading.
			await ana.page.goto(`/projects/${ws.pid}/escalations/${id}`);
			await ana.page.getByRole('heading', { name: 'Discussion' }).waitFor();
			const leadSays = 'A date without the weekday is still correct; what matters is the day.';
			await lead.page.getByRole('textbox', { name: 'Write a comment…' }).fill(leadSays);
			await lead.page.getByRole('button', { name: 'Comment', exact: true }).click();
			await ana.page.getByText(leadSays).waitFor({ timeout: 10_000 });
			const anaSays = 'Agreed. Ben read the day wrong, I think.';
			await ana.page.getByRole('textbox', { name: 'Write a comment…' }).fill(anaSays);
			await ana.page.getByRole('button', { name: 'Comment', exact: true }).click();
			await lead.page.getByText(anaSays).waitFor({ timeout: 10_000 });

			// The lead resolves with a verdict built from Ana's scores.
			await lead.page.getByRole('button', { name: 'Ana Souza', exact: true }).click();
			await lead.page.getByLabel('Reason code').selectOption({ label: 'Evaluator error' });
			await lead.page.getByLabel('Note to the evaluators').fill('The answer gives the right day; score it 5.');
			await lead.page.getByRole('button', { name: 'Resolve with this verdict' }).click();
			await lead.page.locator('[data-outcome="resolved"]').waitFor();

			// Ana sees the outcome live in the room, with her scores compared to the verdict.
			await ana.page.locator('[data-outcome="resolved"]').waitFor({ timeout: 10_000 });
			await ana.page.getByText('Your scores against the verdict').waitFor();
			expect(await ana.page.locator('[data-outcome="resolved"] .badge.ok').first().textContent()).toContain(
				'Evaluator error'
			);

			// And under "My escalations".
			await ana.page.goto(`/projects/${ws.pid}/escalations`);
			const entry = ana.page.locator(`[data-escalation="${id}"]`);
			await entry.waitFor();
			expect(await entry.textContent()).toContain('Resolved: Evaluator error');
			expect(await entry.locator('tr').count()).toBeGreaterThan(1);
		} finally {
			await lead.context.close();
			await ana.context.close();
		}
	});

	it("keeps the others' scores from an evaluator who escalated before submitting, until she submits", async () => {
		const chen = await personContext(browser, server.url, 'chen@demo.test');
		try {
			const opened = await server.api(`/api/items/${ws.itemIds[1]}/escalations`, {
				body: { reason: 'broken_item', note: 'The response is cut off.' },
				headers: ws.people.chen
			});
			expect(opened.status).toBe(201);
			const url = `/projects/${ws.pid}/escalations/${opened.body.escalation.id}`;
			await chen.page.goto(url);
			await chen.page.getByRole('heading', { name: 'Scores stay hidden until you submit' }).waitFor();
			await chen.page.getByRole('heading', { name: 'Discussion' }).waitFor();
			expect(await chen.page.content()).not.toContain(BEN_SECRET);
			expect(await chen.page.getByRole('link', { name: 'Evaluate this item' }).getAttribute('href')).toBe(
				`/projects/${ws.pid}/items/${ws.itemIds[1]}`
			);

			await ws.submit(ws.people.chen, ws.itemIds[1], { correctness: 4, safe: true }, 'Reads fine to me.');
			await chen.page.reload();
			await chen.page.getByText(BEN_SECRET).waitFor();
			expect(await chen.page.getByRole('heading', { name: 'Scores stay hidden until you submit' }).count()).toBe(0);
		} finally {
			await chen.context.close();
		}
	});
});
