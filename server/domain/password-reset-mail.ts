// The password reset mail: who made the link, for which account, until when, and the link. Written in the
// account holder's own language (their chosen locale, else English). Pure: text in, text out.
import type { Locale } from '#shared/locales';
import { linkMail, utcDateTime, type MailMessage } from './mail-message';

export interface ResetMailFacts {
	to: string;
	name: string;
	adminName: string;
	expiresAt: number;
	url: string;
}

export function passwordResetMail(f: ResetMailFacts, locale: Locale): MailMessage {
	const until = utcDateTime(locale, f.expiresAt);
	if (locale === 'pt-BR')
		return linkMail({
			to: f.to,
			subject: 'Defina uma nova senha para o Concord',
			lead: `Olá, ${f.name}. ${f.adminName} gerou um link para você definir uma nova senha no Concord (${f.to}).`,
			button: 'Definir uma nova senha',
			url: f.url,
			after: [
				`O link vale até ${until} e só pode ser usado uma vez; usá-lo encerra suas outras sessões.`,
				'Se você não pediu isso, avise a pessoa que administra o Concord.'
			]
		});
	return linkMail({
		to: f.to,
		subject: 'Set a new password for Concord',
		lead: `Hello ${f.name}. ${f.adminName} made a link for you to set a new password on Concord (${f.to}).`,
		button: 'Set a new password',
		url: f.url,
		after: [
			`The link is valid until ${until} and can be used once; using it signs you out everywhere else.`,
			'If you did not ask for this, tell whoever runs Concord for your team.'
		]
	});
}
