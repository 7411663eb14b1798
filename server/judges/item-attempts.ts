// Judging one item of a run: the prompt and the reply schema from its rubric, then attempts until one gives a reply
// that fits, each taking a slot and a turn from the judge's pacing and counted in the record before it is sent:
//   retryable failures (429, 5xx, timeout, connection error, a malformed or unfit reply) are tried again after an
//   exponential backoff with jitter (a 429's Retry-After instead, which holds the whole judge back) until
//   config.judges.maxAttempts attempts in all, counted across restarts; then the item is failed with the last error
//   and raw reply. A non-retryable failure (another 4xx) fails the item at once.
// The outcome goes to the run's OutcomeBatch. Stopped between attempts (the node stops, a cancel), the item stays
// pending with its attempts and last error, for whoever works the run next.
import type { AppDeps } from '../deps';
import type { JudgeRow } from '../db/judges';
import type { JudgeRunRow } from '../db/judge-runs';
import type { ItemRow } from '../db/items';
import { countAttempt, noteAttemptFailed } from '../db/judge-run-work';
import { renderPrompt } from '../domain/judge-prompt';
import { renderItem } from '../domain/judge-item';
import { judgeResponseFormat } from '../domain/judge-schema';
import { readReply } from '../domain/judge-reply';
import type { Modality } from '#shared/items';
import type { Rubric } from '#shared/rubric';
import { backoffMs, callChat } from './chat-client';
import { resolveMedia } from './media-parts';
import { sleep, type Pacing } from './pacing';
import type { OutcomeBatch } from './outcome-batch';

/** What every item of a run needs, read once when the run is claimed. */
export interface RunReady {
	judge: JudgeRow;
	apiKey: string | null;
	sessionRubric: Rubric | undefined;
	guideline: { number: number; markdown: string } | null;
	pacing: Pacing;
}

export interface ItemWork {
	deps: Pick<AppDeps, 'db' | 'database' | 'config' | 'videoFrames'>;
	run: JudgeRunRow;
	ready: RunReady;
	/** Stops new attempts and backoff waits. */
	halt: AbortSignal;
	/** Aborts requests in flight. */
	abort: AbortSignal;
	outcomes: OutcomeBatch;
}

/** What an earlier worker of the run left on the item: its attempts and why the last one failed. */
export interface ItemSoFar {
	attempts: number;
	error: string | null;
	raw: string | null;
}

/** What became of an item: judged, failed (`unreachable` says why when no attempt reached the endpoint), or left pending. */
export type ItemEnd = { state: 'judged' | 'pending' } | { state: 'failed'; unreachable?: string };

/**
 * Judges one item by `rubric` (its session's, or rubricForItem's; null: the project has none for its modality); its
 * judgement is stamped `hash` (itemPromptHash).
 */
export async function judgeItem(
	w: ItemWork,
	item: ItemRow,
	rubric: Rubric | null,
	hash: string,
	soFar: ItemSoFar
): Promise<ItemEnd> {
	const { db, config } = w.deps;
	const modality = item.modality as Modality;
	if (!rubric) {
		w.outcomes.add(item.id, {
			state: 'failed',
			error: `No rubric of the project has dimensions for ${modality} items`,
			raw: null
		});
		return { state: 'failed' };
	}
	const { judge } = w.ready;
	const body = {
		model: judge.config.model,
		temperature: judge.config.temperature,
		messages: renderPrompt({
			rubric,
			modality,
			payload: item.payload,
			language: item.language,
			guideline: w.ready.guideline,
			template: judge.config.promptTemplate ?? null,
			media: await resolveMedia(db, config.dataDir, w.deps.videoFrames, renderItem(modality, item.payload).media)
		}),
		response_format: judgeResponseFormat(rubric, modality)
	};
	const { timeoutMs, maxAttempts, retryBaseMs, maxRetryAfterMs } = config.judges;
	let last = { error: soFar.error, raw: soFar.raw, unreachable: false };
	let attempts = soFar.attempts;
	while (attempts < maxAttempts) {
		const release = await w.ready.pacing.acquire(w.halt);
		if (!release) return { state: 'pending' };
		let outcome: Awaited<ReturnType<typeof callChat>>;
		try {
			const counted = await countAttempt(db, w.run.id, item.id);
			if (counted === null) return { state: 'pending' }; // recorded meanwhile (another worker): nothing to send
			attempts = counted;
			outcome = await callChat({
				baseUrl: judge.config.baseUrl!,
				apiKey: w.ready.apiKey,
				body,
				timeoutMs,
				maxRetryAfterMs,
				signal: w.abort
			});
		} finally {
			release();
		}
		if (outcome.kind === 'aborted' || w.deps.database.closed) return { state: 'pending' };
		let retryAfter: number | undefined;
		if (outcome.kind === 'reply') {
			const reading = readReply(outcome.body, rubric, modality);
			if (reading.ok) {
				w.outcomes.add(item.id, {
					state: 'done',
					judgement: reading.judgement,
					rubric: { id: rubric.id, version: rubric.version },
					model: judge.config.model,
					promptHash: hash,
					latencyMs: outcome.latencyMs
				});
				return { state: 'judged' };
			}
			last = { error: reading.error, raw: reading.raw, unreachable: false };
		} else {
			last = { error: outcome.error, raw: outcome.raw ?? null, unreachable: !!outcome.unreachable };
			if (!outcome.retryable) break;
			retryAfter = outcome.retryAfterMs;
			if (retryAfter !== undefined) w.ready.pacing.holdFor(retryAfter);
		}
		if (attempts >= maxAttempts) break;
		await noteAttemptFailed(db, w.run.id, item.id, { error: last.error ?? '', raw: last.raw });
		await sleep(retryAfter ?? backoffMs(attempts, retryBaseMs), w.halt);
		if (w.halt.aborted) return { state: 'pending' };
	}
	w.outcomes.add(item.id, {
		state: 'failed',
		// Attempts used up by earlier workers, the last one cut short by a crash: no answer was ever read.
		error: last.error ?? `No answer after ${attempts} attempts (the server stopped while the last was in flight)`,
		raw: last.raw
	});
	return last.unreachable ? { state: 'failed', unreachable: last.error ?? '' } : { state: 'failed' };
}
