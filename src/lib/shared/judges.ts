// Model judges: contracts shared by the server and the browser. A judge is one more rater of a project, clearly
// marked as a model; its scores are judge evaluations, stamped with the model, the prompt's hash and the guideline
// version it was given, and they obey the blind rule like anyone's (server/domain/blind.ts).
import { z } from 'zod';
import type { Scores } from './evaluation';

/**
 * The API key is read from an environment variable the lead names, never stored or shown back. Only variables
 * starting with JUDGE_ may be named: otherwise a lead could have the server send its own secrets (SESSION_SECRET,
 * OIDC_CLIENT_SECRET…) to an endpoint of their choosing.
 */
export const JUDGE_KEY_ENV = /^JUDGE_[A-Z0-9_]{1,60}$/;

export const judgeInputSchema = z.strictObject({
	name: z.string().trim().min(1).max(80),
	baseUrl: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(500),
	model: z.string().trim().min(1).max(200),
	apiKeyEnv: z
		.string()
		.regex(JUDGE_KEY_ENV, 'the name of an environment variable starting with JUDGE_ (e.g. JUDGE_OPENAI_KEY)')
		.optional(),
	temperature: z.number().min(0).max(2).default(0),
	concurrency: z.number().int().min(1).max(64).default(4),
	requestsPerMinute: z.number().int().min(1).max(100_000).default(60),
	promptTemplate: z.string().max(20_000).optional()
});
export type JudgeInput = z.infer<typeof judgeInputSchema>;

export type JudgeKind = 'endpoint' | 'imported';

/** A judge as the API shows it: the key's variable name and whether it is set here, never the key. */
export interface JudgeView {
	id: string;
	projectId: string;
	name: string;
	kind: JudgeKind;
	baseUrl: string | null;
	model: string;
	apiKeyEnv: string | null;
	apiKeySet: boolean;
	temperature: number;
	concurrency: number;
	requestsPerMinute: number;
	promptTemplate: string | null;
	createdAt: number;
	archivedAt: number | null;
	/** How many items the judge has scores for. */
	scoredItems: number;
}

/**
 * What this server sends a judge for a video: still frames (how many per video, their longest side in pixels), or
 * nothing, because frame extraction is turned off (`disabled`) or ffmpeg cannot be run here (`unavailable`).
 */
export type VideoSight =
	{ sent: true; framesPerVideo: number; maxSide: number } | { sent: false; reason: 'disabled' | 'unavailable' };

export const JUDGE_RUN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JudgeRunState = (typeof JUDGE_RUN_STATES)[number];
export const isFinished = (s: JudgeRunState) => s === 'done' || s === 'failed' || s === 'cancelled';

export interface JudgeRunView {
	id: string;
	judgeId: string;
	projectId: string;
	state: JudgeRunState;
	selection: Record<string, unknown>;
	promptHash: string;
	guidelineVersionId: string | null;
	total: number;
	done: number;
	failed: number;
	skipped: number;
	error: string | null;
	createdAt: number;
	startedAt: number | null;
	finishedAt: number | null;
}

/** One judge's scores for an item, as leads see them beside human scores (and evaluators once the rule allows). */
export interface JudgeScore {
	id: string;
	judgeId: string;
	judgeName: string;
	model: string;
	promptHash: string;
	guidelineVersionId: string | null;
	source: 'run' | 'import';
	scores: Scores;
	flags: string[];
	rationale: string;
	createdAt: number;
}

/** Project settings for judges; both behaviours are off until a lead turns them on. */
export const judgeSettingsSchema = z.strictObject({
	/** Escalate an item automatically when this judge differs from the human majority by more than `threshold`. */
	escalation: z
		.strictObject({ judgeId: z.string().min(1).max(64), threshold: z.number().min(0).max(100) })
		.nullable()
		.default(null),
	/** Show this judge's scores to evaluators as a labelled suggestion while they score. */
	suggestions: z
		.strictObject({ judgeId: z.string().min(1).max(64) })
		.nullable()
		.default(null)
});
export type JudgeSettings = z.infer<typeof judgeSettingsSchema>;
