// The invitation mail: who invited you, to which project, as what, until when, and the link. The invitee's
// language is unknown until they have an account, so the mail is written in the inviter's (their chosen locale,
// else English): an inviter usually shares a language with the people they invite. Pure: text in, text out.
import type { Locale } from '#shared/locales';
import type { Role } from '#shared/roles';
import { linkMail, utcDateTime, type MailMessage } from './mail-message';

export interface InvitationMailFacts {
	to: string;
	inviterName: string;
	projectName: string;
	role: Role;
	expiresAt: number;
	url: string;
}

const ROLE_NAMES: Record<Locale, Record<Role, string>> = {
	en: { evaluator: 'evaluator', lead: 'quality lead', manager: 'project manager' },
	'pt-BR': { evaluator: 'avaliador(a)', lead: 'líder de qualidade', manager: 'gerente de projeto' }
};

interface Words {
	subject: string;
	lines: string[];
	button: string;
}

function words(locale: Locale, f: InvitationMailFacts, until: string): Words {
	const role = ROLE_NAMES[locale][f.role];
	if (locale === 'pt-BR') {
		return {
			subject: `${f.inviterName} convidou você para ${f.projectName} no Concord`,
			lines: [
				`${f.inviterName} convidou você para participar do projeto "${f.projectName}" no Concord como ${role}.`,
				`O convite vale até ${until} e só pode ser usado uma vez.`,
				'Se você não esperava este convite, pode ignorar esta mensagem.'
			],
			button: 'Aceitar o convite'
		};
	}
	return {
		subject: `${f.inviterName} invited you to ${f.projectName} on Concord`,
		lines: [
			`${f.inviterName} invited you to join the project "${f.projectName}" on Concord as ${role}.`,
			`The invitation is valid until ${until} and can be used once.`,
			'If you were not expecting this invitation, you can ignore this message.'
		],
		button: 'Accept the invitation'
	};
}

/** The mail for one invitation, in `locale`. */
export function invitationMail(facts: InvitationMailFacts, locale: Locale): MailMessage {
	const w = words(locale, facts, utcDateTime(locale, facts.expiresAt));
	const [invited, validity, ignore] = w.lines;
	return linkMail({
		to: facts.to,
		subject: w.subject,
		lead: invited,
		button: w.button,
		url: facts.url,
		after: [validity, ignore]
	});
}
