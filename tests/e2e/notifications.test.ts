// End to end in Chromium: the notification bell. An evaluator invited to a calibration session sees the unread
// count; a second invitation shows up when the window regains focus (no reload); following a notification marks
// it read and opens the session; "Mark all read" clears the rest. Notifications another person causes appear in an
// open page's bell by themselves within moments (pushed, not polled), name their item and project, and repeats
// are one entry with a count; someone else's page gets none of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, memberIds } from '../fixtures/calibration-session';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server);
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

async function invite(title: string): Promise<string> {
	const ids = await memberIds(server, ws);
	const { calibration } = await createSession(server, ws, {
		title,
		itemIds: ws.itemIds.slice(0, 2),
		participantIds: [ids.ana, ids.ben]
	});
	return calibration.id;
}

describe('notification bell', () => {
	it('counts unread invitations, picks up new ones on focus, and marks them read when followed', async () => {
		const first = await invite('Morning calibration');
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		await page.goto(`/projects/${ws.pid}`);
		const bell = page.getByRole('button', { name: /^Notifications: \d+ unread$/ });
		await page.getByRole('button', { name: 'Notifications: 1 unread' }).waitFor();

		// A new invitation arrives while the page is open; the bell asks again when the window regains focus.
		await invite('Afternoon calibration');
		await page.evaluate(() => window.dispatchEvent(new Event('focus')));
		// Well inside the 30 s poll: only the focus event can have brought it.
		await page.getByRole('button', { name: 'Notifications: 2 unread' }).waitFor({ timeout: 5000 });

		await bell.click();
		const panel = page.getByRole('region', { name: 'Notifications' });
		await panel.getByRole('button', { name: /invited you to the calibration session “Morning calibration”/ }).click();
		await page.waitForURL(new RegExp(`/projects/${ws.pid}/calibrations/${first}$`));
		await page.getByRole('button', { name: 'Notifications: 1 unread' }).waitFor();

		await bell.click();
		await panel.getByRole('button', { name: 'Mark all read' }).click();
		await page.getByRole('button', { name: 'Notifications: 0 unread' }).waitFor();
		const ana = await server.login('ana@demo.test');
		await eventually(
			async () => (await server.api('/api/notifications', { headers: ana })).body.unread === 0,
			5000,
			'all read on the server'
		);
		expect((await server.api('/api/notifications', { headers: ana })).body.notifications).toHaveLength(2);
		await context.close();
	});

	it('claims no count before the inbox has loaded', async () => {
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		// Hold the inbox and its stream back: until either answers, the bell cannot know the count.
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		await page.route(/\/api\/notifications(\/stream)?$/, async (route) => {
			await held;
			await route.continue();
		});
		await page.goto(`/projects/${ws.pid}`);
		await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
		expect(await page.getByRole('button', { name: /unread/ }).count()).toBe(0);
		release();
		await page.getByRole('button', { name: /^Notifications: \d+ unread$/ }).waitFor();
		await context.close();
	});

	it('pushes notifications live into an open page, naming item and project, with repeats grouped', async () => {
		const lead = await personContext(browser, server.url, 'lead@demo.test');
		const ben = await personContext(browser, server.url, 'ben@demo.test');
		await Promise.all([lead.page.goto(`/projects/${ws.pid}`), ben.page.goto(`/projects/${ws.pid}`)]);
		const leadBell = lead.page.getByRole('button', { name: /^Notifications: \d+ unread$/ });
		const benBell = ben.page.getByRole('button', { name: /^Notifications: \d+ unread$/ });
		await lead.page.getByRole('button', { name: 'Notifications: 0 unread' }).waitFor();
		// The bell names no count until its inbox has loaded, so this waits for Ben's real count (not an
		// early "0 unread" that would then change under us).
		const benBefore = await benBell.getAttribute('aria-label');
		expect(benBefore).toMatch(/^Notifications: \d+ unread$/);

		for (const itemId of ws.itemIds.slice(0, 3)) {
			const opened = await server.api(`/api/items/${itemId}/escalations`, {
				body: { reason: 'guideline_ambiguous', note: 'Which date counts?' },
				headers: ws.people.ana
			});
			expect(opened.status).toBe(201);
		}
		// No reload, no focus event, well inside the 30 s poll: the server pushed them.
		await lead.page.getByRole('button', { name: 'Notifications: 3 unread' }).waitFor({ timeout: 5000 });

		await leadBell.click();
		const entries = lead.page.getByRole('region', { name: 'Notifications' }).getByTestId('notification');
		await expect.poll(() => entries.count()).toBe(1);
		const project = (await server.api(`/api/projects/${ws.pid}`, { headers: ws.people.lead })).body.project;
		const text = await entries.first().textContent();
		expect(text).toContain('New escalation: Guideline ambiguous');
		expect(text).toContain('×3');
		for (const name of ['rev-0', 'rev-1', 'rev-2', project.name]) expect(text).toContain(name);

		// Following the group opens the escalation queue and marks all three read.
		await entries.first().getByRole('button').click();
		await lead.page.waitForURL(new RegExp(`/projects/${ws.pid}/escalations$`));
		await lead.page.getByRole('button', { name: 'Notifications: 0 unread' }).waitFor();
		// Ben's page never heard of them.
		expect(await benBell.getAttribute('aria-label')).toBe(benBefore);
		await lead.context.close();
		await ben.context.close();
	});
});
