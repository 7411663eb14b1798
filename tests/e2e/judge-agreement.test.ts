// "Humans and judges" in Chromium, on the known project of tests/fixtures/judge-world.ts: the lead reads next to
// each judge's figure whether to rely on it (trust / do not rely / too few), opens the adjudication of an item the
// judge differs on, counts the judges in the human figures by keyboard (and the dashboard says so), and the
// section has no axe violation in light or dark and fits 390 px. The dashboard's filters apply to the judges (a
// period chosen in the filter bar changes their figures; filters leaving none say so). A project without judge
// scores says where to register one.
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { evaluations } from '../../drizzle/schema';
import { bumpEvaluationSeq } from '../../server/db/project-counts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createProject, email, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';
import { buildJudgeWorld, type JudgeWorld } from '../fixtures/judge-world';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';

failOnPageErrors();

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
let x: ExchangeServer;
let w: JudgeWorld;
let browser: Browser;
let page: Page;
let escalationId: string;

beforeAll(async () => {
	x = await startExchangeServer();
	w = await buildJudgeWorld(x);
	const opened = await x.server.api(`/api/items/${w.itemIds[1]}/escalations`, {
		headers: x.as.ana,
		body: { reason: 'guideline_ambiguous', note: 'the judge says otherwise' }
	});
	escalationId = opened.body.escalation.id;
	// Chen saw the "Aligned" judge's suggestion on items 12–23: the split by suggestion shows.
	const db = x.server.deps.db;
	for (let i = 12; i < 24; i++)
		await db
			.update(evaluations)
			.set({ suggestionId: w.alignedScoreIds[i] })
			.where(and(eq(evaluations.itemId, w.itemIds[i]), eq(evaluations.evaluatorId, x.userIds.chen)));
	await bumpEvaluationSeq(db, w.pid);
	browser = await launchBrowser();
	({ page } = await personContext(browser, x.server.url, email('lead')));
}, 90_000);
afterAll(async () => {
	await browser?.close();
	await x?.server.close();
});

const reading = (judge: string, dimension: string) =>
	page.locator(`[data-testid="judge-card"][data-judge="${judge}"] li[data-dimension="${dimension}"]`);

async function openSection(path = `/projects/${w.pid}/agreement`) {
	await page.goto(path);
	await page.getByTestId('judge-card').first().waitFor();
}

