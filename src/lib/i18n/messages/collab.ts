// Collaboration rooms: connection status, presence, refusals (close codes translated from their error codes).
export default {
	en: {
		'collab.status.connecting': 'Connecting…',
		'collab.status.connected': 'Live',
		'collab.status.disconnected': 'Offline — your changes will sync when the connection is back',
		'collab.presence.label': 'People in this room',
		'collab.presence.you': '{name} (you)',
		'collab.presence.more': '{count, plural, one {# more person} other {# more people}}',
		'collab.retry': 'Try again',
		'collab.error.unauthenticated': 'Your session has ended. Sign in again to rejoin.',
		'collab.error.invalid_credentials': 'Your session has ended. Sign in again to rejoin.',
		'collab.error.forbidden': 'You no longer have access to this room.',
		'collab.error.not_found': 'This room does not exist.',
		'collab.error.bad_request': 'The connection was closed after an unexpected message.',
		'collab.error.validation_failed': 'The connection was closed after an unexpected message.',
		'collab.error.payload_too_large': 'A change was too large to share.',
		'collab.error.rate_limited': 'Too many changes too quickly; the connection was closed.',
		'collab.error.conflict': 'The room refused the connection.',
		'collab.error.acknowledgement_required': 'The room refused the connection.',
		'collab.error.internal': 'The server had a problem with this room.'
	},
	'pt-BR': {
		'collab.status.connecting': 'Conectando…',
		'collab.status.connected': 'Ao vivo',
		'collab.status.disconnected': 'Sem conexão — suas alterações serão sincronizadas quando a conexão voltar',
		'collab.presence.label': 'Pessoas nesta sala',
		'collab.presence.you': '{name} (você)',
		'collab.presence.more': '{count, plural, one {mais # pessoa} other {mais # pessoas}}',
		'collab.retry': 'Tentar de novo',
		'collab.error.unauthenticated': 'Sua sessão terminou. Entre novamente para voltar à sala.',
		'collab.error.invalid_credentials': 'Sua sessão terminou. Entre novamente para voltar à sala.',
		'collab.error.forbidden': 'Você não tem mais acesso a esta sala.',
		'collab.error.not_found': 'Esta sala não existe.',
		'collab.error.bad_request': 'A conexão foi encerrada após uma mensagem inesperada.',
		'collab.error.validation_failed': 'A conexão foi encerrada após uma mensagem inesperada.',
		'collab.error.payload_too_large': 'Uma alteração era grande demais para ser compartilhada.',
		'collab.error.rate_limited': 'Alterações demais em pouco tempo; a conexão foi encerrada.',
		'collab.error.conflict': 'A sala recusou a conexão.',
		'collab.error.acknowledgement_required': 'A sala recusou a conexão.',
		'collab.error.internal': 'O servidor teve um problema com esta sala.'
	}
};
