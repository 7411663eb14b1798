// Page weight in Chromium: each page of the app loaded cold (a fresh browser context, nothing cached) as the person
// who uses it, summing the JavaScript actually transferred (encoded body bytes, so compression counts). Budgets:
// the evaluator workspace (an item as an evaluator scores it, and the queue that leads there) ≤ 200 KB, the
// guideline editor ≤ 400 KB, every other page ≤ 250 KB. The rich-text
// editor (ProseMirror, through tiptap) loads on the guideline editor only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, watchedContext } from '../fixtures/browser';
import {
	appPages,
	routesWithPages,
	signedInStates,
	type AppPage,
	type Person,
	type SessionState
} from '../fixtures/app-pages';

failOnPageErrors();

const KB = 1000;
const EDITOR = '/projects/[pid]/guidelines/[id]';
const WORKSPACE = ['/projects/[pid]/items/[itemId]', '/projects/[pid]/queue'];
const budget = (route: string) => (WORKSPACE.includes(route) ? 200 : route === EDITOR ? 400 : 250) * KB;

let server: TestServer;
let browser: Browser;
let pages: AppPage[];
/** Signed-in cookies per person, to open cold contexts with. */
let states: Map<Person, SessionState | undefined>;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
	pages = await appPages(server);
	states = await signedInStates(browser, server.url);
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

interface Weight {
	route: string;
	transferred: number;
	decoded: number;
	scripts: string[];
}

async function weigh(p: AppPage): Promise<Weight> {
	const context = await watchedContext(browser, { baseURL: server.url, storageState: states.get(p.who) }, p.who);
	const page = await context.newPage();
	await page.goto(p.path, { waitUntil: 'networkidle' });
	const entries = await page.evaluate(() =>
		performance
			.getEntriesByType('resource')
			.map((e) => e as PerformanceResourceTiming)
			.filter((e) => /\.js(?:$|\?)/.test(new URL(e.name).pathname))
			.map((e) => ({ name: new URL(e.name).pathname, encoded: e.encodedBodySize, decoded: e.decodedBodySize }))
	);
	await context.close();
	return {
		route: p.route,
		transferred: entries.reduce((sum, e) => sum + e.encoded, 0),
		decoded: entries.reduce((sum, e) => sum + e.decoded, 0),
		scripts: entries.map((e) => e.name)
	};
}

describe('page budgets', () => {
	it('cover every page of the app', () => {
		expect(pages.map((p) => p.route).sort()).toEqual(routesWithPages());
	});

	it('hold for every page loaded cold, and the rich-text editor loads only where guidelines are edited', async () => {
		const weights: Weight[] = [];
		for (const p of pages) weights.push(await weigh(p));
		const table = weights
			.map(
				(w) =>
					`${w.route.padEnd(44)} ${(w.transferred / KB).toFixed(0).padStart(5)} KB sent, ${(w.decoded / KB).toFixed(0).padStart(5)} KB unpacked (budget ${budget(w.route) / KB} KB)`
			)
			.join('\n');
		console.log(`JavaScript per page, cold:\n${table}`);
		for (const w of weights) {
			expect(w.scripts.length, w.route).toBeGreaterThan(0);
			expect(w.transferred, `${w.route}\n${table}`).toBeLessThanOrEqual(budget(w.route));
			// Compressed on the wire: less than half the unpacked size.
			expect(w.transferred, w.route).toBeLessThan(w.decoded / 2);
		}
		// Which scripts carry the editor: read them once from the server.
		const all = [...new Set(weights.flatMap((w) => w.scripts))];
		const withEditor = new Set<string>();
		for (const script of all)
			if ((await (await fetch(server.url + script)).text()).includes('ProseMirror')) withEditor.add(script);
		expect(withEditor.size).toBeGreaterThan(0);
		for (const w of weights)
			expect(
				w.scripts.some((s) => withEditor.has(s)),
				`${w.route} loads the rich-text editor`
			).toBe(w.route === EDITOR);
	}, 240_000);
});
