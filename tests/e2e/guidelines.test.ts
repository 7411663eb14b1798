// End to end in Chromium on the demo workspace: two leads (lead@ and pm@, made a lead through the members API)
// type into the same guideline at once and each sees the other's text and named caret; one publishes version 2
// and the other sees it arrive live; an evaluator is blocked from evaluating until they acknowledge, reads what
// changed (as <ins>), comments on selected text, and acknowledges. Evaluators read the published version unless
// they turn on the labelled draft toggle; the workspace panel renders example boxes. Set E2E_SHOTS=dir to keep
// screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { dimensionsFor, type Rubric } from '#shared/rubric';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let pid: string;
let gid: string;
const shots = process.env.E2E_SHOTS;

async function shot(page: Page, name: string) {
	if (!shots) return;
	mkdirSync(shots, { recursive: true });
	await page.screenshot({ path: join(shots, `${name}.png`) });
}

const editor = (page: Page) => page.getByTestId('guideline-editor');

/** Puts the caret at the end of the editor's n-th paragraph (a DOM selection the editor picks up) and types. */
async function typeAtEndOf(page: Page, paragraph: number, text: string) {
	const p = editor(page).locator('p').nth(paragraph);
	await p.click();
	await p.evaluate((el) => {
		const range = document.createRange();
		range.selectNodeContents(el);
		range.collapse(false);
		window.getSelection()!.removeAllRanges();
		window.getSelection()!.addRange(range);
	});
	await page.keyboard.type(text, { delay: 15 });
}

/** Scores that pass the rubric for a modality (gates answered so the evaluation goes on). */
function validScores(rubric: Rubric, modality: string): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const d of dimensionsFor(rubric, modality)) {
		const stop: unknown[] = d.gate?.stopValues ?? [];
		if (d.scale === 'likert') out[d.key] = d.max ?? 5;
		else if (d.scale === 'binary') out[d.key] = !stop.includes(true);
		else if (d.scale === 'text') out[d.key] = 'Checked.';
		else out[d.key] = (d.options ?? []).map((o) => o.value).find((v) => !stop.includes(v));
	}
	return out;
}

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
	const admin = await server.login('admin@demo.test');
	pid = (await server.api('/api/projects', { headers: admin })).body.projects[0].id;
	const promoted = await server.api(`/api/projects/${pid}/members`, {
		method: 'PUT',
		headers: admin,
		body: { email: 'pm@demo.test', role: 'lead' }
	});
	expect(promoted.status).toBe(200);
	const lead = await server.login('lead@demo.test');
	gid = (await server.api(`/api/projects/${pid}/guidelines`, { headers: lead })).body.guidelines[0].id;
});

afterAll(async () => {
	await browser?.close();
	await server?.close();
});

