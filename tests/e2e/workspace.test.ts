// End to end in Chromium: an evaluator scores three items of different modalities with the keyboard only
// (digits, arrows, Tab, typing, Ctrl+Enter), highlights a span in a response, escalates one item, and everything
// is stored (checked through the API). Then model output carrying HTML and script renders as inert text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eventually, startTestServer, type TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import { desc, eq } from 'drizzle-orm';
import { dimensionsFor, type Rubric, type RubricDimension } from '../../src/lib/shared/rubric';
import { guidelineVersions, guidelines } from '../../drizzle/schema';
import { first } from '../../server/db/client';
import { newId } from '../../server/domain/ids';
import type { Scores } from '../../src/lib/shared/evaluation';
import type { Item } from '../../src/lib/shared/items';
import { SEARCH_THRESHOLD } from '../../src/lib/components/rubric/rubric-form';
import { annotatableFields } from '../../src/lib/components/item/spans';
import { isSensitive } from '../../src/lib/components/workspace/evaluation-draft';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let pid: string;
let rubric: Rubric;
let ana: Record<string, string>;
let lead: Record<string, string>;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
	[ana, lead] = await Promise.all([server.login('ana@demo.test'), server.login('lead@demo.test')]);
	pid = (await server.api('/api/projects', { headers: ana })).body.projects[0].id;
	rubric = (await server.api(`/api/projects/${pid}/rubrics`, { headers: ana })).body.rubrics[0];
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

interface OpenItem {
	id: string;
	modality: string;
	payload: unknown;
	metadata: Record<string, unknown>;
	myState: string | null;
}

/** Three items of different modalities Ana has not submitted: one with text to highlight, an image edit when
 * there is one (its pre-check gate is exercised), and a third one. */
async function pickItems(): Promise<[OpenItem, OpenItem, OpenItem]> {
	const all: OpenItem[] = (await server.api(`/api/projects/${pid}/items?limit=100`, { headers: ana })).body.items;
	const open = all.filter((i) => i.myState !== 'submitted');
	const byModality = (m: string) => open.find((i) => i.modality === m);
	const textual = ['text', 'chat', 'caption', 'multimodal', 'video', 'pairwise'].map(byModality).find(Boolean);
	const second = byModality('image_edit') ?? open.find((i) => i.modality !== textual?.modality);
	const third = open.find((i) => i.modality !== textual?.modality && i.modality !== second?.modality);
	if (!textual || !second || !third) throw new Error('the demo workspace needs three open modalities for ana');
	return [textual, second, third];
}

const mine = async (itemId: string) =>
	(await server.api(`/api/items/${itemId}/evaluations`, { headers: ana })).body.evaluations[0];

/**
 * Scores the open item the way a keyboard user does: ↓ enters the form, digits answer the focused dimension
 * (focus moves on by itself), large taxonomies are searched (type, Enter), required free text is typed and left
 * with Tab, and ↑/↓ walk to a dimension still open. `stopAtGate` answers a pre-check with a stop value.
 */
async function scoreWithKeyboard(page: Page, modality: string, stopAtGate = false): Promise<Scores> {
	const dims = dimensionsFor(rubric, modality);
	const expected: Scores = {};
	await page.locator('.dim').first().waitFor();
	await page.keyboard.press('ArrowDown');
	for (let step = 0; step < 60; step++) {
		const live = await page.$$eval('.dim:not(.skipped)', (els) => els.map((e) => (e as HTMLElement).dataset.dim!));
		const missing = dims.filter((d) => live.includes(d.key) && d.required && expected[d.key] === undefined);
		if (!missing.length) return expected;
		const focused = await page.getAttribute('.dim.focused', 'data-dim');
		const dim = dims.find((d) => d.key === focused)!;
		if (expected[dim.key] !== undefined || !dim.required) {
			const typing = await page.evaluate(() => ['TEXTAREA', 'INPUT'].includes(document.activeElement?.tagName ?? ''));
			await page.keyboard.press(
				typing ? 'Tab' : live.indexOf(missing[0].key) > live.indexOf(dim.key) ? 'ArrowDown' : 'ArrowUp'
			);
			continue;
		}
		await answer(page, dim, expected, stopAtGate);
	}
	throw new Error('could not complete the form with the keyboard');
}

