// Invitation mail through a real SMTP server started here (tests/fixtures/mail-catcher.ts): the invited person
// receives it, in the inviter's language, with a link (built on PUBLIC_URL) that works. A mail server that is not
// there costs nothing but the mail: the invitation is created, answered and usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, teamProject, type TestServer } from '../fixtures/server';
import { freePort } from '../fixtures/free-port';
import { header, part, startMailCatcher, type MailCatcher } from '../fixtures/mail-catcher';

let catcher: MailCatcher;
let server: TestServer;
let as: Record<string, Record<string, string>>;
let pid: string;
const PUBLIC_URL = 'https://concord.example.org';

beforeAll(async () => {
	catcher = await startMailCatcher();
	server = await startTestServer({
		env: { SMTP_URL: catcher.url, MAIL_FROM: 'Concord <concord@example.org>', PUBLIC_URL }
	});
	({ as, pid } = await teamProject(server, 'Mailed invitations'));
});
afterAll(async () => {
	await server.close();
	await catcher.close();
});

const mailTo = (address: string) => catcher.mailTo(address);

describe('invitation mail', () => {
	it('mails the invited person a link that works, built on PUBLIC_URL', async () => {
		const res = await server.api(`/api/projects/${pid}/invitations`, {
			body: { email: 'mia@example.com', role: 'evaluator' },
			headers: as.lead
		});
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ mailed: true, mailProblem: null });
		expect(res.body.invitation.url.startsWith(`${PUBLIC_URL}/invite/`)).toBe(true);
		const mail = await mailTo('mia@example.com');
		expect(mail.to).toEqual(['mia@example.com']);
		expect(header(mail.raw, 'From')).toContain('concord@example.org');
		expect(header(mail.raw, 'Subject')).toBe('Lea Lima invited you to Mailed invitations on Concord');
		const text = part(mail.raw, 'text/plain');
		expect(text).toContain('join the project "Mailed invitations" on Concord as evaluator');
		const link = text.match(/https:\/\/concord\.example\.org\/invite\/[A-Za-z0-9_-]+/)?.[0];
		expect(link).toBe(res.body.invitation.url);
		expect(part(mail.raw, 'text/html')).toContain(`href="${link}"`);
		const token = link!.split('/invite/')[1];
		expect((await server.api(`/api/invitations/${token}`)).body).toMatchObject({
			email: 'mia@example.com',
			problem: null
		});
		const accepted = await server.api('/api/invitations/accept', {
			body: { token, name: 'Mia Costa', password: 'orange kite morning' }
		});
		expect(accepted.status).toBe(201);
		expect(accepted.body.projectId).toBe(pid);
	});

	it('writes the mail in the inviter’s language', async () => {
		await server.api('/api/me', { method: 'PATCH', body: { locale: 'pt-BR' }, headers: as.admin });
		const res = await server.api(`/api/projects/${pid}/invitations`, {
			body: { email: 'joao@example.com.br', role: 'lead' },
			headers: as.admin
		});
		expect(res.body.mailed).toBe(true);
		const mail = await mailTo('joao@example.com.br');
		expect(header(mail.raw, 'Subject')).toBe('Ada Admin convidou você para Mailed invitations no Concord');
		expect(part(mail.raw, 'text/plain')).toContain('como líder de qualidade');
	});
});

describe('a mail server that is not there', () => {
	let dead: TestServer;
	beforeAll(async () => {
		dead = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` } });
	});
	afterAll(() => dead.close());

	it('still creates the invitation, says it was not mailed, and the link works', async () => {
		const lead = await dead.login('lead@demo.test');
		const pidHere = (await dead.api('/api/me', { headers: lead })).body.memberships[0].projectId;
		const res = await dead.api(`/api/projects/${pidHere}/invitations`, {
			body: { email: 'noel@example.com', role: 'evaluator' },
			headers: lead
		});
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ mailed: false, mailProblem: expect.stringContaining('copy the link') });
		const token = res.body.invitation.url.split('/invite/')[1];
		const accepted = await dead.api('/api/invitations/accept', {
			body: { token, name: 'Noel', password: 'paper lantern river' }
		});
		expect(accepted.status).toBe(201);
	});
});
