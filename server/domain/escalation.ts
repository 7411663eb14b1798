// Escalation rules, pure: the state machine (which transition is allowed from which state), who counts as
// involved, when low agreement opens an escalation automatically, and turnaround figures. No I/O.
import { ACTIVE_STATES, type DimensionAgreement, type EscalationState } from '#shared/escalation';
import { Conflict } from './errors';

export { ACTIVE_STATES };

export type Transition = 'claim' | 'verdict' | 'dismiss' | 'reopen';

/** open → in_review → resolved | dismissed; an open escalation may be dismissed directly; closed ones reopen. */
export const TRANSITIONS: Record<Transition, { from: readonly EscalationState[]; to: EscalationState }> = {
	claim: { from: ['open'], to: 'in_review' },
	verdict: { from: ['in_review'], to: 'resolved' },
	dismiss: { from: ['open', 'in_review'], to: 'dismissed' },
	reopen: { from: ['resolved', 'dismissed'], to: 'open' }
};

export function canTransition(state: EscalationState, transition: Transition): boolean {
	return TRANSITIONS[transition].from.includes(state);
}

/** The Conflict (409) for a transition the escalation's state does not allow. */
export function transitionConflict(state: EscalationState, transition: Transition) {
	return Conflict(`This escalation is ${state.replace('_', ' ')}; it cannot be ${PAST[transition]} now`, {
		state,
		transition
	});
}

/** Throws Conflict (409) when the escalation's state does not allow the transition. */
export function assertTransition(state: EscalationState, transition: Transition): void {
	if (!canTransition(state, transition)) throw transitionConflict(state, transition);
}

const PAST: Record<Transition, string> = {
	claim: 'claimed',
	verdict: 'resolved',
	dismiss: 'dismissed',
	reopen: 'reopened'
};

/** An evaluator is involved in an escalation when they opened it or submitted an evaluation of its item. */
export function isInvolved(userId: string, openedBy: string | null, submittedEvaluatorIds: readonly string[]): boolean {
	return openedBy === userId || submittedEvaluatorIds.includes(userId);
}

export interface ThresholdSettings {
	agreementThreshold: number;
	minEvaluations: number;
	dimensionThresholds?: Record<string, number>;
}

function thresholdFor(settings: ThresholdSettings, dimension: string): number {
	return settings.dimensionThresholds?.[dimension] ?? settings.agreementThreshold;
}

/** Marks each dimension as in conflict when enough evaluators rated it and agreement is below its threshold. */
export function markConflicts(
	settings: ThresholdSettings,
	agreement: readonly { key: string; value: number | null; ratings: number }[]
): DimensionAgreement[] {
	return agreement.map((a) => {
		const threshold = thresholdFor(settings, a.key);
		return {
			...a,
			threshold,
			conflict: a.value !== null && a.ratings >= settings.minEvaluations && a.value < threshold
		};
	});
}

/** The dimension an automatic escalation is filed under: the one with the lowest agreement among conflicts. */
export function worstConflict(agreement: readonly DimensionAgreement[]): DimensionAgreement | null {
	const conflicts = agreement.filter((a) => a.conflict);
	if (!conflicts.length) return null;
	return conflicts.reduce((worst, a) => ((a.value ?? 1) < (worst.value ?? 1) ? a : worst));
}

export interface ExistingEscalation {
	source: 'manual' | 'auto';
	state: EscalationState;
}

/**
 * Automatic escalation fires once per item: not when an automatic one already exists in any state (a dismissal
 * is a decision, not an invitation to fire again), and not while any escalation of the item is still active.
 */
export function mayAutoEscalate(existing: readonly ExistingEscalation[]): boolean {
	return !existing.some((e) => e.source === 'auto' || ACTIVE_STATES.includes(e.state));
}

export function autoEscalationNote(conflicts: readonly DimensionAgreement[]): string {
	const parts = conflicts
		.filter((c) => c.conflict)
		.map((c) => `${c.key} ${c.value?.toFixed(2)} < ${c.threshold.toFixed(2)}`);
	return `Agreement below the threshold after ${Math.max(...conflicts.map((c) => c.ratings))} evaluations: ${parts.join(', ')}`;
}

export function median(values: readonly number[]): number | null {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Age shown for SLA: while active, time since opening; once closed, how long it took. */
export function escalationAge(
	e: { state: EscalationState; createdAt: number; closedAt: number | null },
	now: number
): number {
	return ACTIVE_STATES.includes(e.state) || e.closedAt === null ? now - e.createdAt : e.closedAt - e.createdAt;
}