describe('Humans and judges', () => {
	it('says in words where each judge can be trusted', async () => {
		await openSection();
		await expect
			.poll(() => reading('Aligned', 'correctness').textContent())
			.toContain('Trust the judge for Correctness');
		expect(await reading('Aligned', 'correctness').getAttribute('data-verdict')).toBe('trust');
		expect(await reading('Aligned', 'safe').textContent()).toContain(
			'Do not rely on the judge for Safe yet: α -0.96 on 24 items'
		);
		expect(await reading('Sparse', 'correctness').textContent()).toContain('Too few items to say (n 5 < 10)');
		expect(await reading('Aligned', 'correctness').textContent()).toContain(
			'10 gold, 1 consensus, 1 verdict, 12 median'
		);
		const evaluators = page.locator('[data-judge="Aligned"] [data-testid="judge-evaluators"] tbody tr');
		// Three evaluators on the two dimensions the judge scored (nobody compares on tone: the judge gave none).
		expect(await evaluators.count()).toBe(6);
		const versions = page.locator('[data-judge="Aligned"] [data-testid="judge-versions"] tbody th');
		expect(await versions.allTextContents()).toEqual(['No guideline', 'Style guide v1']);
		const split = page.getByTestId('suggestion-split');
		expect(await split.textContent()).toContain('Suggestions anchor people');
		expect(await split.textContent()).toContain('12 evaluations made with a suggestion shown');
	});

	it('applies the dashboard filters the lead chooses to the judges too', async () => {
		await openSection();
		await expect.poll(() => reading('Aligned', 'correctness').textContent()).toContain('on 24 items');
		// From three days ago: the "Aligned" judge's newest scores on items 0–11 were made a week ago.
		const from = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
		await page.getByRole('form', { name: 'Filters' }).getByLabel('From').fill(from);
		await page.waitForURL((url) => url.searchParams.get('from') === from);
		await expect.poll(() => reading('Aligned', 'correctness').textContent()).toContain('on 12 items');
		expect(await reading('Aligned', 'correctness').textContent()).toContain('12 median');
		await page.getByRole('form', { name: 'Filters' }).getByRole('button', { name: 'Clear filters' }).click();
		await page.waitForURL((url) => !url.searchParams.has('from'));
		await expect.poll(() => reading('Aligned', 'correctness').textContent()).toContain('on 24 items');
	});

	it('says when the filters leave no judge scores, and what to do', async () => {
		await page.goto(`/projects/${w.pid}/agreement?modality=chat`);
		const empty = page.locator('[data-testid="judges-empty"][data-filtered="true"]');
		await empty.waitFor();
		expect(await empty.textContent()).toContain('No judge scores in these filters');
		expect(await empty.textContent()).toContain('Widen the period or clear the filters');
	});

	it('links the items a judge differs on to their adjudication', async () => {
		await openSection();
		const list = page.locator('[data-judge="Mixed"] [data-testid="judge-differing"] li');
		await expect.poll(() => list.count()).toBe(3);
		const link = list.nth(1).getByRole('link', { name: 'Open adjudication' });
		expect(await link.getAttribute('href')).toBe(`/projects/${w.pid}/escalations/${escalationId}`);
		expect(await list.nth(0).getByRole('link', { name: 'Open item' }).getAttribute('href')).toBe(
			`/projects/${w.pid}/items/${w.itemIds[0]}`
		);
		await link.click();
		await page.waitForURL(`**/escalations/${escalationId}`);
	});

	it('counts judges in the human figures only when the lead turns it on, by keyboard, and says so', async () => {
		await openSection();
		await page.getByTestId('agreement-by-dimension').waitFor();
		expect(await page.getByTestId('judges-included').count()).toBe(0);
		const toggle = page.getByTestId('include-judges');
		await toggle.focus();
		await page.keyboard.press('Space');
		await page.waitForURL((url) => url.searchParams.get('judges') === '1');
		const notice = page.getByTestId('judges-included');
		await notice.waitFor();
		expect(await notice.textContent()).toContain('Aligned, Mixed, Sparse');
		await toggle.focus();
		await page.keyboard.press('Space');
		await page.waitForURL((url) => !url.searchParams.has('judges'));
		await expect.poll(() => notice.count()).toBe(0);
	});

	it('has no axe violation in light or dark, and fits a 390 px screen', async () => {
		await openSection();
		await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'));
		// Evaluated through the DevTools protocol: the app's Content-Security-Policy forbids inline scripts.
		await page.evaluate(AXE);
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			const found = await page.evaluate(async () => {
				const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
				const result = await axe.run('#humans-and-judges', { resultTypes: ['violations'] });
				return result.violations
					.filter((v) => v.impact !== 'minor')
					.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
			});
			expect(found, scheme).toEqual([]);
		}
		await page.setViewportSize({ width: 390, height: 800 });
		await openSection();
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await page.setViewportSize({ width: 1400, height: 900 });
	});

	it('tells the lead of a project without judge scores where to register a judge', async () => {
		const { pid } = await createProject(x, 'No judges');
		await page.goto(`/projects/${pid}/agreement`);
		const empty = page.getByTestId('judges-empty');
		await empty.waitFor();
		expect(await empty.textContent()).toContain('Register a judge or import scores on the Judges page');
		expect(await empty.getByRole('link', { name: 'Open the Judges page' }).getAttribute('href')).toBe(
			`/projects/${pid}/judges`
		);
	});
});