async function answer(page: Page, dim: RubricDimension, expected: Scores, stopAtGate: boolean) {
	const stops = dim.gate?.stopValues ?? [];
	const options = dim.options ?? [];
	switch (dim.scale) {
		case 'likert': {
			const v = Math.min(dim.max ?? 5, (dim.min ?? 1) + 3);
			await page.keyboard.press(String(v));
			expected[dim.key] = v;
			return;
		}
		case 'binary':
			await page.keyboard.press('1');
			expected[dim.key] = true;
			return;
		case 'text':
			await page.keyboard.type('Clara e correta; cita a fonte oficial.');
			expected[dim.key] = 'Clara e correta; cita a fonte oficial.';
			await page.keyboard.press('Tab');
			return;
		default: {
			const index = options.findIndex((o) =>
				stopAtGate && stops.length ? stops.includes(o.value) : !stops.includes(o.value)
			);
			const option = options[index];
			if (dim.scale === 'categorical' && options.length > SEARCH_THRESHOLD) {
				await page.keyboard.type(option.label);
				await page.keyboard.press('Enter');
			} else {
				await page.keyboard.press(String(index + 1));
			}
			expected[dim.key] = option.value;
		}
	}
}

async function submitAndWait(page: Page, itemId: string) {
	await page.keyboard.press('Control+Enter');
	await page.waitForURL((url) => !url.pathname.endsWith(`/items/${itemId}`));
	await eventually(async () => (await mine(itemId))?.state === 'submitted', 5000, 'the evaluation to be submitted');
}

