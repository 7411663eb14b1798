// Escalation contracts shared by server and browser: reasons, states, verdict reason codes, request schemas,
// response shapes, SLA age levels, and the shape of live score proposals in an `item:<id>` room.
import { z } from 'zod';
import { scoresSchema, type Scores, type Evaluation } from './evaluation';
import type { Item } from './items';
import type { Rubric } from './rubric';
import type { JudgeColumn } from './judge-rooms';
import { pageQuery, type Paged } from './paging';

export const ESCALATION_REASONS = [
	'guideline_ambiguous',
	'guideline_missing',
	'policy_safety',
	'broken_item',
	'instruction_infeasible',
	'other'
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];
/** The reason recorded on escalations the server opens because agreement fell below the threshold. */
export const AUTO_REASON = 'low_agreement';

export const ESCALATION_STATES = ['open', 'in_review', 'resolved', 'dismissed'] as const;
export type EscalationState = (typeof ESCALATION_STATES)[number];
/** States in which an escalation still waits for a decision. */
export const ACTIVE_STATES: readonly EscalationState[] = ['open', 'in_review'];
export const isActiveState = (state: string): boolean => (ACTIVE_STATES as readonly string[]).includes(state);

export const VERDICT_REASON_CODES = [
	'guideline_unclear',
	'guideline_missing',
	'evaluator_error',
	'item_defect',
	'policy'
] as const;
export type VerdictReasonCode = (typeof VERDICT_REASON_CODES)[number];
/** Verdicts with these reason codes point at the guideline: the UI offers to propose a change. */
export const GUIDELINE_REASON_CODES: readonly VerdictReasonCode[] = ['guideline_unclear', 'guideline_missing'];

const note = z.string().trim().max(5000);

export const escalationInputSchema = z
	.strictObject({ reason: z.enum(ESCALATION_REASONS), note: note.default('') })
	.refine((v) => v.reason !== 'other' || v.note.length > 0, {
		path: ['note'],
		message: 'Say what is wrong when the reason is "other"'
	});

export const verdictInputSchema = z.strictObject({
	scores: scoresSchema,
	reasonCode: z.enum(VERDICT_REASON_CODES),
	note: note.min(1, 'Explain the verdict'),
	guidelineVersionId: z.string().min(1).max(64).optional(),
	rubricId: z.string().min(1).max(64).optional()
});

export const transitionNoteSchema = z.strictObject({ note: note.min(1, 'A note is required') });

