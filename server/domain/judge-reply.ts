// A judge's reply is untrusted input. It is read in steps, each of which may fail the attempt with words a lead can
// act on: the chat-completions envelope (choices[0].message.content), the content as JSON, the reply's shape, then
// EXACTLY the rule a human submission obeys (assertScoresFit, mode 'submitted') and flags that the rubric lists.
// A reply that does not fit is a failed attempt, kept with its raw text (bounded) for the lead to read.
import { z } from 'zod';
import { scoresSchema, type Scores } from '#shared/evaluation';
import type { RubricDefinition } from '#shared/rubric';
import { assertScoresFit } from './scores';
import { AppError } from './errors';

/** The largest response body read from an endpoint; a longer one is cut off and fails the attempt. */
export const MAX_REPLY_BYTES = 256 * 1024;
/** How much of an unusable reply is kept for the lead (run items' `raw`). */
export const MAX_RAW_CHARS = 8_000;
/** How long an error message is kept. */
export const MAX_ERROR_CHARS = 1_000;

const messageSchema = z.object({
	content: z.string().nullable().optional(),
	refusal: z.string().nullable().optional()
});
const envelopeSchema = z.object({ choices: z.array(z.object({ message: messageSchema })).min(1) });

const judgementSchema = z.strictObject({
	scores: scoresSchema,
	flags: z.array(z.string().max(64)).max(50),
	rationale: z.string().max(20_000)
});

export interface Judgement {
	scores: Scores;
	flags: string[];
	rationale: string;
}

export type ReplyReading = { ok: true; judgement: Judgement } | { ok: false; error: string; raw: string };

export const bounded = (s: string, max: number) => (s.length > max ? s.slice(0, max) + '…' : s);

const issuesText = (issues: readonly { path: PropertyKey[]; message: string }[]) =>
	issues
		.slice(0, 5)
		.map((i) => `${i.path.map(String).join('.') || '(reply)'} ${i.message}`)
		.join('; ');

/** Reads one HTTP response body (text) of a chat-completions call into a judgement that fits the rubric. */
export function readReply(body: string, rubric: RubricDefinition, modality: string): ReplyReading {
	const fail = (error: string, raw = body): ReplyReading => ({
		ok: false,
		error: bounded(error, MAX_ERROR_CHARS),
		raw: bounded(raw, MAX_RAW_CHARS)
	});
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		return fail('The endpoint did not answer with JSON');
	}
	const envelope = envelopeSchema.safeParse(json);
	if (!envelope.success) return fail(`Not a chat-completions reply: ${issuesText(envelope.error.issues)}`);
	const message = envelope.data.choices[0].message;
	const content = message.content ?? '';
	if (!content) {
		const refused = message.refusal ? `The model refused: ${bounded(message.refusal, MAX_ERROR_CHARS)}` : null;
		return fail(refused ?? 'The reply is empty');
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(content);
	} catch {
		return fail('The reply is not valid JSON', content);
	}
	const shape = judgementSchema.safeParse(parsed);
	if (!shape.success) return fail(`The reply has the wrong shape: ${issuesText(shape.error.issues)}`, content);
	// null means "not scored" (the schema's nullable dimensions); the stored scores leave such keys out.
	const scores = Object.fromEntries(Object.entries(shape.data.scores).filter(([, v]) => v !== null)) as Scores;
	try {
		assertScoresFit(rubric, modality, scores, 'submitted');
	} catch (err) {
		if (!(err instanceof AppError)) throw err;
		const details = (err.details as { path: string; message: string }[] | undefined) ?? [];
		return fail(`${err.message}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, content);
	}
	const known = new Set(rubric.flags.map((f) => f.key));
	const unknown = shape.data.flags.filter((f) => !known.has(f));
	if (unknown.length) return fail(`Flags the rubric does not list: ${unknown.join(', ')}`, content);
	return { ok: true, judgement: { scores, flags: [...new Set(shape.data.flags)], rationale: shape.data.rationale } };
}
