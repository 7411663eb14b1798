// Dialogs and popovers from the keyboard, in Chromium. Modal dialogs (the workspace's Skip dialog, the guideline
// publish dialog) keep Tab and Shift+Tab inside, close on Escape and give focus back to the button that opened
// them. The header's popovers (the account menu, the notifications panel) close on Escape and on a click outside,
// give focus back to their button, never show together, and stay inside a phone's screen. The workspace's
// guideline panel (g) closes on Escape and gives focus back to where it was; dismissing the case proposed beside
// the guideline draft moves focus on to the draft.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { failOnPageErrors } from '../fixtures/browser';
import { walkAppPages } from '../fixtures/app-walk';
import { EMAILS } from '../fixtures/app-pages';

failOnPageErrors();

const walk = walkAppPages();

async function open(route: string, path?: string): Promise<Page> {
	const p = walk.page(route);
	const page = await walk.tabFor(p);
	await page.goto(path ?? p.path, { waitUntil: 'networkidle' });
	return page;
}

/** An item Ana has still to evaluate (the next one of her queue): its workspace offers Skip. */
async function anasNextItem(): Promise<string> {
	const pid = walk.page('/projects/[pid]').path.split('/')[2];
	const queue = await walk.server.api(`/api/projects/${pid}/queue`, { headers: await walk.server.login(EMAILS.ana) });
	return `/projects/${pid}/items/${(queue.body.items as { id: string }[])[0].id}`;
}

/** Whether the focused element is `locator`'s element. */
const hasFocus = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

/** Presses Tab `times` times (Shift+Tab when `back`) and returns where focus was each time outside `dialog`. */
async function escapes(page: Page, dialog: Locator, times: number, back = false): Promise<string[]> {
	const outside: string[] = [];
	for (let i = 0; i < times; i++) {
		await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
		const inside = await dialog.evaluate((d) => d.contains(document.activeElement) && document.activeElement !== d);
		if (!inside) outside.push(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? 'none'));
	}
	return outside;
}

describe('modal dialogs', () => {
	it('the Skip dialog keeps focus inside, closes on Escape and gives focus back to Skip', async () => {
		const page = await open('/projects/[pid]/items/[itemId]', await anasNextItem());
		const skip = page.getByRole('button', { name: /^Skip/ });
		await skip.focus();
		await page.keyboard.press('Enter');
		const dialog = page.getByRole('dialog', { name: 'Skip this item' });
		await dialog.waitFor();
		// More presses than the dialog has controls, both ways: focus comes round inside it.
		expect(await escapes(page, dialog, 14)).toEqual([]);
		expect(await escapes(page, dialog, 14, true)).toEqual([]);
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		expect(await hasFocus(skip)).toBe(true);
		await page.close();
	});

	it('the publish dialog keeps focus inside, closes on Escape and gives focus back to Publish…', async () => {
		const page = await open('/projects/[pid]/guidelines/[id]');
		const publish = page.getByRole('button', { name: 'Publish…' });
		await publish.click();
		const dialog = page.getByRole('dialog', { name: /^Publish version/ });
		await dialog.waitFor();
		expect(await escapes(page, dialog, 30)).toEqual([]);
		expect(await escapes(page, dialog, 30, true)).toEqual([]);
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		expect(await hasFocus(publish)).toBe(true);
		await page.close();
	});
});

describe('header popovers', () => {
	it('close on Escape and on a click outside, and give focus back to their button', async () => {
		const page = await open('/projects/[pid]');
		const account = page.getByRole('button', { name: /Account menu/ });
		const menu = page.locator('#account-menu');
		const bell = page.getByRole('button', { name: /^Notifications/ });
		const panel = page.getByRole('region', { name: 'Notifications' });

		await account.click();
		await menu.waitFor();
		// From inside the menu, Escape closes it and focus is back on its button.
		await menu.getByRole('link', { name: 'Account' }).focus();
		await page.keyboard.press('Escape');
		await menu.waitFor({ state: 'hidden' });
		expect(await hasFocus(account)).toBe(true);

		await bell.click();
		await panel.waitFor();
		// A click on the page's heading (nothing there takes focus): closed, and focus is back on the bell.
		await page.getByRole('heading', { level: 1 }).click();
		await panel.waitFor({ state: 'hidden' });
		expect(await hasFocus(bell)).toBe(true);
		await page.close();
	});

	it('never show together: opening one closes the other, by mouse or keyboard', async () => {
		const page = await open('/projects/[pid]');
		const account = page.getByRole('button', { name: /Account menu/ });
		const menu = page.locator('#account-menu');
		const bell = page.getByRole('button', { name: /^Notifications/ });
		const panel = page.getByRole('region', { name: 'Notifications' });

		await account.click();
		await menu.waitFor();
		await bell.click();
		await panel.waitFor();
		await menu.waitFor({ state: 'hidden' });
		expect(await account.getAttribute('aria-expanded')).toBe('false');

		// From the keyboard: the bell's panel is open, Enter on the account button swaps them.
		await account.focus();
		await page.keyboard.press('Enter');
		await menu.waitFor();
		await panel.waitFor({ state: 'hidden' });
		expect(await bell.getAttribute('aria-expanded')).toBe('false');
		await page.close();
	});

	it("stay inside a phone's screen", async () => {
		const page = await open('/projects/[pid]');
		await page.setViewportSize({ width: 390, height: 844 });
		const bell = page.getByRole('button', { name: /^Notifications/ });
		const account = page.getByRole('button', { name: /Account menu/ });
		for (const [button, id] of [
			[bell, 'notifications-panel'],
			[account, 'account-menu']
		] as const) {
			await button.click();
			const box = (await page.locator(`#${id}`).boundingBox())!;
			expect(box.x, id).toBeGreaterThanOrEqual(0);
			expect(box.x + box.width, id).toBeLessThanOrEqual(390);
			// Wide enough to read: nearly the screen's width, not squeezed beside its button.
			expect(box.width, id).toBeGreaterThan(300);
		}
		await page.close();
	});
});

describe('the workspace guideline panel', () => {
	it('takes focus to its title, closes on Escape and gives focus back to the Guideline button', async () => {
		const page = await open('/projects/[pid]/items/[itemId]');
		const button = page.getByRole('button', { name: /^Guideline/ });
		await button.focus();
		await page.keyboard.press('Enter');
		const panel = page.getByRole('complementary', { name: /./ }).filter({ has: page.locator('#guide-title') });
		await panel.waitFor();
		expect(await hasFocus(page.locator('#guide-title'))).toBe(true);
		await page.keyboard.press('Escape');
		await panel.waitFor({ state: 'hidden' });
		expect(await hasFocus(button)).toBe(true);
		await page.close();
	});
});

describe('the proposed case beside the guideline draft', () => {
	it('moves focus on to the draft when it is dismissed', async () => {
		const guideline = walk.page('/projects/[pid]/guidelines/[id]').path;
		const escalation = walk.page('/projects/[pid]/escalations/[id]').path.split('/').pop();
		const page = await open('/projects/[pid]/guidelines/[id]', `${guideline}?propose=escalation:${escalation}`);
		const panel = page.getByTestId('proposal-panel');
		await page.locator('.ProseMirror[contenteditable="true"]').waitFor();
		await panel.getByRole('button', { name: 'Close' }).focus();
		await page.keyboard.press('Enter');
		await panel.waitFor({ state: 'detached' });
		// The editor takes focus on its next animation frame (tiptap's focus command), so wait for it rather than read once.
		await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('.ProseMirror'))).toBe(true);
		await page.close();
	});
});
