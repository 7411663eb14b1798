// Phones: every page of the app at 390 × 844 (an ordinary phone), as the person who uses it, without horizontal
// scrolling; in the evaluator workspace, the progress and Submit stay on screen while the item is read, and scale
// labels wrap between words, never inside one (there and on a desktop screen).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { failOnPageErrors } from '../fixtures/browser';
import { walkAppPages } from '../fixtures/app-walk';
import { EMAILS, type AppPage } from '../fixtures/app-pages';

failOnPageErrors();

const PHONE = { width: 390, height: 844 };

// Each person on a phone: a context of that size.
const walk = walkAppPages({ viewport: PHONE });

/** The page's overflow past the viewport's right edge, and the outermost elements that cause it. */
async function overflow(page: Page): Promise<{ extra: number; culprits: string[] }> {
	return page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		const extra = document.documentElement.scrollWidth - width;
		const culprits: string[] = [];
		const scrolls = (el: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.right <= width + 1) continue;
			// Inside a box that scrolls or clips on its own: not the page's overflow.
			let inner = false;
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (scrolls(p)) inner = true;
			// Only the outermost culprit: its parent fits.
			const parent = el.parentElement?.getBoundingClientRect();
			if (!inner && parent && parent.right <= width + 1)
				culprits.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(r.width)} px)`);
		}
		return { extra, culprits: culprits.slice(0, 5) };
	});
}

async function open(p: AppPage): Promise<Page> {
	const page = await walk.tabFor(p);
	await page.goto(p.path, { waitUntil: 'networkidle' });
	return page;
}

describe('at 390 px', () => {
	it('no page scrolls sideways', async () => {
		const wide: string[] = [];
		for (const p of walk.pages) {
			const page = await open(p);
			const { extra, culprits } = await overflow(page);
			if (extra > 0) wide.push(`${p.route}: ${extra} px too wide: ${culprits.join(', ')}`);
			await page.close();
		}
		expect(wide).toEqual([]);
	}, 240_000);

	it('the workspace keeps progress and Submit on screen while the item is read', async () => {
		// An item Ana has still to evaluate: the next one her queue offers.
		const workspace = walk.page('/projects/[pid]/items/[itemId]');
		const pid = workspace.path.split('/')[2];
		const queue = await walk.server.api(`/api/projects/${pid}/queue`, { headers: await walk.server.login(EMAILS.ana) });
		const next = (queue.body.items as { id: string }[])[0].id;
		const page = await open({ ...workspace, path: `/projects/${pid}/items/${next}` });
		const submit = page.getByRole('button', { name: /^Submit/ });
		await submit.waitFor();
		for (const y of [0, 600, 1200]) {
			await page.evaluate((top) => window.scrollTo(0, top), y);
			for (const box of [await submit.boundingBox(), await page.locator('#ws-progress').boundingBox()]) {
				expect(box, `at scroll ${y}`).not.toBeNull();
				expect(box!.y, `at scroll ${y}`).toBeGreaterThanOrEqual(0);
				expect(box!.y + box!.height, `at scroll ${y}`).toBeLessThanOrEqual(PHONE.height);
			}
		}
		await page.close();
	});
});

/** Words of scale labels that a line break cuts in two. */
async function brokenWords(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const broken: string[] = [];
		for (const el of document.querySelectorAll('[role="radiogroup"] [role="radio"]')) {
			const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				const text = node.textContent ?? '';
				for (const m of text.matchAll(/\S+/g)) {
					const range = document.createRange();
					range.setStart(node, m.index);
					range.setEnd(node, m.index + m[0].length);
					const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
					if (lines.size > 1) broken.push(m[0]);
				}
			}
		}
		return broken;
	});
}

describe('scale labels', () => {
	it('wrap between words on a phone and on a desktop screen', async () => {
		const workspace = walk.page('/projects/[pid]/items/[itemId]');
		const page = await open(workspace);
		await page.getByRole('radiogroup').first().waitFor();
		expect(await brokenWords(page)).toEqual([]);
		await page.setViewportSize({ width: 1440, height: 900 });
		expect(await brokenWords(page)).toEqual([]);
		await page.close();
	});
});