export const QUEUE_SORTS = ['oldest', 'newest', 'state'] as const;
/** The queue's filters, sort and page (`mine=1`: the caller's own escalations); all applied by the server. */
export const queueQuerySchema = z.strictObject({
	...pageQuery,
	state: z.enum(ESCALATION_STATES).optional(),
	reason: z.string().max(40).optional(),
	modality: z.string().max(40).optional(),
	language: z.string().max(20).optional(),
	dimension: z.string().max(64).optional(),
	/** Only escalations at least this many hours old. */
	age: z.coerce
		.number()
		.min(0)
		.max(24 * 365)
		.optional(),
	sort: z.enum(QUEUE_SORTS).default('oldest'),
	mine: z.enum(['0', '1']).optional()
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;
/** One item's escalations, a page at a time. */
export const itemEscalationsQuerySchema = z.strictObject(pageQuery);

export interface EscalationVerdict {
	scores: Scores;
	reasonCode: VerdictReasonCode;
	note: string;
	guidelineVersionId: string | null;
}

export interface EscalationView {
	id: string;
	projectId: string;
	itemId: string;
	source: 'manual' | 'auto';
	reason: string;
	note: string;
	dimension: string | null;
	state: EscalationState;
	openedBy: { id: string; name: string } | null;
	claimedBy: { id: string; name: string } | null;
	createdAt: number;
	claimedAt: number | null;
	closedAt: number | null;
	/** The lead's note when it was resolved or dismissed. */
	closeNote: string | null;
	verdict: EscalationVerdict | null;
}

export interface EscalationSummary extends EscalationView {
	modality: string;
	language: string;
	/** A short plain-text excerpt of the item for lists. */
	excerpt: string;
	/** Open/in review: time since opening; closed: time it took to close. */
	ageMs: number;
}

interface Turnaround {
	/** Median time from opening to claim, over escalations that were claimed; null when none. */
	medianClaimMs: number | null;
	/** Median time from opening to resolution or dismissal; null when none closed. */
	medianResolveMs: number | null;
	claimed: number;
	closed: number;
	/** Escalations still waiting for a decision (open or in review). */
	waiting: number;
	/** How long the oldest of them has waited; null when none waits. */
	oldestWaitingMs: number | null;
}

/**
 * One page of the queue. Counts and turnaround cover every escalation the filters other than `state` match (not
 * only the page); facets cover the whole project.
 */
export interface EscalationQueue extends Paged {
	escalations: EscalationSummary[];
	counts: Record<EscalationState, number>;
	turnaround: Turnaround;
	/** Values present in the project, for filter menus. */
	facets: { reasons: string[]; modalities: string[]; languages: string[]; dimensions: string[] };
}

export interface ScoreComparison {
	dimension: string;
	mine: Scores[string] | undefined;
	verdict: Scores[string] | undefined;
	match: boolean;
}

export interface MyEscalation extends EscalationSummary {
	/** How the caller is part of it: opened it, or evaluated the escalated item. */
	involvement: 'opened' | 'evaluated';
	/** Per dimension, the caller's submitted score against the verdict (resolved escalations only). */
	comparison: ScoreComparison[];
}

/** One page of the caller's own escalations (`mine=1`). */
export interface MyEscalationPage extends Paged {
	escalations: MyEscalation[];
}

/** One page of an item's escalations. */
export interface ItemEscalationPage extends Paged {
	escalations: EscalationView[];
}

export interface DimensionAgreement {
	key: string;
	/** Agreement among the submitted evaluations (1 = all agree); null when fewer than two ratings. */
	value: number | null;
	ratings: number;
	/** The project's threshold for this dimension. */
	threshold: number;
	/** Enough ratings and agreement below the threshold. */
	conflict: boolean;
}

export interface GuidelineSection {
	heading: string;
	/** The section's Markdown source (rendered through the guideline renderer: marked + DOMPurify). */
	text: string;
}

export interface EscalationDetail {
	escalation: EscalationView;
	/** Other escalations of the same item (the room is per item). */
	related: EscalationView[];
	item: Item;
	rubric: Rubric | null;
	evaluations: Evaluation[];
	/** Model judges' newest scores on the item, apart from the people's and never in `agreement`; empty when blind. */
	judges: JudgeColumn[];
	agreement: DimensionAgreement[];
	/** The project's current guideline version and the sections that mention the conflicting dimensions. */
	guideline: { id: string; title: string; versionId: string; number: number; sections: GuidelineSection[] } | null;
	/** What the caller may do here (the server checks again on every call). */
	can: { decide: boolean; discuss: boolean };
	/**
	 * The caller escalated the item without having submitted her own evaluation: the blind rule hides everyone
	 * else's work (evaluations, agreement, proposals) and the room until she submits; the response then carries a
	 * read-only copy of the room's `discussion` instead.
	 */
	blind: boolean;
}

/** SLA levels for an escalation's age while it waits: over 24 h warn, over 72 h bad. */
const SLA_WARN_MS = 24 * 3600_000;
const SLA_BAD_MS = 72 * 3600_000;
export function slaLevel(ageMs: number): 'ok' | 'warn' | 'bad' {
	return ageMs > SLA_BAD_MS ? 'bad' : ageMs > SLA_WARN_MS ? 'warn' : 'ok';
}

/** Per dimension, whether `mine` matches the verdict (only dimensions the verdict scored). */
export function compareWithVerdict(mine: Scores, verdict: Scores): ScoreComparison[] {
	return Object.keys(verdict).map((dimension) => ({
		dimension,
		mine: mine[dimension],
		verdict: verdict[dimension],
		match: mine[dimension] === verdict[dimension]
	}));
}

/**
 * Live score proposals in an `item:<id>` room: `annotations.get('proposals')` is a Y.Map from user id to one
 * proposal. They are conversation, written by clients; only the verdict REST call decides.
 */
export const PROPOSALS_KEY = 'proposals';
export interface ScoreProposal {
	userId: string;
	name: string;
	scores: Scores;
	note: string;
	at: number;
}

/** Key of one escalation's mirrored view in the room's server-only `state` map. */
export const escalationStateKey = (escalationId: string) => `escalation:${escalationId}`;
export type VerdictInput = z.infer<typeof verdictInputSchema>;
