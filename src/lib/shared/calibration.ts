// Calibration contracts shared by server and browser: request schemas, the session view (REST), the public
// part the server mirrors into the `session:<id>` room (never a score before its round is revealed), the
// report, and what clients write into the room: comment anchors (`discussion`) and live highlights (`annotations`).
import { z } from 'zod';
import { pageQuery } from './paging';
import { scoresSchema, spanSchema, type Scores, type Span } from './evaluation';
import type { Item } from './items';
import type { Rubric } from './rubric';
import type { JudgeColumn } from './judge-rooms';

/** `closed` and `cancelled` are the ends of a session; a cancelled one never revealed its last round. */
export type CalibrationPhase = 'scoring' | 'revealed' | 'closed' | 'cancelled';

const ids = (max: number) =>
	z
		.array(z.string().min(1).max(64))
		.max(max)
		.refine((a) => new Set(a).size === a.length, 'must not repeat an id');

export const createCalibrationSchema = z.strictObject({
	title: z.string().trim().min(1).max(200),
	rubricId: z.string().min(1).max(64),
	itemIds: ids(100).refine((a) => a.length > 0, 'pick at least one item'),
	participantIds: ids(50).refine((a) => a.length >= 2, 'calibration needs at least two participants')
});

export const calibrationScoreInputSchema = z.strictObject({
	scores: scoresSchema,
	rationale: z.string().max(20_000).default(''),
	spans: z.array(spanSchema).max(500).default([]),
	timeSpentMs: z.number().int().nonnegative().max(86_400_000).default(0)
});
export type CalibrationScoreInput = z.infer<typeof calibrationScoreInputSchema>;

export const roundInputSchema = z.strictObject({
	itemIds: ids(100)
		.refine((a) => a.length > 0, 'pick at least one item')
		.optional()
});

export const consensusInputSchema = z.strictObject({
	scores: scoresSchema,
	note: z.string().trim().max(20_000).default('')
});
export type ConsensusInput = z.infer<typeof consensusInputSchema>;

export const candidatesQuerySchema = z.strictObject({
	...pageQuery,
	rubricId: z.string().max(64).optional(),
	modality: z.string().max(40).optional(),
	language: z.string().max(20).optional(),
	sort: z.enum(['disagreement', 'recent']).default('disagreement')
});

/** Sessions of a project, newest first, a page at a time; `live=1`: only those not over (closed or cancelled). */
export const calibrationsQuerySchema = z.strictObject({ ...pageQuery, live: z.enum(['0', '1']).optional() });

export interface Person {
	id: string;
	name: string;
}

/** One participant's blind score sheet for one item in one round. */
export interface CalibrationScore {
	itemId: string;
	userId: string;
	round: number;
	scores: Scores;
	rationale: string;
	spans: Span[];
	timeSpentMs: number;
	submittedAt: number;
}

/** Agreement on one dimension, 0..1 (1 = everyone agrees); null when fewer than two people rated it. */
export interface DimensionFigure {
	key: string;
	value: number | null;
	ratings: number;
	/** How many items the figure pools (session figures). */
	items?: number;
}

/** Which coefficient the session figures use: mean pairwise agreement, or Krippendorff's alpha. */
export type AgreementMetric = 'pairwise' | 'alpha';

export interface RevealedRound {
	round: number;
	revealedAt: number;
	scores: CalibrationScore[];
	/** Per item (by id): agreement per dimension among this round's sheets. */
	items: Record<string, DimensionFigure[]>;
	/** The session's agreement per dimension in this round, pooled over its items. */
	dimensions: DimensionFigure[];
	metric: AgreementMetric;
	/**
	 * Per item of the round (by id): the model judges' newest scores, revealed with the people's sheets and never
	 * before (blind.ts, roundIsOpen); not counted in `items` or `dimensions`.
	 */
	judges: Record<string, JudgeColumn[]>;
}

export interface CalibrationConsensus {
	itemId: string;
	scores: Scores;
	note: string;
	decidedBy: Person;
	decidedAt: number;
}

export interface CalibrationRoundInfo {
	round: number;
	startedAt: number;
	revealedAt: number | null;
	itemIds: string[];
}

export interface CalibrationHeader {
	id: string;
	projectId: string;
	title: string;
	rubricId: string;
	phase: CalibrationPhase;
	round: number;
	createdBy: Person;
	createdAt: number;
	closedAt: number | null;
}

/**
 * What everyone in the session may know: the server mirrors exactly this into the room's `state` map under
 * CALIBRATION_STATE_KEY. Before a round is revealed it says who submitted, never what.
 */
