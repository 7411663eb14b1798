// The rules of a calibration session. Pure: callers pass the facts, these functions decide or throw.
// Phases: scoring → (reveal) → revealed → (new round) → scoring … → (close) → closed; close works from either
// open phase. Cancel (→ cancelled) also works from either open phase: the lead calls the session off without
// revealing anything (a round being scored stays blind for good; the sheets already submitted are kept, they are
// evaluations and stay in the record, each visible to its author only). Who sees which round's sheets is the
// blind rule (blind.ts). A session that is over (closed or cancelled) is read-only: REST refuses every write to
// it and its room becomes read-only for everyone (sessionIsReadOnly, asked by both). Participants score only
// items active in the current round, only while it is being scored; a consensus can be recorded on any item that
// is not being scored blind right now.
import { Conflict, Forbidden, NotFound, Validation } from './errors';
import type { CalibrationPhase } from '#shared/calibration';
import type { Role } from '#shared/roles';

const CALIBRATION_TRANSITIONS = {
	reveal: { from: ['scoring'], to: 'revealed' },
	round: { from: ['revealed'], to: 'scoring' },
	close: { from: ['scoring', 'revealed'], to: 'closed' },
	cancel: { from: ['scoring', 'revealed'], to: 'cancelled' }
} as const satisfies Record<string, { from: readonly CalibrationPhase[]; to: CalibrationPhase }>;
export type CalibrationTransition = keyof typeof CALIBRATION_TRANSITIONS;

const WHY: Record<CalibrationTransition, string> = {
	reveal: 'Only a round that is being scored can be revealed',
	round: 'A new round starts only after the current one is revealed',
	close: 'The session is already over',
	cancel: 'The session is already over'
};

/** The phases of a session that is not over (a live session); it ends closed or cancelled. */
export const OPEN_PHASES = ['scoring', 'revealed'] as const satisfies readonly CalibrationPhase[];

/**
 * Whether a session is over (closed or cancelled) and so read-only: from then on nothing in it changes, by REST
 * or in its room.
 */
export function sessionIsReadOnly(phase: CalibrationPhase): boolean {
	return !(OPEN_PHASES as readonly CalibrationPhase[]).includes(phase);
}

/** Throws the one clear refusal for any write to a session that is over. */
function assertSessionWritable(phase: CalibrationPhase): void {
	if (!sessionIsReadOnly(phase)) return;
	throw Conflict(
		phase === 'cancelled'
			? 'The session was cancelled; it is read-only now'
			: 'The session is closed; it is read-only now',
		{ phase }
	);
}

export function assertTransition(phase: CalibrationPhase, name: CalibrationTransition): void {
	assertSessionWritable(phase);
	if (!(CALIBRATION_TRANSITIONS[name].from as readonly CalibrationPhase[]).includes(phase))
		throw Conflict(WHY[name], { phase, transition: name });
}

/** Roles whose members can sit in a session as participants (managers only watch). */
const PARTICIPANT_ROLES: readonly Role[] = ['evaluator', 'lead'];

export function assertParticipants(requested: readonly string[], roles: ReadonlyMap<string, Role | null>): void {
	const bad = requested.filter((id) => {
		const role = roles.get(id);
		return !role || !PARTICIPANT_ROLES.includes(role);
	});
	if (bad.length)
		throw Validation(
			'Participants must be evaluators or leads of this project',
			bad.map((id) => ({ path: 'participantIds', message: `${id} cannot take part` }))
		);
}

export interface ScoringFacts {
	phase: CalibrationPhase;
	round: number;
	isParticipant: boolean;
	/** The item's active round (null when the item is not in the session). */
	itemActiveRound: number | null;
}

export function assertMayScore(f: ScoringFacts): void {
	if (!f.isParticipant) throw Forbidden('Only the participants of this session score it');
	if (f.itemActiveRound === null) throw NotFound('This item is not part of the session');
	assertSessionWritable(f.phase);
	if (f.phase === 'revealed')
		throw Conflict('This round is revealed; scores are accepted again when the lead starts a new round', {
			phase: f.phase
		});
	if (f.itemActiveRound !== f.round)
		throw Conflict('This item is not being re-scored in this round', { round: f.round });
}

export function assertMayDecideConsensus(phase: CalibrationPhase, round: number, itemActiveRound: number | null): void {
	if (itemActiveRound === null) throw NotFound('This item is not part of the session');
	assertSessionWritable(phase);
	if (phase === 'scoring' && itemActiveRound === round)
		throw Conflict('This item is being scored blind; reveal the round first', { phase });
}

/**
 * Item ids of a round in session order. Round 1 covers every item; later rounds cover what their lead chose,
 * which is known for the current round (the active items) and, for earlier ones, from the sheets submitted.
 */
export function roundItemIds(
	round: number,
	current: number,
	allItemIds: readonly string[],
	activeItemIds: ReadonlySet<string>,
	scoredInRound: ReadonlySet<string>
): string[] {
	if (round === 1) return [...allItemIds];
	if (round === current) return allItemIds.filter((id) => activeItemIds.has(id));
	return allItemIds.filter((id) => scoredInRound.has(id));
}

/** Items a new round re-opens: the ones asked for (all of them when none are named), each in the session. */
export function itemsForNewRound(
	requested: readonly string[] | undefined,
	sessionItemIds: readonly string[]
): string[] {
	if (!requested) return [...sessionItemIds];
	const known = new Set(sessionItemIds);
	const unknown = requested.filter((id) => !known.has(id));
	if (unknown.length)
		throw Validation(
			'Some items are not part of the session',
			unknown.map((id) => ({ path: 'itemIds', message: `${id} is not in this session` }))
		);
	return sessionItemIds.filter((id) => requested.includes(id));
}
