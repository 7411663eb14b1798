// The evaluator's working copy of one evaluation and the request bodies built from it. Pure: the workspace
// state wraps it in runes, the tests call it directly. A submission drops empty values and the dimensions a
// gate skipped; sources without a URL are dropped, and sources with a malformed URL are reported before sending.
import { isWebUrl, type Evaluation, type EvaluationInput, type Scores, type Span } from '$lib/shared/evaluation';
import type { RubricDefinition } from '$lib/shared/rubric';
import { scoresForSubmit } from '../rubric/rubric-form';

interface Source {
	url: string;
	note: string;
}

export interface EvaluationDraft {
	scores: Scores;
	flags: string[];
	tags: string[];
	spans: Span[];
	rationale: string;
	sources: Source[];
}

export const emptyDraft = (): EvaluationDraft => ({
	scores: {},
	flags: [],
	tags: [],
	spans: [],
	rationale: '',
	sources: []
});

export function draftFromEvaluation(
	e: Pick<Evaluation, 'scores' | 'flags' | 'tags' | 'spans' | 'rationale' | 'sources'>
): EvaluationDraft {
	return {
		scores: { ...e.scores },
		flags: [...e.flags],
		tags: [...e.tags],
		spans: e.spans.map((s) => ({ ...s })),
		rationale: e.rationale,
		sources: e.sources.map((s) => ({ url: s.url, note: s.note ?? '' }))
	};
}

/** A stable string of the draft, to tell whether anything changed since the last save. */
export function draftKey(d: EvaluationDraft): string {
	const scores = Object.keys(d.scores)
		.sort()
		.map((k) => [k, d.scores[k]]);
	return JSON.stringify([scores, [...d.flags].sort(), [...d.tags].sort(), d.spans, d.rationale, d.sources]);
}

/** The server's rule for source URLs (http and https only), so the form flags what the API would refuse. */
export const isValidUrl = isWebUrl;

/** Indices of sources whose URL is filled in but not a web address. */
export function badSources(d: EvaluationDraft): number[] {
	return d.sources.flatMap((s, i) => (s.url.trim() && !isValidUrl(s.url) ? [i] : []));
}

export function evaluationBody(
	rubric: RubricDefinition & { id: string },
	modality: string,
	d: EvaluationDraft,
	state: 'draft' | 'submitted',
	timeSpentMs: number
): EvaluationInput {
	const sources = d.sources
		.filter((s) => s.url.trim() && isValidUrl(s.url))
		.map((s) => ({ url: s.url.trim(), note: s.note.trim() }));
	const known = new Set(rubric.flags.map((f) => f.key));
	return {
		rubricId: rubric.id,
		scores: state === 'submitted' ? scoresForSubmit(rubric, modality, d.scores) : dropEmpty(d.scores),
		flags: d.flags.filter((f) => known.has(f)),
		tags: d.tags,
		spans: d.spans,
		rationale: d.rationale,
		sources,
		timeSpentMs: Math.min(86_400_000, Math.max(0, Math.round(timeSpentMs))),
		state
	};
}

function dropEmpty(scores: Scores): Scores {
	return Object.fromEntries(Object.entries(scores).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** Whether the item is marked sensitive: metadata.sensitive / nsfw, or 'nsfw' among its metadata flags or tags. */
export function isSensitive(metadata: Record<string, unknown>): boolean {
	if (metadata.sensitive === true || metadata.nsfw === true || metadata.sensitive === 'true') return true;
	const lists = [metadata.flags, metadata.tags, metadata.contentWarnings].filter(Array.isArray) as unknown[][];
	return lists.some((l) => l.some((v) => typeof v === 'string' && /^(nsfw|sensitive)$/i.test(v)));
}
