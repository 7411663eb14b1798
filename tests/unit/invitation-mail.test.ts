// The invitation mail's words: who, which project, what role, until when, the link, in the inviter's language;
// names a lead typed (the project's, the inviter's) cannot add markup to the HTML part.
import { describe, expect, it } from 'vitest';
import { invitationMail } from '../../server/domain/invitation-mail';

const facts = {
	to: 'rui@example.com',
	inviterName: 'Lea <b>Lima</b>',
	projectName: 'Atlas "QA" & <script>alert(1)</script>',
	role: 'lead' as const,
	expiresAt: Date.UTC(2027, 0, 14, 9, 30),
	url: 'https://concord.example.org/invite/abc_DEF-123'
};

describe('invitation mail', () => {
	it('says who invited whom to what, as what, until when, with the link in both parts', () => {
		const mail = invitationMail(facts, 'en');
		expect(mail.to).toBe('rui@example.com');
		expect(mail.subject).toBe('Lea <b>Lima</b> invited you to Atlas "QA" & <script>alert(1)</script> on Concord');
		expect(mail.text).toContain('as quality lead');
		expect(mail.text).toContain('January 14, 2027');
		expect(mail.text).toContain('9:30 AM UTC');
		expect(mail.text).toContain(`Accept the invitation: ${facts.url}`);
		expect(mail.html).toContain(`<a href="${facts.url}">Accept the invitation</a>`);
	});

	it('escapes the names in the HTML part', () => {
		const { html } = invitationMail(facts, 'en');
		expect(html).not.toContain('<script>');
		expect(html).not.toContain('<b>');
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('Atlas &quot;QA&quot; &amp;');
	});

	it('is written in Brazilian Portuguese for a Portuguese-speaking inviter', () => {
		const mail = invitationMail({ ...facts, inviterName: 'Lea', projectName: 'Atlas', role: 'evaluator' }, 'pt-BR');
		expect(mail.subject).toBe('Lea convidou você para Atlas no Concord');
		expect(mail.text).toContain('como avaliador(a)');
		expect(mail.text).toContain('14 de janeiro de 2027');
		expect(mail.text).toContain(`Aceitar o convite: ${facts.url}`);
	});
});
