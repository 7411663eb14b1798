// Sign-in page strings for single sign-on: the provider's button and why an attempt was refused
// (the codes of #shared/sign-in-errors, sent as /login?error=<code>).
export default {
	en: {
		'sso.button': 'Sign in with {name}',
		'sso.or': 'or with email and password',
		'sso.none': 'No way of signing in is set up here yet. Ask the person who runs Concord.',
		'sso.error.sso_expired':
			'That sign-in attempt is no longer valid: it was already used or took more than ten minutes. Start again.',
		'sso.error.sso_email_unverified':
			'Your sign-in provider has not confirmed your email address. Confirm it there, then sign in again.',
		'sso.error.sso_domain_not_allowed':
			'There is no Concord account for your email address yet, and addresses of your domain cannot create one. Ask a quality lead to invite you.',
		'sso.error.sso_deactivated': 'This account has been deactivated. Ask an admin of Concord to reactivate it.',
		'sso.error.sso_invitation_email':
			'This invitation was sent to another email address. Sign in with that address, or ask for a new invitation.',
		'sso.error.sso_invitation_invalid':
			'This invitation can no longer be used: it was accepted, withdrawn or has expired. Ask the person who invited you for a new one.',
		'sso.error.sso_provider':
			'Single sign-on did not complete: the provider refused or could not be reached. Try again; if it keeps failing, tell the person who runs Concord.'
	},
	'pt-BR': {
		'sso.button': 'Entrar com {name}',
		'sso.or': 'ou com e-mail e senha',
		'sso.none': 'Nenhuma forma de entrar foi configurada aqui ainda. Fale com quem administra o Concord.',
		'sso.error.sso_expired':
			'Essa tentativa de entrada não vale mais: já foi usada ou levou mais de dez minutos. Comece de novo.',
		'sso.error.sso_email_unverified':
			'Seu provedor de acesso não confirmou seu endereço de e-mail. Confirme-o lá e entre novamente.',
		'sso.error.sso_domain_not_allowed':
			'Ainda não há conta no Concord para o seu e-mail, e endereços do seu domínio não podem criar uma. Peça um convite a um líder de qualidade.',
		'sso.error.sso_deactivated': 'Esta conta foi desativada. Peça a um administrador do Concord para reativá-la.',
		'sso.error.sso_invitation_email':
			'Este convite foi enviado para outro endereço de e-mail. Entre com esse endereço ou peça um novo convite.',
		'sso.error.sso_invitation_invalid':
			'Este convite não pode mais ser usado: já foi aceito, retirado ou expirou. Peça um novo a quem convidou você.',
		'sso.error.sso_provider':
			'O login único não foi concluído: o provedor recusou ou não respondeu. Tente de novo; se continuar falhando, avise quem administra o Concord.'
	}
};
