// One run worked by this node, from claim to its end. Items are taken in item-id order in batches; each is judged
// (rendered, sent, its reply read and checked) with retries inside the item:
//   retryable failures (429, 5xx, timeout, connection error, a malformed or unfit reply) are tried again after an
//   exponential backoff with jitter (a 429's Retry-After instead) until config.judges.maxAttempts, then the item is
//   failed with the last error and raw reply; a non-retryable one (another 4xx) fails the item at once.
// The run ends:
//   done       every item done, failed or skipped (failed ones are counted and listed)
//   failed     the judge cannot be run (retired, no endpoint, its key variable not set, its prompt changed since the
//              run was created), or the endpoint could not be reached for any attempt of the first item(s) with
//              nothing judged yet: `error` says why; items not tried stay pending
//   cancelled  a lead asked: requests in flight are aborted, their items stay pending
// When the node stops, requests in flight may finish (DRAIN_MS) and are recorded; then the lease is released and
// the run is picked up again by the next node or start, where its pending items continue.
import type { AppDeps } from '../deps';
import { getJudge, type JudgeRow } from '../db/judges';
import { notRunnable, type JudgeRunRow } from '../db/judge-runs';
import {
	finishRun,
	guidelineForRun,
	judgedAlready,
	pendingItems,
	recordItem,
	releaseLease,
	renewLease
} from '../db/judge-run-work';
import { getItemRow } from '../db/items';
import { getRubric } from '../db/projects';
import { rubricForItem } from '../db/escalations';
import { getCalibration } from '../db/calibrations';
import { itemPromptHash, promptHash, renderPrompt, type PromptInput } from '../domain/judge-prompt';
import { renderItem } from '../domain/judge-item';
import { judgeResponseFormat } from '../domain/judge-schema';
import { readReply } from '../domain/judge-reply';
import type { Modality } from '#shared/items';
import type { Rubric } from '#shared/rubric';
import { backoffMs, callChat } from './chat-client';
import { resolveMedia } from './media-parts';
import { sleep, type JudgePacing } from './pacing';

/** How long requests in flight may finish when the node stops, before they are aborted. */
const DRAIN_MS = 5_000;
const BATCH = 50;

type Deps = Pick<AppDeps, 'db' | 'database' | 'config' | 'logger' | 'videoFrames'>;

export interface RunWorkHooks {
	pacingFor(judgeId: string, concurrency: number, rpm: number): JudgePacing;
	onScored(itemIds: string[]): void;
	leaseMs: number;
}

/** What every item of a run needs, read once when the run is claimed. */
interface Ready {
	judge: JudgeRow;
	apiKey: string | null;
	sessionRubric: Rubric | undefined;
	guideline: { number: number; markdown: string } | null;
	pacing: JudgePacing;
}

export class RunWork {
	/** Stops new attempts and backoff waits (node stopping, cancel, run failed). */
	readonly #halt = new AbortController();
	/** Aborts requests in flight (cancel, or the drain time is over). */
	readonly #abort = new AbortController();
	#inFlight = new Set<Promise<void>>();
	#lease: number;
	#end: { state: 'cancelled' } | { state: 'failed'; error: string } | null = null;
	#judgedHere = 0;
	#heartbeat: NodeJS.Timeout | null = null;

	constructor(
		private readonly deps: Deps,
		private run: JudgeRunRow,
		private readonly hooks: RunWorkHooks
	) {
		this.#lease = run.leaseUntil ?? 0;
	}

	get id() {
		return this.run.id;
	}

	/** The node stops: no new attempts; requests in flight finish (up to DRAIN_MS), then the lease is released. */
	stop(): void {
		this.#halt.abort();
		setTimeout(() => this.#abort.abort(), DRAIN_MS).unref();
	}

	/** A lead cancelled the run: everything in flight is aborted now. */
	cancel(): void {
		this.#end ??= { state: 'cancelled' };
		this.#halt.abort();
		this.#abort.abort();
	}

	#fail(error: string): void {
		this.#end ??= { state: 'failed', error };
		this.#halt.abort();
		this.#abort.abort();
	}

