// Visible focus in Chromium: on representative pages (the project home with the header and its tables, the
// evaluator workspace with its scales and fields, the agreement dashboard with its text-like buttons), Tab walks
// every control of the page in light and in dark, and each one, once focused, shows a focus indicator (an outline
// or a box-shadow) whose colour stands out at least 3:1 from the background behind it.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { failOnPageErrors } from '../fixtures/browser';
import { walkAppPages } from '../fixtures/app-walk';

failOnPageErrors();

const ROUTES = ['/projects/[pid]', '/projects/[pid]/items/[itemId]', '/projects/[pid]/agreement'];
/** More than any of these pages has controls: the walk stops earlier, when focus comes back round. */
const MAX_TABS = 150;

const walk = walkAppPages();

interface Focused {
	/** Tag, id and classes of the focused element, to name it in a failure. */
	what: string;
	visible: boolean;
	/** Contrast of the indicator's colour against the first opaque background behind the element. */
	contrast: number;
	/** Focus has been on this element before in this walk: Tab has come round. */
	again: boolean;
	/** Focus is still on the element of the last step (a part of the same field). */
	repeat: boolean;
}

/** What the focused element shows, measured in the page. */
function describeFocus(page: Page): Promise<Focused | null> {
	return page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body) return null;
		const walk = window as unknown as { focusWalk?: WeakSet<Element>; focusLast?: Element };
		walk.focusWalk ??= new WeakSet();
		// Tab steps through a date field's parts without leaving the field: that is not coming round.
		const repeat = walk.focusLast === el;
		const again = walk.focusWalk.has(el) && !repeat;
		walk.focusWalk.add(el);
		walk.focusLast = el;
		const rgb = (c: string) => (c.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number);
		const luminance = ([r, g, b]: number[]) =>
			[r, g, b]
				.map((v) => v / 255)
				.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
				.reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
		const style = getComputedStyle(el);
		const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
		const shadow = style.boxShadow !== 'none';
		// The colour of the ring: the outline's, else the first colour of the box-shadow.
		const ring = rgb(outline ? style.outlineColor : (style.boxShadow.match(/rgba?\([^)]*\)/)?.[0] ?? ''));
		let behind = el.parentElement;
		while (behind && (rgb(getComputedStyle(behind).backgroundColor)[3] ?? 1) === 0) behind = behind.parentElement;
		const bg = rgb(getComputedStyle(behind ?? document.body).backgroundColor);
		// A translucent ring is seen mixed with what is behind it.
		const alpha = ring[3] ?? 1;
		const seen = ring.slice(0, 3).map((c, i) => c * alpha + bg[i] * (1 - alpha));
		const [hi, lo] = [luminance(seen), luminance(bg)].sort((a, b) => b - a);
		const classes = [...el.classList].filter((c) => !c.startsWith('svelte-'));
		return {
			what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${classes.map((c) => `.${c}`).join('')} "${(el.textContent ?? '').trim().slice(0, 30)}"`,
			visible: el.matches(':focus-visible') && (outline || shadow),
			contrast: (hi + 0.05) / (lo + 0.05),
			again,
			repeat
		};
	});
}

describe('keyboard focus', () => {
	it('is visible on every control of representative pages, in light and dark', async () => {
		const problems: string[] = [];
		for (const p of ROUTES.map((route) => walk.page(route)))
			for (const scheme of ['light', 'dark'] as const) {
				const page = await walk.tabFor(p);
				await page.emulateMedia({ colorScheme: scheme });
				await page.goto(p.path, { waitUntil: 'networkidle' });
				await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'));
				// From the top of the page, as someone who has just arrived, until focus comes round.
				let visited = 0;
				for (let i = 0; i < MAX_TABS; i++) {
					await page.keyboard.press('Tab');
					const focused = await describeFocus(page);
					if (!focused || focused.repeat) continue;
					if (focused.again) break;
					visited++;
					if (!focused.visible) problems.push(`${p.route} (${scheme}): no focus indicator on ${focused.what}`);
					else if (focused.contrast < 3)
						problems.push(`${p.route} (${scheme}): focus ring ${focused.contrast.toFixed(2)}:1 on ${focused.what}`);
				}
				// The walk reached the page's content, not only the header.
				expect(visited, `${p.route} (${scheme}) controls reached by Tab`).toBeGreaterThan(12);
				await page.close();
			}
		expect(problems).toEqual([]);
	}, 240_000);
});
