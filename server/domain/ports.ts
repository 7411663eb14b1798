// What the HTTP layer needs from other parts of the server, as interfaces (implemented in collab/ and db/).
import type * as Y from 'yjs';

/** Server-side writes into collaboration rooms (REST decisions mirrored live). Works whether or not a room is loaded. */
export interface RoomWriter {
	update(room: string, fn: (doc: Y.Doc) => void): Promise<void>;
	/**
	 * Resolves once every write begun with update() has settled (also those fired and forgotten by listeners, such
	 * as an escalation's mirror): bulk writers wait for it so rooms keep up with them.
	 */
	settled(): Promise<void>;
	/** Reads a room's document, loaded if needed (so it resolves once the room is loaded); fn must not write. */
	read<T>(room: string, fn: (doc: Y.Doc) => T): Promise<T>;
	/**
	 * Closes the caller's connections in rooms of a project after a membership change (re-checks permissions);
	 * resolves once the answers are applied, never rejects.
	 */
	recheckUser(userId: string): Promise<void>;
	/**
	 * Re-checks every open connection of one room (on every node) after a change to the room's own rules, such as
	 * a calibration session that closed: they take their new rights in place. Resolves once this node's
	 * connections have them, never rejects.
	 */
	recheckRoom(room: string): Promise<void>;
	/**
	 * Closes at once (4401) every open connection made with the given credential: one sign-in session, one API
	 * token, or all of a user's. Call it right after the credential is deleted, so nothing more is read or written.
	 */
	disconnect(which: CredentialFilter): number;
	stats(): { rooms: number; connections: number };
}

/** The credential a request or a socket authenticated with: a sign-in session (cookie) or an API token. */
export type Credential =
	| { userId: string; sessionId: string; tokenId?: undefined }
	| { userId: string; tokenId: string; sessionId?: undefined };

/** Which connections to close: those of one session, of one token, or every one of a user. */
export type CredentialFilter = { sessionId: string } | { tokenId: string } | { userId: string };

/** Where domain services report failures they handle themselves (the process logger satisfies it). */
export interface ErrorLog {
	error(fields: Record<string, unknown>, message: string): void;
}

/** Domain events other features subscribe to (e.g. auto-escalation after a submission). */
export interface DomainEventMap {
	'evaluation.submitted': { projectId: string; itemId: string; evaluatorId: string; evaluationId: string };
	'membership.changed': { projectId: string; userId: string };
	/** Emitted after a user changed their display name (PATCH /api/me); not project-scoped, never a webhook. */
	'user.renamed': { userId: string; name: string };
	/** Emitted after the transaction that opened an escalation commits (manual or automatic). */
	'escalation.opened': {
		projectId: string;
		escalationId: string;
		itemId: string;
		source: 'manual' | 'auto';
		reason: string;
		openedBy: string | null;
	};
	/** Emitted after a verdict (state `resolved`) or a dismissal (state `dismissed`) commits. */
	'escalation.resolved': {
		projectId: string;
		escalationId: string;
		itemId: string;
		state: 'resolved' | 'dismissed';
		reasonCode: string | null;
		decidedBy: string;
	};
	/** Emitted after a guideline version is published. */
	'guideline.published': {
		projectId: string;
		guidelineId: string;
		versionId: string;
		number: number;
		changelog: string;
		publishedBy: string;
	};
	/**
	 * Emitted after a judge's scores on items commit (each batch of an import; a run's results), one event per
	 * judge and batch. What reacts to judge scores (automatic escalation when a judge disagrees with the human
	 * majority) listens here, so it sees the scores it reads.
	 */
	'judge.scored': { projectId: string; judgeId: string; itemIds: string[]; source: 'run' | 'import' };
	/** Emitted after a calibration session is closed. */
	'calibration.closed': { projectId: string; calibrationId: string; closedBy: string };
}

export type DomainEventName = keyof DomainEventMap;