describe('evaluator workspace, keyboard only', () => {
	it('scores three modalities, highlights a span, escalates an item, and stores it all', async () => {
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		const dialogs: string[] = [];
		page.on('dialog', (d) => {
			dialogs.push(d.message());
			void d.dismiss();
		});

		const [first, second, third] = await pickItems();

		// 1. An item with model text: highlight a span in its source view, then score it.
		const { field, text: source } = annotatableFields({
			modality: first.modality as Item['modality'],
			payload: first.payload
		})[0];
		await page.goto(`/projects/${pid}/items/${first.id}`);
		await page.getByRole('heading', { name: 'Scores' }).waitFor();
		if (isSensitive(first.metadata)) await page.keyboard.press('v');
		await page.keyboard.press('m');
		const raw = page.locator(`.annotatable[data-field="${field}"] .raw`);
		await raw.waitFor();
		const word = /[\p{L}\d]{4,}/u.exec(source)!;
		await raw.evaluate(
			(el, [start, end]) => {
				// Select [start, end) of the element's text, as a mouse drag would.
				const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
				const range = document.createRange();
				let seen = 0;
				for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
					if (start >= seen && start <= seen + n.length) range.setStart(n, start - seen);
					if (end >= seen && end <= seen + n.length) {
						range.setEnd(n, end - seen);
						break;
					}
					seen += n.length;
				}
				window.getSelection()!.removeAllRanges();
				window.getSelection()!.addRange(range);
			},
			[word.index, word.index + word[0].length]
		);
		await page.keyboard.press('h');
		await page.getByRole('menu', { name: 'Label this span' }).waitFor();
		await page.keyboard.press('1');
		await page.locator('mark.span').first().waitFor();
		// The span alone is a change: the draft autosaves and says so.
		await page.getByText(/^Draft saved/).waitFor();
		expect(await mine(first.id)).toMatchObject({
			state: 'draft',
			spans: [expect.objectContaining({ field, quote: word[0] })]
		});
		const firstScores = await scoreWithKeyboard(page, first.modality);
		await submitAndWait(page, first.id);
		const firstEval = await mine(first.id);
		expect(firstEval.scores).toEqual(firstScores);
		expect(firstEval.spans).toEqual([
			{
				kind: 'text',
				field,
				start: word.index,
				end: word.index + word[0].length,
				label: rubric.spanLabels[0].key,
				quote: word[0]
			}
		]);
		expect(firstEval.timeSpentMs).toBeGreaterThan(0);

		// 2. A second modality (an image edit: answering the pre-check with a stop value skips the rest).
		await page.goto(`/projects/${pid}/items/${second.id}`);
		const hasGate = dimensionsFor(rubric, second.modality).some((d) => d.gate);
		const secondScores = await scoreWithKeyboard(page, second.modality, hasGate);
		if (hasGate) expect(await page.locator('.dim.skipped').count()).toBeGreaterThan(0);
		await submitAndWait(page, second.id);
		expect((await mine(second.id)).scores).toEqual(secondScores);

		// 3. A third modality: escalate it from the keyboard, then score it.
		await page.goto(`/projects/${pid}/items/${third.id}`);
		await page.getByRole('heading', { name: 'Scores' }).waitFor();
		await page.keyboard.press('e');
		const dialog = page.getByRole('dialog', { name: 'Escalate to the quality leads' });
		await dialog.waitFor();
		await page.keyboard.press('Space');
		await page.keyboard.press('Tab');
		await page.keyboard.type('Two readings of the guideline give different scores here; which one applies?');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await page.getByText('Escalated · open').waitFor();
		const thirdScores = await scoreWithKeyboard(page, third.modality);
		await submitAndWait(page, third.id);
		expect((await mine(third.id)).scores).toEqual(thirdScores);
		const escalations = (await server.api(`/api/items/${third.id}/escalations`, { headers: ana })).body.escalations;
		expect(escalations).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					reason: 'guideline_ambiguous',
					state: 'open',
					note: expect.stringContaining('which one applies'),
					openedBy: expect.objectContaining({ name: 'Ana Souza' })
				})
			])
		);
		expect(new Set([first.modality, second.modality, third.modality]).size).toBe(3);

		expect(dialogs).toEqual([]);
		await context.close();
	});

	it('keeps a score given just before the tab is closed', async () => {
		const items: OpenItem[] = (await server.api(`/api/projects/${pid}/items?limit=100`, { headers: ana })).body.items;
		// An item Ana has not touched, whose first dimension is a 1–5 scale.
		const untouched = items
			.filter((i) => !i.myState && ['text', 'chat', 'caption', 'video', 'multimodal'].includes(i.modality))
			.at(-1)!;
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		await page.goto(`/projects/${pid}/items/${untouched.id}`);
		await page.locator('.dim').first().waitFor();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('2');
		await page.locator('[role="radio"][aria-checked="true"]').first().waitFor();
		// Closed well before the autosave delay: the save started on hiding the page must still arrive.
		await page.close({ runBeforeUnload: true });
		const draft = await eventually(async () => mine(untouched.id), 5000, 'draft saved on close');
		expect(draft).toMatchObject({ state: 'draft' });
		expect(Object.values(draft.scores)).toContain(2);
		await context.close();
	});

	it('draws a box on an image from the keyboard alone', async () => {
		const items: OpenItem[] = (await server.api(`/api/projects/${pid}/items?limit=100`, { headers: ana })).body.items;
		const image = items.find((i) => i.modality === 'caption' && !i.myState && !isSensitive(i.metadata))!;
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		await page.goto(`/projects/${pid}/items/${image.id}`);
		await page.getByRole('button', { name: 'Draw a box' }).click();
		const canvas = page.getByRole('application', { name: /^Draw a box/ });
		await expect.poll(() => canvas.evaluate((el) => el === document.activeElement)).toBe(true);
		// The cursor starts in the middle: one corner up and left of it, the other down and right.
		for (let i = 0; i < 2; i++) await page.keyboard.press('Shift+ArrowLeft');
		await page.keyboard.press('Shift+ArrowUp');
		await page.keyboard.press('Enter');
		for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
		for (let i = 0; i < 2; i++) await page.keyboard.press('Shift+ArrowDown');
		await page.keyboard.press('Enter');
		await page.getByRole('menu', { name: 'Label this span' }).waitFor();
		await page.keyboard.press('1');
		await page.getByText(/^Draft saved/).waitFor();
		const box = (await mine(image.id)).spans.find((s: { kind: string }) => s.kind === 'box');
		expect(box.x).toBeCloseTo(0.3, 5);
		expect(box.y).toBeCloseTo(0.4, 5);
		expect(box.w).toBeCloseTo(0.3, 5);
		expect(box.h).toBeCloseTo(0.2, 5);
		await context.close();
	});

	it('shows the shortcuts with ? and the guideline with g, and reopens a submitted item read-only', async () => {
		// A demo item Ana submitted earlier: reopening it shows her evaluation read-only.
		const items: OpenItem[] = (await server.api(`/api/projects/${pid}/items?limit=100`, { headers: ana })).body.items;
		const done = items.find((i) => i.myState === 'submitted')!;
		const { context, page } = await personContext(browser, server.url, 'ana@demo.test');
		await page.goto(`/projects/${pid}/items/${done.id}`);
		await page.getByText('You submitted this evaluation').waitFor();
		expect(await page.locator('[role="radio"][aria-checked="true"]').count()).toBeGreaterThan(0);
		expect(await page.locator('[role="radio"]:not([disabled])').count()).toBe(0);
		await page.keyboard.press('?');
		await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
		await page.keyboard.press('Escape');
		await page.keyboard.press('g');
		await page.getByRole('complementary').getByRole('heading').first().waitFor();
		await context.close();
	});
});

