// End to end in Chromium, small things people hit every day: a manager's breadcrumb in an item leads to a page she
// may open (not an access error); "Hide again" on a revealed sensitive item never covers the Formatted/Source
// toggle, at desktop width and at 390 px; "Reply" in an adjudication room and in a calibration discussion puts the
// caret in the reply box.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, memberIds } from '../fixtures/calibration-session';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;
let sensitiveId: string;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	const line = JSON.stringify({
		externalId: 'rev-sensitive',
		modality: 'text',
		language: 'en',
		metadata: { sensitive: true, contentWarnings: ['romance'] },
		payload: { prompt: 'Write a short love letter.', response: 'My dear, **every** morning I think of you.' }
	});
	const imported = await server.api(`/api/projects/${ws.pid}/items/import`, {
		raw: line,
		headers: { ...ws.people.lead, 'content-type': 'application/x-ndjson' }
	});
	expect(imported.status).toBe(201);
	const items = (await server.api(`/api/projects/${ws.pid}/items?limit=100`, { headers: ws.people.lead })).body.items;
	sensitiveId = items.find((i: { externalId: string }) => i.externalId === 'rev-sensitive').id;
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

/** Whether two elements' boxes on the page share any area. */
async function overlap(page: Page, a: string, b: string): Promise<boolean> {
	const [ra, rb] = await Promise.all([page.locator(a).boundingBox(), page.locator(b).boundingBox()]);
	if (!ra || !rb) throw new Error(`no box for ${!ra ? a : b}`);
	return ra.x < rb.x + rb.width && rb.x < ra.x + ra.width && ra.y < rb.y + rb.height && rb.y < ra.y + ra.height;
}

describe('details of the review pages', () => {
	it("leads a manager's item breadcrumb to a page she may open", async () => {
		const pm = await personContext(browser, server.url, 'pm@demo.test');
		try {
			await pm.page.goto(`/projects/${ws.pid}/items/${ws.itemIds[0]}`);
			const crumbs = pm.page.getByRole('navigation', { name: 'Breadcrumb' });
			await crumbs.getByRole('link').first().waitFor();
			expect(await crumbs.getByRole('link', { name: 'Queue' }).count()).toBe(0);
			await crumbs.getByRole('link', { name: 'Items' }).click();
			await pm.page.waitForURL((url) => url.pathname === `/projects/${ws.pid}`);
			await pm.page.getByRole('heading', { name: /Items/ }).waitFor();
			expect(await pm.page.locator('.alert.bad, [role=alert]').count()).toBe(0);
		} finally {
			await pm.context.close();
		}
		// Evaluators still go back to their queue.
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		try {
			await ana.page.goto(`/projects/${ws.pid}/items/${ws.itemIds[0]}`);
			await ana.page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Queue' }).waitFor();
		} finally {
			await ana.context.close();
		}
	});

	it('keeps "Hide again" clear of the Formatted/Source toggle, on a desktop and on a phone', async () => {
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		try {
			for (const viewport of [
				{ width: 1400, height: 900 },
				{ width: 390, height: 844 }
			]) {
				await ana.page.setViewportSize(viewport);
				await ana.page.goto(`/projects/${ws.pid}/items/${sensitiveId}`);
				await ana.page.getByRole('button', { name: /^Reveal/ }).click();
				const hide = ana.page.getByRole('button', { name: 'Hide again' });
				await hide.waitFor();
				const toggle = '[role=group][aria-label="Text view"]';
				for (const button of ['Formatted', 'Source'])
					expect(
						await overlap(ana.page, 'button:text-is("Hide again")', `${toggle} button:has-text("${button}")`),
						`${button} at ${viewport.width}px`
					).toBe(false);
				// Both stay usable: the toggle switches the view, Hide again hides.
				await ana.page
					.locator(toggle)
					.getByRole('button', { name: /Source/ })
					.click();
				await hide.click();
				await ana.page.getByRole('button', { name: /^Reveal/ }).waitFor();
			}
		} finally {
			await ana.context.close();
		}
	});

	it('puts the caret in the reply box after Reply, in an adjudication room and in a calibration', async () => {
		const opened = await server.api(`/api/items/${ws.itemIds[1]}/escalations`, {
			body: { reason: 'guideline_ambiguous', note: 'Is the weekday needed?' },
			headers: ws.people.ana
		});
		expect(opened.status).toBe(201);
		const escalationId = opened.body.escalation.id as string;
		expect(
			(await server.api(`/api/escalations/${escalationId}/claim`, { method: 'POST', headers: ws.people.lead })).status
		).toBe(200);

		const ids = await memberIds(server, ws);
		const { calibration } = await createSession(server, ws, {
			itemIds: [ws.itemIds[2]],
			participantIds: [ids.ana, ids.ben]
		});
		for (const who of [ws.people.ana, ws.people.ben]) {
			const scored = await server.api(`/api/calibrations/${calibration.id}/items/${ws.itemIds[2]}/scores`, {
				body: { scores: { correctness: 3, safe: true }, rationale: 'Fine.' },
				headers: who
			});
			expect(scored.status).toBe(201);
		}
		const revealed = await server.api(`/api/calibrations/${calibration.id}/reveal`, {
			method: 'POST',
			headers: ws.people.lead
		});
		expect(revealed.status).toBe(200);

		const lead = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await lead.page.goto(`/projects/${ws.pid}/escalations/${escalationId}`);
			await lead.page.getByRole('textbox', { name: 'Write a comment…' }).fill('The weekday does not matter.');
			await lead.page.getByRole('button', { name: 'Comment', exact: true }).click();
			const thread = lead.page.locator('li', { hasText: 'The weekday does not matter.' }).last();
			await thread.getByRole('button', { name: 'Reply' }).click();
			await expect
				.poll(() => lead.page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
				.toBe('Write a reply…');

			await lead.page.goto(`/projects/${ws.pid}/calibrations/${calibration.id}`);
			await lead.page.getByPlaceholder('Say what you see…').fill('Both of you gave a 3: good.');
			await lead.page.getByRole('button', { name: 'Comment', exact: true }).click();
			const comment = lead.page.locator('[data-testid=discussion] li.thread', { hasText: 'Both of you gave a 3' });
			await comment.getByRole('button', { name: 'Reply' }).click();
			await expect
				.poll(() => lead.page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
				.toBe('Reply to Lea Lima');
		} finally {
			await lead.context.close();
		}
	});
});
