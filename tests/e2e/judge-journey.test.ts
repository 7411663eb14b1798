// The model-judge story on the demo workspace, in Chromium, against a real local chat-completions server: a lead
// registers a judge (naming the JUDGE_ variable that holds its key, never the key), runs it over the demo
// project and watches the progress reach done; opens an adjudication room and finds the judge as its own marked
// column beside the people; and reads on the agreement dashboard, in words, on which dimensions a judge can be
// trusted and on which it cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { failOnPageErrors, launchBrowser, personContext } from '../fixtures/browser';
import { startTestServer, type TestServer } from '../fixtures/server';
import { startChatServer, type ChatServer } from '../fixtures/chat-completions';

failOnPageErrors();

const KEY = 'sk-journey-key';
let server: TestServer;
let chat: ChatServer;
let browser: Browser;

beforeAll(async () => {
	chat = await startChatServer();
	server = await startTestServer({
		judges: {
			keys: { JUDGE_JOURNEY_KEY: KEY },
			timeoutMs: 5_000,
			maxAttempts: 3,
			retryBaseMs: 20,
			maxRetryAfterMs: 1_000
		}
	});
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
	await chat?.close();
});

describe('a lead brings a model judge into the demo project', () => {
	it('registers it, runs it with live progress, meets it in the adjudication room and learns where to trust it', async () => {
		const lead = await server.login('lead@demo.test');
		const [project] = (await server.api('/api/projects', { headers: lead })).body.projects;
		const pid = project.id as string;
		const { context, page } = await personContext(browser, server.url, 'lead@demo.test');

		// Register: the form asks for the variable's name; the page then says the server has it.
		await page.goto(`/projects/${pid}`);
		await page.getByRole('link', { name: 'Judges', exact: true }).click();
		await page.getByRole('link', { name: 'Demo judge' }).waitFor();
		await page.getByRole('button', { name: 'Register a judge' }).click();
		const dialog = page.getByRole('dialog', { name: 'Register a model judge' });
		await dialog.getByLabel('Name').fill('Journey judge');
		await dialog.getByLabel('Endpoint base URL').fill(chat.baseUrl);
		await dialog.getByLabel('Model', { exact: true }).fill('journey-model');
		await dialog.getByLabel('API key variable (optional)').fill('JUDGE_JOURNEY_KEY');
		// Paced for a local endpoint (the default, 60 a minute, suits a hosted one).
		await dialog.getByLabel('Requests per minute').fill('6000');
		await dialog.getByRole('button', { name: 'Save' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await page.getByRole('link', { name: 'Journey judge' }).click();
		await page.getByRole('heading', { name: 'Journey judge', level: 1 }).waitFor();
		await page.getByText('set on this server').waitFor();

		// Run over every demo item and watch the progress bar fill to done.
		chat.latencyMs = 40;
		await page.getByRole('button', { name: 'Run judge' }).click();
		const run = page.getByRole('dialog', { name: 'Run the judge' });
		await run.getByLabel('All items of the project').check();
		await run.getByRole('button', { name: 'Start run' }).click();
		await run.waitFor({ state: 'hidden' });
		const progress = page.getByRole('progressbar', { name: 'Progress of the run' });
		await progress.waitFor();
		const total = Number(await progress.getAttribute('max'));
		expect(total).toBeGreaterThan(10);
		await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 60_000 }).toBe(total);
		await page.getByText('Done', { exact: true }).waitFor();
		// Every item went to the endpoint once, with the key from the environment and a schema to answer in.
		expect(chat.requests.length).toBe(total);
		expect(chat.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
		expect(chat.requests[0].body.response_format.type).toBe('json_schema');

		// The adjudication room: the judge is a marked column after the people, never one of them.
		const queue = await server.api(`/api/projects/${pid}/escalations`, { headers: lead });
		const escalation = queue.body.escalations[0];
		await page.goto(`/projects/${pid}/escalations/${escalation.id}`);
		const grid = page.getByRole('table', { name: 'Scores' });
		const journeyColumn = grid.locator('thead [data-judge="Journey judge"]');
		await journeyColumn.waitFor();
		expect(await journeyColumn.textContent()).toContain('Model judge');
		expect(await journeyColumn.textContent()).toContain('journey-model');
		await grid.locator('thead [data-judge="Demo judge"]').waitFor();

		// The dashboard says where the demo judge can be trusted and where not, beside each figure.
		await page.goto(`/projects/${pid}/agreement`);
		const demoCard = page.locator('[data-testid="judge-card"][data-judge="Demo judge"]');
		await demoCard.waitFor();
		await page.locator('[data-testid="judge-card"][data-judge="Journey judge"]').waitFor();
		const verdicts = demoCard.locator('li[data-dimension]');
		await expect.poll(() => verdicts.count()).toBeGreaterThan(2);
		const byVerdict = new Map<string, string[]>();
		for (const li of await verdicts.all()) {
			const verdict = (await li.getAttribute('data-verdict')) ?? '';
			byVerdict.set(verdict, [...(byVerdict.get(verdict) ?? []), (await li.textContent()) ?? '']);
		}
		// The demo judge agrees with people on some dimensions and not on others, and the words say which.
		expect([...byVerdict.keys()]).toEqual(expect.arrayContaining(['do-not-rely']));
		expect(byVerdict.get('do-not-rely')!.join(' ')).toContain('Do not rely on the judge for');
		expect([...byVerdict.keys()].some((v) => v === 'trust' || v === 'spot-check')).toBe(true);
		await context.close();
	}, 180_000);
});
