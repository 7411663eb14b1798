// End to end in Chromium: how a calibration session ends. The lead cancels a session still in blind scoring
// after a confirmation (an evaluator is never offered the action) and everyone's screen shows it cancelled live.
// When the lead closes a session, an evaluator's open screen turns read-only at once: a notice, no comment box,
// no replies or reactions; a cancelled session reads the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, memberIds, type Person } from '../fixtures/calibration-session';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
const pages = {} as Record<'lead' | 'ana', Page>;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	ids = await memberIds(server, ws);
	browser = await launchBrowser();
	for (const who of ['lead', 'ana'] as const)
		pages[who] = (await personContext(browser, server.url, `${who}@demo.test`)).page;
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

const sessionPath = (id: string) => `/projects/${ws.pid}/calibrations/${id}`;

describe('ending a calibration session', () => {
	it('lets the lead cancel a session in blind scoring after a confirmation; evaluators never see the action', async () => {
		const { calibration } = await createSession(server, ws, {
			title: 'To be cancelled',
			itemIds: ws.itemIds.slice(0, 2),
			participantIds: [ids.ana, ids.ben]
		});
		const { lead, ana } = pages;
		for (const page of [lead, ana]) {
			await page.goto(sessionPath(calibration.id));
			await page.getByTestId('phase').getByText('Blind scoring').waitFor();
		}
		expect(await ana.getByRole('button', { name: 'Cancel session…' }).count()).toBe(0);

		// Keeping the session is the default answer and changes nothing.
		await lead.getByRole('button', { name: 'Cancel session…' }).click();
		const dialog = lead.getByRole('dialog', { name: 'Cancel this session?' });
		await dialog.getByText('cancelling reveals nothing').waitFor();
		await expect(
			dialog.getByRole('button', { name: 'Keep the session' }).evaluate((b) => b === document.activeElement)
		).resolves.toBe(true);
		await dialog.getByRole('button', { name: 'Keep the session' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await lead.getByTestId('phase').getByText('Blind scoring').waitFor();

		await lead.getByRole('button', { name: 'Cancel session…' }).click();
		await dialog.getByRole('button', { name: 'Cancel session', exact: true }).click();
		await lead.getByTestId('phase').getByText('Cancelled').waitFor();
		await ana.getByTestId('phase').getByText('Cancelled').waitFor();
		expect(await lead.getByRole('button', { name: 'Cancel session…' }).count()).toBe(0);
		expect(await lead.getByRole('button', { name: 'Reveal scores' }).count()).toBe(0);
	});

	it("shows a closed session read-only, live on an evaluator's open screen", async () => {
		const { calibration } = await createSession(server, ws, {
			title: 'To be closed',
			itemIds: ws.itemIds.slice(0, 2),
			participantIds: [ids.ana, ids.ben]
		});
		const reveal = await server.api(`/api/calibrations/${calibration.id}/reveal`, {
			headers: ws.people.lead,
			body: {}
		});
		expect(reveal.status).toBe(200);
		const { lead, ana } = pages;
		for (const page of [lead, ana]) {
			await page.goto(sessionPath(calibration.id));
			await page.getByTestId('phase').getByText('Revealed').waitFor();
		}
		const box = ana.getByPlaceholder('Say what you see…');
		await box.fill('A comment before the close');
		await ana.getByRole('button', { name: 'Comment', exact: true }).click();
		await lead.getByTestId('discussion').getByText('A comment before the close').waitFor();
		expect(await ana.getByTestId('read-only').count()).toBe(0);

		await lead.getByRole('button', { name: 'Close session' }).click();
		await ana.getByTestId('read-only').getByText('This session is closed: it is read-only.').waitFor();
		await box.waitFor({ state: 'detached' });
		const discussion = ana.getByTestId('discussion');
		await discussion.getByText('A comment before the close').waitFor();
		expect(await discussion.getByRole('button', { name: /Reply|Comment/ }).count()).toBe(0);
		for (const reaction of await discussion.locator('button.react').all())
			await expect(reaction.isDisabled()).resolves.toBe(true);

		// A screen opened later reads the same.
		await ana.reload();
		await ana.getByTestId('read-only').waitFor();
		expect(await ana.getByPlaceholder('Say what you see…').count()).toBe(0);
	});

	it('shows a cancelled session read-only with its own notice', async () => {
		const cancelled = (
			await server.api(`/api/projects/${ws.pid}/calibrations`, { headers: ws.people.lead })
		).body.calibrations.find((s: { title: string }) => s.title === 'To be cancelled');
		await pages.ana.goto(sessionPath(cancelled.id));
		await pages.ana.getByTestId('read-only').getByText('This session was cancelled: it is read-only.').waitFor();
		expect(await pages.ana.getByPlaceholder('Say what you see…').count()).toBe(0);
	});
});
