// End to end in Chromium: the admin page. The admin creates a user and a project, adds the user to the project
// (an unknown address is refused and stays in the field to be corrected), changes the member's role and removes
// them (refused while they are the project's only lead); the new user signs in and finds the project on their list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventually, startTestServer, type TestServer } from '../fixtures/server';
import { failOnPageErrors, launchBrowser, personContext, watchedContext } from '../fixtures/browser';

failOnPageErrors();

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
	server = await startTestServer();
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.close();
});

const NEW_PASSWORD = 'dora-has-a-long-passphrase';

async function membersOf(pid: string): Promise<{ email: string; role: string }[]> {
	const admin = await server.login('admin@demo.test');
	return (await server.api(`/api/projects/${pid}/members`, { headers: admin })).body.members;
}

describe('admin page', () => {
	it('creates a user and a project and manages who is in it with which role', async () => {
		const { context, page } = await personContext(browser, server.url, 'admin@demo.test');
		await page.getByRole('link', { name: 'Admin', exact: true }).click();
		await page.getByRole('heading', { name: 'Administration' }).waitFor();

		const newUser = page.locator('form', { has: page.getByRole('heading', { name: 'New user' }) });
		await newUser.getByLabel('Name').fill('Dora Diaz');
		await newUser.getByLabel('Email').fill('dora@demo.test');
		await newUser.getByLabel('Initial password').fill(NEW_PASSWORD);
		await newUser.getByRole('button', { name: 'Create' }).click();
		await page.getByRole('status').filter({ hasText: 'Created Dora Diaz.' }).waitFor();
		await page.getByRole('row', { name: /Dora Diaz dora@demo\.test/ }).waitFor();

		const newProject = page.locator('form', { has: page.getByRole('heading', { name: 'New project' }) });
		await newProject.getByLabel('Project name').fill('Harbor');
		await newProject.getByLabel('Description').fill('Port captions');
		await newProject.getByRole('button', { name: 'Create' }).click();
		// The innermost section with that heading (the column around every project's members is a section too).
		const members = page.locator('section', { has: page.getByRole('heading', { name: 'Harbor · Members' }) }).last();
		await members.getByText('No members yet.', { exact: false }).waitFor();
		const projects = (await server.api('/api/projects', { headers: await server.login('admin@demo.test') })).body
			.projects as { id: string; name: string }[];
		const pid = projects.find((p) => p.name === 'Harbor')!.id;

		// An address nobody has is refused, and stays in the field to be corrected.
		const email = members.getByRole('textbox', { name: 'Email' });
		await email.fill('nobody@demo.test');
		await members.getByRole('button', { name: 'Add member' }).click();
		await members.getByRole('alert').waitFor();
		expect(await email.inputValue()).toBe('nobody@demo.test');

		await email.fill('dora@demo.test');
		await members.getByRole('combobox', { name: 'Role' }).last().selectOption('evaluator');
		await members.getByRole('button', { name: 'Add member' }).click();
		const row = members.getByRole('row', { name: /Dora Diaz/ });
		await row.waitFor();
		expect(await email.inputValue()).toBe('');
		expect(await members.getByRole('alert').count()).toBe(0);
		expect(await membersOf(pid)).toEqual([expect.objectContaining({ email: 'dora@demo.test', role: 'evaluator' })]);

		await row.getByRole('combobox', { name: 'Role' }).selectOption('lead');
		await eventually(async () => (await membersOf(pid))[0]?.role === 'lead', 5000, 'role changed to lead');

		// Dora sees the project on her list and opens it.
		const doraContext = await watchedContext(browser, { baseURL: server.url, locale: 'en-US' }, 'dora@demo.test');
		const doraPage = await doraContext.newPage();
		await doraPage.goto('/login');
		await doraPage.getByLabel('Email').fill('dora@demo.test');
		await doraPage.getByLabel('Password').fill(NEW_PASSWORD);
		await doraPage.getByRole('button', { name: 'Sign in' }).click();
		await doraPage.getByRole('heading', { name: 'Your projects' }).waitFor();
		await doraPage.getByRole('link', { name: /Harbor/ }).click();
		await doraPage.waitForURL(new RegExp(`/projects/${pid}$`));
		await doraContext.close();

		// Dora is the project's only lead: removing her is refused in the server's words, and she stays.
		await row.getByRole('button', { name: 'Remove' }).click();
		await members.getByRole('alert').filter({ hasText: 'Make someone else lead first' }).waitFor();
		expect(await membersOf(pid)).toEqual([expect.objectContaining({ email: 'dora@demo.test', role: 'lead' })]);

		// With another lead, she can be removed.
		await email.fill('lead@demo.test');
		await members.getByRole('combobox', { name: 'Role' }).last().selectOption('lead');
		await members.getByRole('button', { name: 'Add member' }).click();
		await members.getByRole('row', { name: /Lea Lima/ }).waitFor();
		await row.getByRole('button', { name: 'Remove' }).click();
		await row.waitFor({ state: 'detached' });
		expect(await membersOf(pid)).toEqual([expect.objectContaining({ email: 'lead@demo.test', role: 'lead' })]);
		await context.close();
	});
});
