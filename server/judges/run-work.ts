// One run worked by this node, from claim to its end. Pending items are read in item-id order a page at a time,
// with which of them the judge already scored, their rows and their rubrics in a few queries per page (the next
// page is read while this one is worked, so the pipeline never waits on it). At most `concurrency` items are in
// progress on this node, each judged by item-attempts.ts, their outcomes recorded several per transaction
// (outcome-batch.ts).
// The run ends:
//   done       every item done, failed or skipped (failed ones are counted and listed)
//   failed     the judge cannot be run (retired, no endpoint, its key variable not set, its prompt changed since the
//              run was created), or the endpoint could not be reached for any attempt of the first item(s) with
//              nothing judged yet: `error` says why; items not tried stay pending
//   cancelled  a lead asked: requests in flight are aborted, their items stay pending
// When the node stops, requests in flight may finish (DRAIN_MS) and are recorded; then the lease is released and
// the run is picked up again by the next node or start, where its pending items continue.
import type { AppDeps } from '../deps';
import { getJudge } from '../db/judges';
import { notRunnable, type JudgeRunRow } from '../db/judge-runs';
import { finishRun, releaseLease, renewLease } from '../db/judge-run-lease';
import { guidelineForRun, judgedAmong, pendingItems, recordOutcomes, type RecordedState } from '../db/judge-run-work';
import { itemsByIds } from '../db/items';
import { getRubric } from '../db/projects';
import { getCalibration } from '../db/calibrations';
import { rubricsForItems } from '../db/escalations';
import { itemPromptHash, promptHash } from '../domain/judge-prompt';
import type { Modality } from '#shared/items';
import { judgeItem, type ItemWork, type RunReady } from './item-attempts';
import { memoryPacing, type PaceLimits, type Pacing } from './pacing';
import { OutcomeBatch } from './outcome-batch';

/** How long requests in flight may finish when the node stops, before they are aborted. */
const DRAIN_MS = 5_000;
const PAGE = 50;
/** Outcomes per transaction, and how long the first of them waits for others (what a crash may lose). */
const FLUSH = { maxItems: 32, maxWaitMs: 25 };

type Deps = Pick<AppDeps, 'db' | 'database' | 'config' | 'logger' | 'videoFrames'>;

export interface RunWorkHooks {
	pacingFor(judgeId: string, limits: PaceLimits): Pacing;
	/** Items whose judge scores were just committed. */
	onScored(itemIds: string[]): void;
	leaseMs: number;
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
	readonly #outcomes: OutcomeBatch;

	constructor(
		private readonly deps: Deps,
		private run: JudgeRunRow,
		private readonly hooks: RunWorkHooks
	) {
		this.#lease = run.leaseUntil ?? 0;
		this.#outcomes = new OutcomeBatch({
			...FLUSH,
			record: (outcomes) => recordOutcomes(deps.db, run, outcomes),
			onRecorded: (recorded) => this.#recorded(recorded),
			onError: (err, itemIds) => {
				if (!deps.database.closed) deps.logger.error({ err, runId: run.id, itemIds }, 'recording judged items failed');
			}
		});
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
			await this.#outcomes.flush();
		} finally {
			clearInterval(this.#heartbeat);
		}
		if (this.deps.database.closed) return;
		if (this.#end) {
			await finishRun(db, this.run.id, this.#end.state, this.#end.state === 'failed' ? this.#end.error : null);
		} else if (this.#halt.signal.aborted) await releaseLease(db, this.run.id, this.#lease);
		else await finishRun(db, this.run.id, 'done', null);
	}

	#recorded(recorded: Map<string, RecordedState>): void {
		const scored = [...recorded].filter(([, state]) => state === 'done').map(([itemId]) => itemId);
		if (scored.length) this.hooks.onScored(scored);
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
	async #preflight(): Promise<RunReady | null> {
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
			pacing: this.hooks.pacingFor(judge.id, { concurrency: c.concurrency, requestsPerMinute: c.requestsPerMinute })
		};
	}

	/** A page of pending items with what dispatching them needs: which are judged already, their rows and rubrics. */
	async #page(ready: RunReady, after: string) {
		const { db } = this.deps;
		const pending = await pendingItems(db, this.run.id, after, PAGE);
		const ids = pending.map((p) => p.itemId);
		const rows = await itemsByIds(db, ids);
		// Each item's stamp: the run's prompt, plus what this node sends for a video it shows.
		const sight = await this.deps.videoFrames.sight();
		const hashes = new Map(
			rows.map((r) => [r.id, itemPromptHash(this.run.promptHash, sight, r.modality as Modality, r.payload)])
		);
		const [judged, rubrics] = await Promise.all([
			judgedAmong(
				db,
				this.run,
				rows.map((r) => ({ itemId: r.id, hash: hashes.get(r.id)! }))
			),
			ready.sessionRubric ? null : rubricsForItems(db, this.run.projectId, rows)
		]);
		return {
			pending,
			judged,
			hashes,
			rows: new Map(rows.map((r) => [r.id, r])),
			rubricOf: (itemId: string) => ready.sessionRubric ?? rubrics?.get(itemId) ?? null
		};
	}

	async #dispatch(ready: RunReady): Promise<void> {
		const work: ItemWork = {
			deps: this.deps,
			run: this.run,
			ready,
			halt: this.#halt.signal,
			abort: this.#abort.signal,
			outcomes: this.#outcomes
		};
		// Items in progress on this node (a request in flight or a backoff wait): at most the judge's concurrency.
		const seats = memoryPacing({ concurrency: ready.judge.config.concurrency, requestsPerMinute: Infinity });
		let next = this.#page(ready, '');
		while (!this.#halt.signal.aborted) {
			const page = await next;
			if (!page.pending.length) return;
			next = this.#page(ready, page.pending.at(-1)!.itemId);
			next.catch(() => {}); // awaited on the next turn; a failure there ends the dispatch
			for (const soFar of page.pending) {
				const row = page.rows.get(soFar.itemId);
				if (!row) continue; // deleted since the run was created: nothing to judge
				if (page.judged.has(soFar.itemId)) {
					this.#outcomes.add(soFar.itemId, { state: 'skipped' });
					continue;
				}
				const leave = await seats.acquire(this.#halt.signal);
				if (!leave) return;
				const task = judgeItem(work, row, page.rubricOf(row.id), page.hashes.get(row.id)!, soFar)
					.then((ended) => {
						if (ended.state === 'judged') this.#judgedHere++;
						else if (ended.state === 'failed' && ended.unreachable && this.#judgedHere === 0 && this.run.done === 0)
							this.#fail(`The endpoint could not be reached: ${ended.unreachable}`);
					})
					.catch((err: unknown) => {
						if (!this.deps.database.closed)
							this.deps.logger.error({ err, runId: this.run.id, itemId: row.id }, 'judging an item failed');
					})
					.finally(() => {
						leave();
						this.#inFlight.delete(task);
					});
				this.#inFlight.add(task);
			}
		}
	}
}
