// The JudgeRunner works judge runs in the background on this node. It is started with the server and stopped
// before the database closes. Every `pollMs` (and at once when woken by a route) it looks for runs that need a
// worker, queued ones and ones whose lease lapsed (their node died), and claims each with a conditional UPDATE of
// the lease, so two nodes never work the same run; the worker renews the lease while it works and gives it back
// when the node stops, so a restart resumes the run at once from its pending items.
// After each batch of judge evaluations commits, `judge.scored` is emitted with its items (features react to it, e.g.
// automatic escalation on a judge's disagreement); the worker does not wait for the listeners, and their errors are logged.
import type { AppDeps } from '../deps';
import { claimRun, claimableRuns } from '../db/judge-run-lease';
import { getRun } from '../db/judge-runs';
import type { PaceLimits, Pacing } from './pacing';
import { RunWork } from './run-work';

export interface JudgeRunnerOptions {
	/** How often the record is polled for runs needing a worker. */
	pollMs?: number;
	/** How long a claim holds without renewal (a dead node's runs are picked up after it). */
	leaseMs?: number;
}

type Deps = Pick<AppDeps, 'db' | 'database' | 'config' | 'logger' | 'events' | 'bus' | 'videoFrames'>;

export class JudgeRunner {
	readonly #work = new Map<string, { work: RunWork; done: Promise<void> }>();
	readonly #pacing = new Map<string, Pacing>();
	#timer: NodeJS.Timeout | null = null;
	#polling: Promise<void> | null = null;
	#again = false;
	#stopped = false;
	readonly #pollMs: number;
	readonly #leaseMs: number;

	constructor(
		private readonly deps: Deps,
		private readonly options: JudgeRunnerOptions = {}
	) {
		this.#pollMs = options.pollMs ?? 2_000;
		this.#leaseMs = options.leaseMs ?? 30_000;
	}

	start(): void {
		this.#timer = setInterval(() => this.wake(), this.#pollMs);
		this.#timer.unref();
		this.wake();
	}

	/** Looks for work now (a run was created), and tells a run worked here that a cancel was asked for. */
	wake(runId?: string): void {
		if (runId) void this.#checkCancel(runId);
		if (this.#polling) {
			this.#again = true;
			return;
		}
		this.#polling = this.#poll()
			.catch((err: unknown) => {
				if (!this.deps.database.closed) this.deps.logger.error({ err }, 'looking for judge runs failed');
			})
			.finally(() => {
				this.#polling = null;
				if (this.#again && !this.#stopped) {
					this.#again = false;
					this.wake();
				}
			});
	}

	/** Stops taking runs; the runs worked here finish their requests in flight and are given back. */
	async stop(): Promise<void> {
		this.#stopped = true;
		if (this.#timer) clearInterval(this.#timer);
		await this.#polling;
		for (const { work } of this.#work.values()) work.stop();
		await Promise.allSettled([...this.#work.values()].map((w) => w.done));
	}

	/** Runs being worked on this node (tests and the benchmark read it). */
	get activeRuns(): string[] {
		return [...this.#work.keys()];
	}

	async #checkCancel(runId: string): Promise<void> {
		const local = this.#work.get(runId);
		if (!local) return;
		const run = await getRun(this.deps.db, runId);
		if (run?.cancelRequestedAt) local.work.cancel();
	}

	async #poll(): Promise<void> {
		if (this.#stopped || this.deps.database.closed) return;
		const now = Date.now();
		for (const candidate of await claimableRuns(this.deps.db, now)) {
			if (this.#stopped || this.#work.has(candidate.id)) continue;
			const run = await claimRun(this.deps.db, candidate.id, now, Date.now() + this.#leaseMs);
			if (!run) continue;
			const work = new RunWork(this.deps, run, {
				leaseMs: this.#leaseMs,
				pacingFor: (judgeId, limits) => this.#pacingFor(judgeId, limits),
				onScored: (itemIds) => this.#scored(run, itemIds)
			});
			const done = work
				.work()
				.catch((err: unknown) => {
					if (!this.deps.database.closed) this.deps.logger.error({ err, runId: run.id }, 'judge run failed');
				})
				.finally(() => this.#work.delete(run.id));
			this.#work.set(run.id, { work, done });
		}
	}

	/** One pacing per judge (and limits) for every run of the judge on this node; with Redis, across the nodes. */
	#pacingFor(judgeId: string, limits: PaceLimits): Pacing {
		const key = `${judgeId}:${limits.concurrency}:${limits.requestsPerMinute}`;
		let pacing = this.#pacing.get(key);
		if (!pacing) this.#pacing.set(key, (pacing = this.deps.bus.pacing(`judge:${judgeId}`, limits)));
		return pacing;
	}

	#scored(run: { projectId: string; judgeId: string }, itemIds: string[]): void {
		const { projectId, judgeId } = run;
		this.deps.events
			.emit('judge.scored', { projectId, judgeId, itemIds, source: 'run' })
			.catch((err: unknown) => this.deps.logger.error({ err, itemIds }, 'a judge-score listener failed'));
	}
}
