// Accessibility in Chromium: axe-core on every page of the app (tests/fixtures/app-pages.ts), as the person who uses
// it, in the light and the dark colour scheme, once the page shows its real content. No violation of impact
// critical, serious or moderate is allowed (moderate holds the page's structure: heading order, one top-level main
// landmark); each one is reported with its page, scheme, rule, help text and first targets with axe's finding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { failOnPageErrors } from '../fixtures/browser';
import { walkAppPages } from '../fixtures/app-walk';
import { type AppPage } from '../fixtures/app-pages';

failOnPageErrors();

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];

// The app sends a Content-Security-Policy that forbids inline scripts: axe is injected as one.
const walk = walkAppPages({ bypassCSP: true });

/** Opens a page and waits until it shows its content: network quiet, no loading indicator, nothing busy. */
async function openSettled(p: AppPage): Promise<Page> {
	const page = await walk.tabFor(p);
	await page.goto(p.path, { waitUntil: 'networkidle' });
	await page.waitForFunction(
		() => !document.querySelector('.loading, [aria-busy="true"]') && !!document.querySelector('main h1, main h2')
	);
	return page;
}

/** Switches the page's colour scheme and returns the relative luminance of the body's background (0 black, 1 white). */
async function applyScheme(page: Page, scheme: Scheme): Promise<number> {
	await page.emulateMedia({ colorScheme: scheme });
	return page.evaluate(() => {
		const [r, g, b] = getComputedStyle(document.body)
			.backgroundColor.match(/\d+(\.\d+)?/g)!
			.slice(0, 3)
			.map((c) => Number(c) / 255)
			.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
		return 0.2126 * r + 0.7152 * g + 0.0722 * b;
	});
}

interface Violation {
	id: string;
	impact: string;
	help: string;
	targets: string[];
}

/** axe-core's critical, serious and moderate violations on the page as it is now. */
async function violations(page: Page): Promise<Violation[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
		const result = await axe.run(document, { resultTypes: ['violations'] });
		return result.violations
			.filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.impact === 'moderate')
			.map((v) => ({
				id: v.id,
				impact: v.impact!,
				help: v.help,
				targets: v.nodes.slice(0, 3).map((n) => {
					const finding = [...n.any, ...n.all, ...n.none].find((c) => c.message)?.message;
					return `${n.target.join(' ')}${finding ? ` — ${finding}` : ''}`;
				})
			}));
	});
}

describe('axe-core', () => {
	it('finds no critical, serious or moderate violation on any page, in light or dark', async () => {
		const found: string[] = [];
		for (const p of walk.pages) {
			const page = await openSettled(p);
			for (const scheme of SCHEMES) {
				// The scheme really applies: a light page on a light background, a dark one on a dark background.
				const luminance = await applyScheme(page, scheme);
				expect(luminance, `${p.route} ${scheme} background`)[scheme === 'dark' ? 'toBeLessThan' : 'toBeGreaterThan'](
					0.5
				);
				for (const v of await violations(page))
					found.push(`${p.route} (${scheme}) ${v.impact} ${v.id}: ${v.help}\n    ${v.targets.join('\n    ')}`);
			}
			await page.close();
		}
		expect(found, `${found.length} violation(s):\n${found.join('\n')}`).toEqual([]);
	}, 300_000);
});
