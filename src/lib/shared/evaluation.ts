// Evaluation contracts and the rule that checks scores against a rubric (used by the form and by the server).
import { z } from 'zod';
import type { RubricDefinition, RubricDimension } from './rubric';
import { dimensionsFor } from './rubric';

const scoreValueSchema = z.union([z.number(), z.string().max(5000), z.boolean(), z.null()]);
export type ScoreValue = z.infer<typeof scoreValueSchema>;
export const scoresSchema = z.record(z.string().max(64), scoreValueSchema);
export type Scores = z.infer<typeof scoresSchema>;

export const spanSchema = z.discriminatedUnion('kind', [
	z.strictObject({
		kind: z.literal('text'),
		/** Which text field of the payload, e.g. `response`, `responses.0.text`, `turns.3.content`. */
		field: z.string().min(1).max(100),
		start: z.number().int().nonnegative(),
		end: z.number().int().positive(),
		label: z.string().min(1).max(64),
		quote: z.string().max(2000).optional(),
		note: z.string().max(2000).optional()
	}),
	z.strictObject({
		kind: z.literal('box'),
		field: z.string().min(1).max(100),
		x: z.number().min(0).max(1),
		y: z.number().min(0).max(1),
		w: z.number().min(0).max(1),
		h: z.number().min(0).max(1),
		label: z.string().min(1).max(64),
		note: z.string().max(2000).optional()
	})
]);
export type Span = z.infer<typeof spanSchema>;

/** A fact-check source is a web page: http and https only (a `javascript:` or `data:` link must never reach a reader). */
const webUrlSchema = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2000);
export const isWebUrl = (url: string): boolean => webUrlSchema.safeParse(url.trim()).success;

const sourceSchema = z.strictObject({ url: webUrlSchema, note: z.string().max(2000).default('') });
export type Source = z.infer<typeof sourceSchema>;

/**
 * Stored sources as readers and exports show them: entries that are not valid http(s) sources (rows written before
 * the rule, or by hand) are left out, so another scheme never leaves the server.
 */
export function webSources(stored: unknown): Source[] {
	if (!Array.isArray(stored)) return [];
	return stored.flatMap((s) => {
		const parsed = sourceSchema.safeParse(s);
		return parsed.success ? [parsed.data] : [];
	});
}

export const evaluationInputSchema = z.strictObject({
	rubricId: z.string().min(1),
	scores: scoresSchema.default({}),
	flags: z.array(z.string().max(64)).max(50).default([]),
	tags: z.array(z.string().max(64)).max(200).default([]),
	spans: z.array(spanSchema).max(500).default([]),
	rationale: z.string().max(20_000).default(''),
	sources: z.array(sourceSchema).max(50).default([]),
	timeSpentMs: z.number().int().nonnegative().max(86_400_000).default(0),
	state: z.enum(['draft', 'submitted']).default('draft')
});
export type EvaluationInput = z.infer<typeof evaluationInputSchema>;

export interface Evaluation extends EvaluationInput {
	id: string;
	itemId: string;
	evaluatorId: string;
	evaluatorName?: string;
	rubricVersion: number;
	guidelineVersionId: string | null;
	createdAt: number;
	updatedAt: number;
	submittedAt: number | null;
	/** The judge evaluation shown to the evaluator as a suggestion while she scored (suggestions on), else null. */
	suggestionId?: string | null;
}

export interface ScoreProblem {
	key: string;
	message: string;
}

function checkValue(dim: RubricDimension, value: unknown): string | null {
	switch (dim.scale) {
		case 'likert': {
			if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
			const min = dim.min ?? 1;
			const max = dim.max ?? 5;
			return value < min || value > max ? `must be between ${min} and ${max}` : null;
		}
		case 'binary':
			return typeof value === 'boolean' || value === 0 || value === 1 ? null : 'must be yes or no';
		case 'categorical':
		case 'pairwise': {
			const allowed = (dim.options ?? []).map((o) => o.value);
			return allowed.some((a) => a === value) ? null : `must be one of ${allowed.join(', ')}`;
		}
		case 'text':
			return typeof value === 'string' ? null : 'must be text';
	}
}

/** Gate dimensions answered with a stop value end the evaluation early: later dimensions are not required. */
export function gateStopped(rubric: RubricDefinition, modality: string, scores: Scores): boolean {
	return dimensionsFor(rubric, modality).some(
		(d) => d.gate && scores[d.key] !== undefined && d.gate.stopValues.some((v) => v === scores[d.key])
	);
}

/**
 * Checks scores against the rubric. Drafts may be partial; submitted evaluations need every required
 * dimension (unless a gate stopped the evaluation). Unknown keys are always rejected.
 */
export function validateScores(
	rubric: RubricDefinition,
	modality: string,
	scores: Scores,
	mode: 'draft' | 'submitted'
): ScoreProblem[] {
	const dims = dimensionsFor(rubric, modality);
	const problems: ScoreProblem[] = [];
	const known = new Set(dims.map((d) => d.key));
	for (const key of Object.keys(scores)) {
		if (!known.has(key)) problems.push({ key, message: 'is not a dimension of this rubric' });
	}
	const stopped = gateStopped(rubric, modality, scores);
	for (const dim of dims) {
		const value = scores[dim.key];
		if (value === undefined || value === null || value === '') {
			const needed = mode === 'submitted' && dim.required && (!stopped || dim.gate);
			if (needed) problems.push({ key: dim.key, message: 'is required' });
			continue;
		}
		const problem = checkValue(dim, value);
		if (problem) problems.push({ key: dim.key, message: problem });
	}
	return problems;
}
