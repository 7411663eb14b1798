// End to end in Chromium: the demo rubric in the evaluator's language. An evaluator who chose Portuguese sees the
// rubric's dimensions, anchors and flags in Portuguese in the workspace while an English evaluator sees English
// on the same item; a lead sees which texts lack a translation, fills one in the editor, and the evaluator sees it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server';
import { launchBrowser, personContext, failOnPageErrors } from '../fixtures/browser';
import type { Rubric } from '../../src/lib/shared/rubric';

failOnPageErrors();

let server: TestServer;
let browser: Browser;
let pid: string;
let itemId: string;
let lead: Record<string, string>;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
	lead = await server.login('lead@demo.test');
	pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id;
	const items: { id: string; modality: string }[] = (
		await server.api(`/api/projects/${pid}/items?limit=100`, { headers: lead })
	).body.items;
	itemId = items.find((i) => i.modality === 'text')!.id;
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

/** Signs in (in English), then switches the app to `locale` the way a returning user has it: the saved choice. */
async function evaluatorIn(email: string, locale: 'en' | 'pt-BR'): Promise<Page> {
	const { page } = await personContext(browser, server.url, email);
	await page.evaluate((l) => localStorage.setItem('concord.locale', l), locale);
	await page.goto(`/projects/${pid}/items/${itemId}`);
	await page.locator('.dim').first().waitFor();
	return page;
}

const titles = (page: Page) => page.locator('.dim .title').allTextContents();

