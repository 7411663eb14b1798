// Guideline contracts shared by server and browser: request schemas, response shapes, the `?propose=` case
// reference, and the keys the server writes into a guideline room's `state` map.
import { z } from 'zod';
import type { PmNode } from './markdown-doc';
import type { GuidelineDiffResult } from './guideline-diff';
import { nodeText } from './doc-markdown';

export const createGuidelineSchema = z.strictObject({
	title: z.string().trim().min(1, 'A title is required').max(200)
});

export const publishInputSchema = z.strictObject({
	changelog: z.string().trim().min(1, 'Say what changed').max(5000),
	escalationIds: z.array(z.string().min(1).max(64)).max(200).default([]),
	/** Rubric dimension keys the change touches (drives re-review of earlier evaluations). */
	dimensions: z.array(z.string().min(1).max(64)).max(50).default([])
});

export const rereviewInputSchema = z.strictObject({ itemIds: z.array(z.string().min(1).max(64)).max(5000).optional() });

/** `from=0` compares against an empty document (what a newcomer has to read). */
export const diffQuerySchema = z.object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(1) });

export const proposeQuerySchema = z.object({ source: z.string().min(3).max(200) });

/** A case a guideline change is proposed from: `escalation:<id>` or `calibration:<id>:<itemId>`. */
export type ProposalRef = { kind: 'escalation'; id: string } | { kind: 'calibration'; id: string; itemId: string };

export function parseProposalRef(s: string | null | undefined): ProposalRef | null {
	const m = /^(escalation|calibration):([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_-]{1,64}))?$/.exec(s ?? '');
	if (!m) return null;
	if (m[1] === 'escalation') return m[3] ? null : { kind: 'escalation', id: m[2] };
	return m[3] ? { kind: 'calibration', id: m[2], itemId: m[3] } : null;
}

interface PersonRef {
	id: string;
	name: string;
}

export interface GuidelineVersionSummary {
	id: string;
	number: number;
	changelog: string;
	dimensions: string[];
	publishedAt: number;
	publishedBy: PersonRef | null;
	escalationIds: string[];
}

export interface GuidelineVersionView extends GuidelineVersionSummary {
	content: PmNode;
	markdown: string;
}

/** The caller's acknowledgement of a guideline. */
interface GuidelineAckState {
	/** Highest version number the caller has acknowledged, or null. */
	acknowledged: number | null;
	/** A published version exists and the caller has not acknowledged it. */
	pending: boolean;
	/** The caller acknowledges versions (evaluators and leads); managers do not. */
	canAcknowledge: boolean;
}

export interface GuidelineSummary {
	id: string;
	projectId: string;
	title: string;
	createdAt: number;
	current: GuidelineVersionSummary | null;
	versionCount: number;
	/** This guideline's current version must be acknowledged before evaluating (the project's first guideline). */
	gatesEvaluation: boolean;
	ack: GuidelineAckState;
}

export interface AckRow {
	userId: string;
	name: string;
	email: string;
	role: string;
	/** When they acknowledged this version, or null while pending. */
	at: number | null;
}

interface AffectedEvaluation {
	evaluationId: string;
	evaluatorId: string;
	evaluatorName: string;
	/** The guideline version it was made under (null: before any version). */
	versionNumber: number | null;
	/** Which of the version's dimensions it scored. */
	dimensions: string[];
	submittedAt: number | null;
	reviewRequestedAt: number | null;
}

export interface AffectedItem {
	itemId: string;
	modality: string;
	language: string;
	excerpt: string;
	evaluations: AffectedEvaluation[];
}

export interface RereviewResult {
	items: number;
	evaluations: number;
}

export interface ProposalCase {
	ref: string;
	kind: 'escalation' | 'calibration';
	title: string;
	itemId: string;
	itemExcerpt: string;
	modality: string;
	/** The rubric dimension the case is about, when known (the editor scrolls to its section). */
	dimension: { key: string; label: string } | null;
	reason: string | null;
	note: string;
	/** Escalations: the verdict note or state; calibrations: the consensus note. */
	outcome: string;
	/** Escalation id to link on publish. */
	escalationId: string | null;
}

export type GuidelineDiffView = GuidelineDiffResult & { from: number; to: number };

/** Keys the server writes in a guideline room's `state` map (clients only read them). */
export const GUIDELINE_STATE = {
	/** The last published version: { number, publishedAt, publishedBy }. */
	published: 'published',
	/** The version the draft was seeded from; set once so an emptied draft is not refilled. */
	seededFrom: 'seededFrom'
} as const;

/**
 * The text of the first heading that names a dimension (by label, key or any of `names`: its label in every language
 * its rubrics speak, rubric-i18n dimensionTerms), for "propose a change" deep links.
 */
export function sectionFor(
	doc: PmNode,
	dimension: { key: string; label: string },
	names: readonly string[] = []
): string | null {
	const wanted = [dimension.label, dimension.key, dimension.key.replace(/_/g, ' '), ...names]
		.map((s) => s.toLowerCase())
		.filter(Boolean);
	for (const n of doc.content ?? []) {
		if (n.type !== 'heading') continue;
		const text = nodeText(n).toLowerCase();
		if (wanted.some((w) => text.includes(w))) return nodeText(n);
	}
	return null;
}
export type PublishInput = z.infer<typeof publishInputSchema>;
