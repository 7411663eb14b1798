// End to end in Chromium, the lead's side of escalations around the room: the queue's state tabs write the filter
// into the URL and reload the list, a claim from the queue table opens the room, and a verdict that blames the
// guideline leads to the project's guideline with the case beside the editor (`?propose=`), which the lead can
// dismiss (the case leaves the URL and the page). A version that touches a rubric dimension lists the items
// evaluated before it, and the lead sends them back for re-review from that list. The queue pages: "Load more"
// (keyboard) appends pages and announces the count; a filter change starts again from the first page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { guidelineSchema } from '#shared/guideline-schema';
import { markdownToDoc } from '#shared/markdown-doc';
import { roomName } from '#shared/rooms';
import { escalations } from '../../drizzle/schema';
import { newId } from '../../server/domain/ids';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;

async function escalate(itemId: string, reason: string, note: string): Promise<string> {
	const opened = await server.api(`/api/items/${itemId}/escalations`, {
		body: { reason, note },
		headers: ws.people.ana
	});
	expect(opened.status).toBe(201);
	return opened.body.escalation.id as string;
}

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('escalation queue and guideline proposals', () => {
	it('filters the queue by state through the URL and claims from the table', async () => {
		const first = await escalate(ws.itemIds[0], 'guideline_ambiguous', 'Is a missing weekday wrong?');
		await escalate(ws.itemIds[1], 'broken_item', 'The response is cut off.');
		const lead = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await lead.page.goto(`/projects/${ws.pid}/escalations`);
			await lead.page.getByRole('heading', { name: 'Escalation queue' }).waitFor();
			await lead.page.locator('[data-count-state="open"]').click();
			await lead.page.waitForURL(/[?&]state=open/);
			await lead.page.getByRole('link', { name: /Question 0/ }).waitFor();

			const row = lead.page.locator('tr', { has: lead.page.getByRole('link', { name: /Question 0/ }) });
			await row.getByRole('button', { name: 'Claim', exact: true }).click();
			await lead.page.waitForURL(new RegExp(`/escalations/${first}$`));
			await lead.page.locator('[data-state="in_review"]').first().waitFor();

			// Back in the open tab, only the unclaimed escalation is left.
			await lead.page.goto(`/projects/${ws.pid}/escalations?state=open`);
			await lead.page.getByRole('link', { name: /Question 1/ }).waitFor();
			expect(await lead.page.getByRole('link', { name: /Question 0/ }).count()).toBe(0);
		} finally {
			await lead.context.close();
		}
	});

	it('opens the guideline with the case from a verdict that blames the guideline, and dismisses it', async () => {
		const created = await server.api(`/api/projects/${ws.pid}/guidelines`, {
			body: { title: 'Dates and weekdays' },
			headers: ws.people.lead
		});
		expect(created.status).toBe(201);
		const guidelineId = created.body.guideline.id as string;
		const id = await escalate(ws.itemIds[2], 'guideline_ambiguous', 'The guideline says nothing about weekdays.');
		expect((await server.api(`/api/escalations/${id}/claim`, { body: {}, headers: ws.people.lead })).status).toBe(200);
		const resolved = await server.api(`/api/escalations/${id}/verdict`, {
			body: {
				scores: { correctness: 4, safe: true },
				reasonCode: 'guideline_unclear',
				note: 'The guideline must say whether a weekday is required.',
				rubricId: ws.rubricId
			},
			headers: ws.people.lead
		});
		expect(resolved.status).toBe(200);

		const lead = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await lead.page.goto(`/projects/${ws.pid}/escalations/${id}`);
			await lead.page.getByRole('link', { name: 'Propose guideline change' }).click();
			await lead.page.waitForURL(new RegExp(`/guidelines/${guidelineId}\\?propose=escalation%3A${id}$`));
			const panel = lead.page.getByTestId('proposal-panel');
			await panel.getByRole('heading', { name: 'Proposed from an escalation' }).waitFor();

			await panel.getByRole('button', { name: 'Close' }).click();
			await lead.page.waitForURL(new RegExp(`/guidelines/${guidelineId}$`));
			await panel.waitFor({ state: 'detached' });
		} finally {
			await lead.context.close();
		}
	});

	it('lists items evaluated before a version that touches their dimension and sends them back', async () => {
		await ws.submit(ws.people.ben, ws.itemIds[0], { correctness: 2, safe: true }, 'It gives the wrong day.');
		const created = await server.api(`/api/projects/${ws.pid}/guidelines`, {
			body: { title: 'Scoring correctness' },
			headers: ws.people.lead
		});
		expect(created.status).toBe(201);
		const guidelineId = created.body.guideline.id as string;
		// The lead's draft, written into the live room as the editor would.
		await server.deps.rooms.update(roomName('guideline', guidelineId), (doc) => {
			const draft = markdownToDoc('## Dates\n\nA date without its weekday is still correct.\n');
			prosemirrorJSONToYXmlFragment(guidelineSchema(), draft, doc.getXmlFragment('content'));
		});
		const published = await server.api(`/api/guidelines/${guidelineId}/publish`, {
			body: { changelog: 'How to score dates', dimensions: ['correctness'] },
			headers: ws.people.lead
		});
		expect(published.status).toBe(201);

		const lead = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await lead.page.goto(`/projects/${ws.pid}/guidelines/${guidelineId}?tab=affected`);
			const table = lead.page.getByTestId('affected-table');
			await table.getByRole('link', { name: /Question 0/ }).waitFor();
			await lead.page.getByRole('button', { name: /Send all back/ }).click();
			await lead.page.getByText(/Back in the evaluators’ queues/).waitFor();
			// The list reloads: the item now waits for its re-review.
			await table.getByText(/sent back/).waitFor();
		} finally {
			await lead.context.close();
		}
	});

	it('pages the queue: "Load more" from the keyboard appends the next page, a filter starts again', async () => {
		const base = Date.now() - 3600_000;
		await server.deps.db.insert(escalations).values(
			Array.from({ length: 110 }, (_, i) => ({
				id: newId(),
				projectId: ws.pid,
				itemId: ws.itemIds[i % ws.itemIds.length],
				source: 'manual' as const,
				openedBy: null,
				reason: i % 2 ? 'broken_item' : 'other',
				note: `bulk ${i}`,
				dimension: null,
				state: 'open' as const,
				createdAt: base + i
			}))
		);
		const all = await server.api(`/api/projects/${ws.pid}/escalations?limit=1`, { headers: ws.people.lead });
		const total = Object.values(all.body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
		expect(total).toBeGreaterThan(100);
		const lead = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await lead.page.goto(`/projects/${ws.pid}/escalations`);
			const shown = lead.page.getByTestId('rows-shown');
			await shown.filter({ hasText: `Showing 50 of ${total}` }).waitFor();
			const rows = lead.page.locator('tbody tr');
			expect(await rows.count()).toBe(50);
			// Keyboard only: focus the button and press Enter until every page is in.
			const more = lead.page.getByRole('button', { name: 'Load more' });
			while (await more.isVisible()) {
				await more.focus();
				await lead.page.keyboard.press('Enter');
				await lead.page.waitForFunction(() => !document.querySelector('button[disabled]'));
			}
			await shown.filter({ hasText: `Showing ${total} of ${total}` }).waitFor();
			expect(await rows.count()).toBe(total);
			// A filter starts again from its first page.
			await lead.page.locator('[data-count-state="open"]').click();
			await lead.page.waitForURL(/[?&]state=open/);
			const open = all.body.counts.open as number;
			await shown.filter({ hasText: `Showing ${Math.min(50, open)} of ${open}` }).waitFor();
		} finally {
			await lead.context.close();
		}
	});
});