describe('the demo rubric in the evaluator’s language', () => {
	it('shows a Portuguese evaluator Portuguese dimensions, anchors and flags, and an English one English', async () => {
		const pt = await evaluatorIn('ana@demo.test', 'pt-BR');
		try {
			expect(await titles(pt)).toEqual(
				expect.arrayContaining(['Correção', 'Relevância e cumprimento da instrução', 'Utilidade'])
			);
			const correctness = pt.locator('[data-dim="correctness"]');
			await correctness
				.getByText('Os fatos, números, datas, citações e o raciocínio estão certos?', { exact: false })
				.waitFor();
			await correctness.getByRole('radio', { name: /Totalmente correta/ }).waitFor();
			await correctness.getByRole('radio', { name: /Erros graves/ }).waitFor();
			await pt.getByRole('checkbox', { name: 'Dados pessoais' }).waitFor();
			await pt.getByRole('checkbox', { name: 'Alucinação' }).waitFor();
			expect(await pt.getByText('Correctness', { exact: true }).count()).toBe(0);
		} finally {
			await pt.context().close();
		}

		const en = await evaluatorIn('ben@demo.test', 'en');
		try {
			expect(await titles(en)).toEqual(
				expect.arrayContaining(['Correctness', 'Relevance & instruction following', 'Helpfulness'])
			);
			await en
				.locator('[data-dim="correctness"]')
				.getByRole('radio', { name: /Fully correct/ })
				.waitFor();
			await en.getByRole('checkbox', { name: 'Personal data (PII)' }).waitFor();
			expect(await en.getByText('Correção', { exact: true }).count()).toBe(0);
		} finally {
			await en.context().close();
		}
	});

	it('lets a lead see the texts that lack a translation and fill one in, which the evaluator then sees', async () => {
		// The demo ships every text translated; take the flags' translations away to have something missing.
		const [rubric]: Rubric[] = (await server.api(`/api/projects/${pid}/rubrics`, { headers: lead })).body.rubrics;
		const { flags: _gone, ...rest } = rubric.translations!['pt-BR'];
		const put = await server.api(`/api/projects/${pid}/rubrics/${rubric.id}/translations`, {
			method: 'PUT',
			body: { translations: { 'pt-BR': rest } },
			headers: lead
		});
		expect(put.status).toBe(200);

		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await page.goto(`/projects/${pid}`);
			const summary = page.getByTestId('rubric-translations');
			await summary
				.getByRole('listitem')
				.getByText(`Português (Brasil): ${rubric.flags.length} without translation`)
				.waitFor();
			// Each flag on the card is marked as lacking its Portuguese text; dimensions are not.
			const card = page.locator('section', { has: summary });
			expect(await card.getByText('no Português (Brasil) translation').count()).toBe(rubric.flags.length);

			await summary.getByRole('button', { name: 'Translate' }).click();
			const dialog = page.getByRole('dialog', { name: `Translate “${rubric.name}”` });
			await dialog.getByTestId('translation-count').getByText(`${rubric.flags.length} without translation`).waitFor();
			const field = dialog.getByRole('textbox', { name: 'Personal data (PII)' });
			expect(await field.inputValue()).toBe('');
			await field.fill('Dados pessoais sensíveis');
			await dialog
				.getByTestId('translation-count')
				.getByText(`${rubric.flags.length - 1} without translation`)
				.waitFor();
			await dialog.getByRole('button', { name: 'Save translations' }).click();
			await dialog.getByText(`Saved as version ${rubric.version + 2}.`).waitFor();
			await summary
				.getByRole('listitem')
				.getByText(`Português (Brasil): ${rubric.flags.length - 1} without translation`)
				.waitFor();
		} finally {
			await context.close();
		}

		const pt = await evaluatorIn('ana@demo.test', 'pt-BR');
		try {
			await pt.getByRole('checkbox', { name: 'Dados pessoais sensíveis' }).waitFor();
			// Untranslated flags fall back to the rubric's own text.
			await pt.getByRole('checkbox', { name: 'Hallucination' }).waitFor();
			expect(await titles(pt)).toContain('Correção');
		} finally {
			await pt.context().close();
		}
	});

	it('shows a Portuguese lead dimension names in Portuguese in the calibration report and room, adjudication room and agreement', async () => {
		const [rubric]: Rubric[] = (await server.api(`/api/projects/${pid}/rubrics`, { headers: lead })).body.rubrics;
		const pt = (key: string) => rubric.translations!['pt-BR'].dimensions![key].label!;
		const own = (key: string) => rubric.dimensions.find((d) => d.key === key)!.label;

		const sessions: { id: string; phase: string }[] = (
			await server.api(`/api/projects/${pid}/calibrations`, { headers: lead })
		).body.calibrations;
		const closed = sessions.find((s) => s.phase === 'closed')!;
		const report = (await server.api(`/api/calibrations/${closed.id}/report`, { headers: lead })).body;
		const reportKey: string = report.rounds[0].dimensions[0].key;

		const escalations: { id: string }[] = (await server.api(`/api/projects/${pid}/escalations`, { headers: lead })).body
			.escalations;
		const detail = (await server.api(`/api/escalations/${escalations[0].id}`, { headers: lead })).body;
		const gridKey: string = detail.agreement[0].key;

		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');
		try {
			await page.evaluate(() => localStorage.setItem('concord.locale', 'pt-BR'));

			await page.goto(`/projects/${pid}/calibrations/${closed.id}/report`);
			const shown = page.getByTestId('calibration-report');
			await shown
				.getByRole('rowheader', { name: pt(reportKey), exact: true })
				.first()
				.waitFor();
			expect(await shown.getByText(own(reportKey), { exact: true }).count()).toBe(0);

			// The session's room: the revealed scores' grid names its columns in Portuguese too.
			await page.goto(`/projects/${pid}/calibrations/${closed.id}`);
			await page.getByTestId('reveal-grid').locator('.dlabel').getByText(pt(reportKey), { exact: true }).waitFor();

			await page.goto(`/projects/${pid}/escalations/${escalations[0].id}`);
			await page.locator(`table.grid tr[data-dimension="${gridKey}"] th`).getByText(pt(gridKey)).waitFor();

			await page.goto(`/projects/${pid}/agreement`);
			await page.getByTestId('agreement-by-dimension').getByRole('button', { name: 'Tabela' }).click();
			const row = page.getByTestId('agreement-dimension-table').locator('tr[data-dimension="correctness"]');
			expect((await row.getByRole('rowheader').textContent())?.trim()).toBe(pt('correctness'));
		} finally {
			await context.close();
		}
	});
});
