// End to end in Chromium: the export page of the demo project. The lead narrows an export to one guideline
// version (the choices come from the project's guidelines), adds a webhook to a real local receiver (its secret
// shown once), reads the delivery log after an event, and deletes the webhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually, startTestServer, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];

beforeAll(async () => {
	// The receiver runs on this machine, so this server lets webhooks reach loopback (the default does not).
	server = await startTestServer({
		webhooks: { maxAttempts: 2, retryBaseMs: 30, timeoutMs: 2000, allowPrivateNetworks: true }
	});
	receiver = createServer((req, res) => {
		received.push(req.url ?? '');
		req.resume();
		req.on('end', () => res.end('ok'));
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
	await new Promise((resolve) => receiver?.close(resolve));
});

describe('export page', () => {
	it('offers the guideline versions as a filter, and manages a webhook with its delivery log', async () => {
		const lead = await server.login('lead@demo.test');
		const pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id as string;
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		await page.goto(`/projects/${pid}`);
		await page.getByRole('link', { name: 'Export', exact: true }).click();
		await page.waitForURL(new RegExp(`/projects/${pid}/export$`));

		const version = page.getByRole('combobox', { name: /^Guideline version/ });
		const option = version.locator('option', { hasText: /^Atlas evaluation guidelines, version \d+$/ }).first();
		await option.waitFor({ state: 'attached' });
		const versionId = (await option.getAttribute('value')) ?? '';
		expect(versionId).not.toBe('');
		await version.selectOption(versionId);
		const download = page.getByRole('link', { name: 'Download' });
		expect(await download.getAttribute('href')).toContain(`guidelineVersionId=${versionId}`);

		const hooks = page.locator('section', { has: page.getByRole('heading', { name: 'Webhooks' }) });
		await hooks.getByText('No webhooks yet.').waitFor();
		await hooks.getByLabel('Address').fill(`${receiverUrl}/e2e`);
		await hooks.getByRole('button', { name: 'Add webhook' }).click();
		await hooks
			.getByRole('status')
			.getByText(/^whsec_/)
			.waitFor();
		await hooks.getByText(`${receiverUrl}/e2e`, { exact: true }).first().waitFor();

		await server.deps.events.emit('escalation.opened', {
			projectId: pid,
			escalationId: 'esc-e2e',
			itemId: 'item-e2e',
			source: 'manual',
			reason: 'guideline_ambiguous',
			openedBy: 'someone'
		});
		await eventually(() => received.includes('/e2e'), 5000, 'the delivery');
		const hookId = (await server.api(`/api/projects/${pid}/webhooks`, { headers: lead })).body.webhooks[0].id as string;
		await eventually(
			async () =>
				(await server.api(`/api/webhooks/${hookId}/deliveries`, { headers: lead })).body.deliveries[0]?.state ===
				'delivered',
			5000,
			'delivery recorded'
		);

		await hooks.getByRole('button', { name: 'Deliveries' }).click();
		await hooks.getByRole('row', { name: /Escalation opened Delivered/ }).waitFor();
		await hooks.getByRole('button', { name: 'Hide deliveries' }).click();
		expect(await hooks.getByRole('row', { name: /Escalation opened/ }).count()).toBe(0);

		page.once('dialog', (dialog) => void dialog.accept());
		await hooks.getByRole('button', { name: 'Delete' }).click();
		await hooks.getByText('No webhooks yet.').waitFor();
		expect((await server.api(`/api/projects/${pid}/webhooks`, { headers: lead })).body.webhooks).toEqual([]);
		await context.close();
	});
});
