// A password reset link goes to the account's own address when a mail server is configured (a real SMTP server
// started here), in the account holder's language, and the mailed link works; the admin is told it was mailed
// and still sees the link. A mail server that is not there costs only the mail: the link is answered and works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';
import { freePort } from '../fixtures/free-port';
import { header, part, startMailCatcher, type MailCatcher } from '../fixtures/mail-catcher';

const PUBLIC_URL = 'https://concord.example.org';
let catcher: MailCatcher;
let server: TestServer;

beforeAll(async () => {
	catcher = await startMailCatcher();
	server = await startTestServer({ env: { SMTP_URL: catcher.url, PUBLIC_URL } });
});
afterAll(async () => {
	await server.close();
	await catcher.close();
});

async function userId(s: TestServer, admin: Record<string, string>, email: string): Promise<string> {
	return (await s.api(`/api/admin/users?q=${encodeURIComponent(email)}`, { headers: admin })).body.users[0].id;
}

describe('a mailed password reset link', () => {
	it('reaches the account in its own language, and the link in the mail sets the password', async () => {
		const ana = await server.login('ana@demo.test');
		await server.api('/api/me', { method: 'PATCH', body: { locale: 'pt-BR' }, headers: ana });
		const admin = await server.login('admin@demo.test');
		const made = await server.api(`/api/admin/users/${await userId(server, admin, 'ana@demo.test')}/password-reset`, {
			body: {},
			headers: admin
		});
		expect(made.status).toBe(201);
		expect(made.body).toMatchObject({ mailed: true });
		expect(made.body.url.startsWith(`${PUBLIC_URL}/reset-password/`)).toBe(true);

		const mail = await catcher.mailTo('ana@demo.test');
		expect(mail.to).toEqual(['ana@demo.test']);
		expect(header(mail.raw, 'Subject')).toBe('Defina uma nova senha para o Concord');
		const text = part(mail.raw, 'text/plain');
		const link = text.match(/https:\/\/concord\.example\.org\/reset-password\/[A-Za-z0-9_-]+/)?.[0];
		expect(link).toBe(made.body.url);
		expect(part(mail.raw, 'text/html')).toContain(`href="${link}"`);

		const token = link!.split('/reset-password/')[1];
		const used = await server.api('/api/password-resets/accept', {
			body: { token, password: 'violet harbour lantern' }
		});
		expect(used.status).toBe(200);
		expect(
			(await server.api('/api/auth/login', { body: { email: 'ana@demo.test', password: 'violet harbour lantern' } }))
				.status
		).toBe(200);
	});
});

describe('a mail server that is not there', () => {
	let dead: TestServer;
	beforeAll(async () => {
		dead = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` } });
	});
	afterAll(() => dead.close());

	it('still answers the link, says it was not mailed, and the link works', async () => {
		const admin = await dead.login('admin@demo.test');
		const made = await dead.api(`/api/admin/users/${await userId(dead, admin, 'ben@demo.test')}/password-reset`, {
			body: {},
			headers: admin
		});
		expect(made.status).toBe(201);
		expect(made.body.mailed).toBe(false);
		const token = made.body.url.split('/reset-password/')[1];
		expect((await dead.api(`/api/password-resets/${token}`)).body.problem).toBe(null);
	});
});