export interface CalibrationPublicState {
	calibration: CalibrationHeader;
	participants: Person[];
	rounds: CalibrationRoundInfo[];
	/** Items being scored in the current round. */
	activeItemIds: string[];
	/** Current round: item id → ids of the participants who submitted. */
	submitted: Record<string, string[]>;
	revealed: RevealedRound[];
	consensus: Record<string, CalibrationConsensus>;
	/** Agreement below this (project setting) marks a dimension as conflicting. */
	threshold: number;
}

export interface CalibrationView extends CalibrationPublicState {
	rubric: Rubric;
	items: Item[];
	/** The caller's own sheets in the current round, by item id. */
	mine: Record<string, CalibrationScore>;
	can: { decide: boolean; score: boolean; discuss: boolean };
	/** The session is over (closed or cancelled): its record and its room are read-only for everyone. */
	readOnly: boolean;
}

export interface CalibrationSummary {
	id: string;
	projectId: string;
	title: string;
	phase: CalibrationPhase;
	round: number;
	rubricName: string;
	createdBy: Person;
	createdAt: number;
	closedAt: number | null;
	roundStartedAt: number;
	itemCount: number;
	participants: Person[];
	isParticipant: boolean;
	/** Current round: sheets submitted / sheets expected (participants × active items). */
	progress: { submitted: number; expected: number };
	/** The caller's own sheets still to submit in the current round (participants only). */
	myRemaining: number;
	/** The session is over (closed or cancelled) and read-only. */
	readOnly: boolean;
}

export interface CandidateItem {
	id: string;
	externalId: string | null;
	modality: string;
	language: string;
	excerpt: string;
	evaluations: number;
	/**
	 * The agreement engine's per-item disagreement, averaged over dimensions: 0 = everyone agreed, about 1 = as
	 * much as chance, above 1 = worse; null with fewer than two submitted evaluations.
	 */
	disagreement: number | null;
	hasGold: boolean;
}

/** Krippendorff's alpha for one dimension; null with the reason when it is undefined for the data. */
export interface AlphaFigure {
	key: string;
	value: number | null;
	reason: string | null;
}

export interface ReportRound {
	round: number;
	startedAt: number;
	revealedAt: number | null;
	items: number;
	dimensions: DimensionFigure[];
	/** The same items' agreement in the round each was last scored before this one (rounds ≥ 2). */
	before: DimensionFigure[] | null;
	/** Krippendorff's alpha per dimension over this round's sheets. */
	alpha: AlphaFigure[];
	/** Mean of the dimension figures. */
	overall: number | null;
	/** Time from the round's start to its reveal (or to now / the close). */
	durationMs: number;
}

export interface ReportParticipant {
	id: string;
	name: string;
	/** Mean distance from the consensus, 0..1 (0 = always matched), over items with a consensus. */
	deviation: number | null;
	byDimension: Record<string, number | null>;
	sheets: number;
	timeSpentMs: number;
}

export interface ReportContested {
	itemId: string;
	externalId: string | null;
	excerpt: string;
	/** The dimension with the lowest agreement in the item's last revealed round. */
	lowest: { key: string; value: number | null } | null;
	hasConsensus: boolean;
}

export interface CalibrationReport {
	calibration: CalibrationHeader;
	rubric: Pick<Rubric, 'id' | 'name' | 'locale' | 'translations'> & { dimensions: { key: string; label: string }[] };
	metric: AgreementMetric;
	threshold: number;
	rounds: ReportRound[];
	participants: ReportParticipant[];
	contested: ReportContested[];
	consensusCount: number;
	itemCount: number;
	time: { totalMs: number; scoringMs: number; participantMs: number };
}

/** Key of the server-written session mirror inside the room's `state` map. */
export const CALIBRATION_STATE_KEY = 'calibration';

/**
 * Where a discussion comment points (stored through src/lib/collab/room-doc.ts, whose CommentAnchor this
 * extends): the whole item, one participant's score cell in one round, or a text span of the item.
 */
export type CalibrationAnchor =
	| { kind: 'item'; itemId: string }
	| { kind: 'score'; itemId: string; dimension: string; userId: string; name: string; round: number }
	| { kind: 'span'; itemId: string; field: string; start: number; end: number; quote: string };

/** Reactions on comments (room-doc reaction keys). */
export const REACTIONS = ['agree', 'disagree'] as const;
export type Reaction = (typeof REACTIONS)[number];

/** A live highlight in the room's `annotations` map, keyed `span:<itemId>:<userId>:<id>`. */
export interface LiveHighlight {
	id: string;
	itemId: string;
	userId: string;
	name: string;
	span: Span;
	createdAt: number;
}

export const highlightKey = (itemId: string, userId: string, id: string) => `span:${itemId}:${userId}:${id}`;
export type CreateCalibrationInput = z.infer<typeof createCalibrationSchema>;