	async work(): Promise<void> {
		const { db } = this.deps;
		this.#heartbeat = setInterval(() => void this.#renew(), Math.max(50, this.hooks.leaseMs / 3));
		this.#heartbeat.unref();
		try {
			const ready = await this.#preflight();
			if (ready) await this.#dispatch(ready);
			await Promise.allSettled([...this.#inFlight]);
		} finally {
			clearInterval(this.#heartbeat);
		}
		if (this.deps.database.closed) return;
		if (this.#end) {
			await finishRun(db, this.run.id, this.#end.state, this.#end.state === 'failed' ? this.#end.error : null);
		} else if (this.#halt.signal.aborted) await releaseLease(db, this.run.id, this.#lease);
		else await finishRun(db, this.run.id, 'done', null);
	}

	async #renew(): Promise<void> {
		if (this.deps.database.closed || this.#halt.signal.aborted) return;
		const next = Date.now() + this.hooks.leaseMs;
		try {
			const outcome = await renewLease(this.deps.db, this.run.id, this.#lease, next);
			if (outcome === 'lost') {
				this.deps.logger.warn({ runId: this.run.id }, 'judge run lease lost; this node stops working it');
				this.#halt.abort();
				this.#abort.abort();
				return;
			}
			this.#lease = next;
			if (outcome) this.cancel();
		} catch (err) {
			if (!this.deps.database.closed)
				this.deps.logger.error({ err, runId: this.run.id }, 'judge run lease renewal failed');
		}
	}

	/** What every item of the run needs, or null when the run cannot go on (the run is then failed, in words). */
	async #preflight(): Promise<Ready | null> {
		const { db, config } = this.deps;
		const judge = await getJudge(db, this.run.judgeId);
		if (!judge) return (this.#fail('The judge no longer exists'), null);
		const why = notRunnable(judge);
		if (why) return (this.#fail(why), null);
		const c = judge.config;
		if (promptHash(c.promptTemplate, c.model, c.temperature) !== this.run.promptHash)
			return (
				this.#fail('The judge’s prompt, model or temperature changed after this run was created; start a new run'),
				null
			);
		const apiKey = c.apiKeyEnv ? (config.judges.keys[c.apiKeyEnv] ?? null) : null;
		if (c.apiKeyEnv && !apiKey)
			return (
				this.#fail(`The key variable ${c.apiKeyEnv} is not set on this server; set it, restart and run again`),
				null
			);
		const calibrationId = this.run.selection.calibrationId;
		const session = typeof calibrationId === 'string' ? await getCalibration(db, calibrationId) : undefined;
		return {
			judge,
			apiKey,
			sessionRubric: session ? await getRubric(db, session.rubricId) : undefined,
			guideline: await guidelineForRun(db, this.run.guidelineVersionId),
			pacing: this.hooks.pacingFor(judge.id, c.concurrency, c.requestsPerMinute)
		};
	}

	async #dispatch(ready: Ready): Promise<void> {
		let after = '';
		while (!this.#halt.signal.aborted) {
			const batch = await pendingItems(this.deps.db, this.run.id, after, BATCH);
			if (!batch.length) return;
			for (const { itemId, attempts } of batch) {
				if (!(await ready.pacing.acquire(this.#halt.signal))) return;
				const task = this.#judgeItem(ready, itemId, attempts)
					.catch((err: unknown) => {
						if (!this.deps.database.closed)
							this.deps.logger.error({ err, runId: this.run.id, itemId }, 'judging an item failed');
					})
					.finally(() => {
						ready.pacing.release();
						this.#inFlight.delete(task);
					});
				this.#inFlight.add(task);
				after = itemId;
			}
		}
	}

	async #judgeItem(ready: Ready, itemId: string, tried: number) {
		const { db, config } = this.deps;
		const run = this.run;
		const item = await getItemRow(db, itemId);
		if (!item) return;
		const modality = item.modality as Modality;
		// The stamp of this item's judgement: the run's prompt, plus what this node sends for a video it shows.
		const hash = itemPromptHash(run.promptHash, await this.deps.videoFrames.sight(), modality, item.payload);
		if (await judgedAlready(db, run, itemId, hash))
			return void (await recordItem(db, run, itemId, tried, { state: 'skipped' }));
		const rubric: Rubric | null | undefined = ready.sessionRubric ?? (await rubricForItem(db, item));
		if (!rubric)
			return void (await recordItem(db, run, itemId, tried, {
				state: 'failed',
				error: `No rubric of the project has dimensions for ${modality} items`,
				raw: null
			}));
		const input: PromptInput = {
			rubric,
			modality,
			payload: item.payload,
			language: item.language,
			guideline: ready.guideline,
			template: ready.judge.config.promptTemplate ?? null,
			media: await resolveMedia(db, config.dataDir, this.deps.videoFrames, renderItem(modality, item.payload).media)
		};
		const body = {
			model: ready.judge.config.model,
			temperature: ready.judge.config.temperature,
			messages: renderPrompt(input),
			response_format: judgeResponseFormat(rubric, modality)
		};
		const { timeoutMs, maxAttempts, retryBaseMs, maxRetryAfterMs } = config.judges;
		let last = { error: '', raw: null as string | null, unreachable: false };
		let attempts = 0;
		while (attempts < maxAttempts) {
			attempts++;
			const outcome = await callChat({
				baseUrl: ready.judge.config.baseUrl!,
				apiKey: ready.apiKey,
				body,
				timeoutMs,
				maxRetryAfterMs,
				signal: this.#abort.signal
			});
			if (outcome.kind === 'aborted' || this.deps.database.closed) return;
			let retryAfter: number | undefined;
			if (outcome.kind === 'reply') {
				const reading = readReply(outcome.body, rubric, modality);
				if (reading.ok) {
					const state = await recordItem(db, run, itemId, tried + attempts, {
						state: 'done',
						judgement: reading.judgement,
						rubric: { id: rubric.id, version: rubric.version },
						model: ready.judge.config.model,
						promptHash: hash,
						latencyMs: outcome.latencyMs
					});
					if (state === 'done') {
						this.#judgedHere++;
						this.hooks.onScored([itemId]);
					}
					return;
				}
				last = { error: reading.error, raw: reading.raw, unreachable: false };
			} else {
				last = { error: outcome.error, raw: outcome.raw ?? null, unreachable: !!outcome.unreachable };
				if (!outcome.retryable) break;
				retryAfter = outcome.retryAfterMs;
				if (retryAfter !== undefined) ready.pacing.holdUntil(Date.now() + retryAfter);
			}
			if (attempts === maxAttempts) break;
			await sleep(retryAfter ?? backoffMs(attempts, retryBaseMs), this.#halt.signal);
			// Stopped between attempts (node stopping, cancel): the item stays pending for whoever works the run next.
			if (this.#halt.signal.aborted) return;
		}
		await recordItem(db, run, itemId, tried + attempts, { state: 'failed', error: last.error, raw: last.raw });
		if (last.unreachable && this.#judgedHere === 0 && run.done === 0)
			this.#fail(`The endpoint could not be reached: ${last.error}`);
	}
}