describe('guidelines in the browser', () => {
	it('two leads co-edit the draft at once, see each other’s text and caret, and publish', async () => {
		const lea = await personContext(browser, server.url, 'lead@demo.test');
		const paulo = await personContext(browser, server.url, 'pm@demo.test');
		const url = `/projects/${pid}/guidelines/${gid}`;
		await Promise.all([lea.page.goto(url), paulo.page.goto(url)]);
		await Promise.all([
			editor(lea.page).getByText('Atlas evaluation guidelines').waitFor(),
			editor(paulo.page).getByText('Atlas evaluation guidelines').waitFor()
		]);

		await Promise.all([typeAtEndOf(lea.page, 0, ' Lea was here.'), typeAtEndOf(paulo.page, 2, ' Paulo adds a rule.')]);
		for (const page of [lea.page, paulo.page]) {
			await editor(page).getByText('Lea was here.', { exact: false }).waitFor();
			await editor(page).getByText('Paulo adds a rule.', { exact: false }).waitFor();
		}
		await lea.page.locator('.collaboration-carets__label', { hasText: 'Paulo Mendes' }).waitFor();
		await paulo.page.locator('.collaboration-carets__label', { hasText: 'Lea Lima' }).waitFor();
		await shot(lea.page, 'co-editing-lea');
		await shot(paulo.page, 'co-editing-paulo');

		await lea.page.getByRole('button', { name: 'Publish…' }).click();
		const dialog = lea.page.getByRole('dialog');
		await dialog.getByText('Lea was here.', { exact: false }).waitFor();
		await dialog.getByLabel('Changelog').fill('Two clarifications from the leads.');
		await dialog.getByLabel('Correctness', { exact: true }).check();
		await shot(lea.page, 'publish-dialog');
		await dialog.getByRole('button', { name: 'Publish version 2' }).click();
		await lea.page.getByText('Version 2 is published').waitFor();
		await paulo.page.getByText('Lea Lima just published version 2.').waitFor();

		// Lea published it herself: she is not asked to acknowledge it (Paulo, who did not publish, is).
		await lea.page.reload();
		await editor(lea.page).getByText('Lea was here.', { exact: false }).waitFor();
		expect(await lea.page.getByTestId('ack-banner').count()).toBe(0);
		await paulo.page.getByTestId('ack-banner').waitFor();

		const v2 = await server.api(`/api/guidelines/${gid}/versions/2`, { headers: await server.login('ana@demo.test') });
		expect(v2.body.version.markdown).toContain('Lea was here.');
		expect(v2.body.version.markdown).toContain('Paulo adds a rule.');
		await lea.context.close();
		await paulo.context.close();
	});

	it('makes an evaluator read what changed and acknowledge before evaluating; they comment on selected text', async () => {
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		const rubric = (await (await ana.page.request.get(`/api/projects/${pid}/rubrics`)).json()).rubrics[0] as Rubric;
		const item = (await (await ana.page.request.get(`/api/projects/${pid}/items?modality=text`)).json()).items[0];
		const evaluate = () =>
			ana.page.request.post(`/api/items/${item.id}/evaluations`, {
				headers: { origin: server.url },
				data: {
					rubricId: rubric.id,
					scores: validScores(rubric, 'text'),
					flags: [],
					tags: [],
					spans: [],
					rationale: 'Dates checked.',
					timeSpentMs: 1000,
					state: 'submitted'
				}
			});
		const blocked = await evaluate();
		expect(blocked.status()).toBe(409);
		expect((await blocked.json()).error.code).toBe('acknowledgement_required');

		await ana.page.goto(`/projects/${pid}/guidelines/${gid}`);
		const banner = ana.page.getByTestId('ack-banner');
		await banner.locator('ins', { hasText: 'Lea was here.' }).waitFor();
		// She reads the published version; comments are made on the draft, behind the labelled toggle.
		await ana.page.getByTestId('guideline-published').getByText('Paulo adds a rule.', { exact: false }).waitFor();
		await ana.page.getByRole('switch', { name: /draft in progress/ }).check();
		await editor(ana.page).getByText('Paulo adds a rule.', { exact: false }).waitFor();
		expect(await editor(ana.page).getAttribute('contenteditable')).toBe('false');

		// Select a phrase in the read-only draft and comment on it.
		await editor(ana.page)
			.getByText('Paulo adds a rule.', { exact: false })
			.first()
			.evaluate((el) => {
				const text = [...el.childNodes].find(
					(n) => n.nodeType === Node.TEXT_NODE && n.textContent?.includes('Paulo adds a rule.')
				) as Text;
				const start = text.textContent.indexOf('Paulo adds a rule.');
				const range = document.createRange();
				range.setStart(text, start);
				range.setEnd(text, start + 'Paulo adds a rule.'.length);
				const sel = window.getSelection()!;
				sel.removeAllRanges();
				sel.addRange(range);
			});
		await editor(ana.page).dispatchEvent('mouseup');
		await ana.page.getByText('On “Paulo adds a rule.”').waitFor();
		await ana.page.getByLabel('Comment', { exact: true }).fill('Which rule does this replace?');
		await ana.page.getByRole('button', { name: 'Comment', exact: true }).click();
		await ana.page.getByTestId('guideline-comment').filter({ hasText: 'Which rule does this replace?' }).waitFor();
		await editor(ana.page).locator('.comment-anchor', { hasText: 'Paulo adds a rule.' }).waitFor();
		await shot(ana.page, 'evaluator-ack');

		await banner.getByRole('button', { name: 'I have read version 2' }).click();
		await ana.page.getByText('you acknowledged version 2').waitFor();
		expect((await evaluate()).status()).toBe(201);
		// The comment is live for the lead too.
		const lea = await personContext(browser, server.url, 'lead@demo.test');
		await lea.page.goto(`/projects/${pid}/guidelines/${gid}`);
		const comment = lea.page.getByTestId('guideline-comment').filter({ hasText: 'Which rule does this replace?' });
		await comment.getByRole('button', { name: 'Reply' }).click();
		await expect
			.poll(() => lea.page.evaluate(() => document.activeElement?.getAttribute('placeholder')))
			.toBe('Write a reply…');
		await lea.context.close();
		await ana.context.close();
	}, 60_000);

	it('shows evaluators the published text, not a lead’s unpublished edit, until they turn on the draft', async () => {
		const lea = await personContext(browser, server.url, 'lead@demo.test');
		const paulo = await personContext(browser, server.url, 'pm@demo.test');
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		const url = `/projects/${pid}/guidelines/${gid}`;
		await Promise.all([lea.page.goto(url), paulo.page.goto(url)]);
		await editor(lea.page).getByText('Atlas evaluation guidelines').waitFor();
		await typeAtEndOf(lea.page, 0, ' Unpublished idea.');
		// Another lead sees the edit live: it has reached the server.
		await editor(paulo.page).getByText('Unpublished idea.', { exact: false }).waitFor();

		await ana.page.goto(url);
		const published = ana.page.getByTestId('guideline-published');
		await published.getByText('Lea was here.', { exact: false }).waitFor();
		expect(await published.textContent()).not.toContain('Unpublished idea.');
		expect(await editor(ana.page).count()).toBe(0);
		await ana.page.getByRole('switch', { name: /draft in progress/ }).check();
		await ana.page.getByTestId('draft-notice').waitFor();
		await editor(ana.page).getByText('Unpublished idea.', { exact: false }).waitFor();
		await shot(ana.page, 'evaluator-draft-peek');

		// A guideline with nothing published says so and offers the draft.
		const lead = await server.login('lead@demo.test');
		const fresh = await server.api(`/api/projects/${pid}/guidelines`, {
			headers: lead,
			body: { title: 'Style notes' }
		});
		expect(fresh.status).toBe(201);
		await ana.page.goto(`/projects/${pid}/guidelines/${fresh.body.guideline.id}`);
		await ana.page.getByText('Nothing is published yet').waitFor();
		await ana.page.getByRole('switch', { name: /draft in progress/ }).check();
		await editor(ana.page).waitFor();
		for (const person of [lea, paulo, ana]) await person.context.close();
	}, 60_000);

	it('renders good and bad examples in the workspace’s guideline panel as on the guideline page', async () => {
		const ana = await personContext(browser, server.url, 'ana@demo.test');
		const item = (await (await ana.page.request.get(`/api/projects/${pid}/items?modality=text`)).json()).items[0];
		await ana.page.goto(`/projects/${pid}/items/${item.id}`);
		await ana.page
			.getByRole('button', { name: /Guideline/ })
			.first()
			.waitFor();
		await ana.page.keyboard.press('g');
		const panel = ana.page.locator('aside[aria-labelledby=guide-title]');
		await panel.locator('.guideline-example.bad').first().waitFor();
		expect(await panel.locator('.guideline-example.good').count()).toBeGreaterThan(0);
		expect(await panel.textContent()).not.toMatch(/\[!(BAD|GOOD)\]/);
		await ana.context.close();
	});
});