describe('guideline acknowledgement', () => {
	it('shows a banner linking to the new guideline version when submitting is refused', async () => {
		const { db } = server.deps;
		const main = (await first(
			db.select().from(guidelines).where(eq(guidelines.projectId, pid)).orderBy(guidelines.createdAt).limit(1)
		))!;
		const last = await first(
			db
				.select()
				.from(guidelineVersions)
				.where(eq(guidelineVersions.guidelineId, main.id))
				.orderBy(desc(guidelineVersions.number))
				.limit(1)
		);
		const number = (last?.number ?? 0) + 1;
		await db.insert(guidelineVersions).values({
			id: newId(),
			guidelineId: main.id,
			number,
			content: {},
			markdown: '# New rule',
			changelog: 'test',
			dimensions: [],
			publishedAt: Date.now()
		});
		const chen = await server.login('chen@demo.test');
		const queue = (await server.api(`/api/projects/${pid}/queue`, { headers: chen })).body.items;
		const { context, page } = await personContext(browser, server.url, 'chen@demo.test');
		await page.goto(`/projects/${pid}/items/${queue[0].id}`);
		await page.locator('.dim').first().waitFor();
		await page.keyboard.press('Control+Enter');
		const link = page.getByRole('link', { name: 'Read the new version' });
		await link.waitFor();
		expect(await link.getAttribute('href')).toBe(`/projects/${pid}/guidelines/${main.id}`);
		await page.getByText(`Guideline version ${number} was published.`).waitFor();
		expect(page.url()).toContain(queue[0].id);
		await context.close();
	});
});

describe('untrusted model output', () => {
	it('renders HTML and script in an item as inert, visible text', async () => {
		const payload = {
			prompt: 'Say hi <img src=x onerror="window.__xss=1;alert(1)">',
			response:
				'Hello <img src=x onerror="window.__xss=1;alert(1)"> and <script>window.__xss=2;alert(2)</script> and [a link](javascript:alert(3)).'
		};
		const line = JSON.stringify({ externalId: 'xss-1', modality: 'text', language: 'en', payload });
		const imported = await server.api(`/api/projects/${pid}/items/import`, {
			method: 'POST',
			raw: line,
			headers: lead
		});
		expect(imported.status).toBe(201);
		const item = (await server.api(`/api/projects/${pid}/items?limit=100`, { headers: lead })).body.items.find(
			(i: { externalId: string }) => i.externalId === 'xss-1'
		);
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		const dialogs: string[] = [];
		page.on('dialog', (d) => {
			dialogs.push(d.message());
			void d.dismiss();
		});
		await page.goto(`/projects/${pid}/items/${item.id}`);
		const output = page.locator('.annotatable[data-field="response"]');
		await output.getByText('<img src=x onerror=', { exact: false }).waitFor();
		await output.getByText('<script>window.__xss=2', { exact: false }).waitFor();
		const check = () =>
			page.evaluate(() => ({
				injected: document.querySelectorAll('img[src="x"], [onerror], .item-view script, a[href^="javascript"]').length,
				flag: (window as unknown as { __xss?: number }).__xss ?? null
			}));
		expect(await check()).toEqual({ injected: 0, flag: null });
		await page.keyboard.press('m');
		await output.locator('.raw').getByText('<script>window.__xss=2', { exact: false }).waitFor();
		expect(await check()).toEqual({ injected: 0, flag: null });
		expect(dialogs).toEqual([]);
		await context.close();
	});
});
