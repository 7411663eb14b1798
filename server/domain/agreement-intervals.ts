// Bootstrap confidence intervals of the agreement coefficients (percentile bootstrap over items, 1,000 replicates,
// seed 1: the engine's bootstrapSteps), kept like the figures they belong to. An interval is computed on the
// current figures in the background, never while a request waits: 2 ms of the thread at a time, one
// computation per node at a time, the newest figures first. Cached per key (project, scope, dimension) with the
// figures' version it was computed on; asked for with a newer version, the held interval is served with
// `refreshing: true` (or none yet, also `refreshing: true`) while the recomputation runs.
import { alphaInput } from '#shared/agreement/alpha';
import { bootstrapSteps } from '#shared/agreement/bootstrap';
import type { Level, RatingTable } from '#shared/agreement/index';
import type { IntervalView } from '#shared/agreement-report';

/**
 * Thread time a computation takes before letting other work run, and the pause after it: requests interleave at
 * this grain, and a computation takes at most about two thirds of an idle thread.
 */
const SLICE_MS = 2;
/** Intervals held per node; the oldest are dropped beyond it. */
const HELD_MAX = 500;

interface Job {
	version: number;
	computedAt: number;
	input: () => { table: RatingTable; level: Level };
}

const yieldThread = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export class AgreementIntervals {
	readonly #held = new Map<string, { version: number; view: IntervalView }>();
	readonly #queued = new Map<string, Job>();
	#running = false;

	constructor(private readonly onError: (err: unknown, key: string) => void) {}

	/**
	 * The interval of one coefficient for figures of `version` (computed at `computedAt`): the held one when it is
	 * of that version, else the held one (or an empty one) marked refreshing, with its computation scheduled.
	 */
	view(key: string, version: number, computedAt: number, input: Job['input']): IntervalView {
		const held = this.#held.get(key);
		if (held && held.version >= version) return held.view;
		const queued = this.#queued.get(key);
		if (!queued || queued.version < version) {
			this.#queued.delete(key);
			this.#queued.set(key, { version, computedAt, input });
			void this.#drain();
		}
		return held
			? { ...held.view, refreshing: true }
			: { low: null, high: null, level: 0.95, samples: 0, computedAt: null, refreshing: true };
	}

	/** Resolves once nothing is queued or running (tests and benchmarks). */
	async settled(): Promise<void> {
		while (this.#running || this.#queued.size) await new Promise((r) => setTimeout(r, 10));
	}

	async #drain(): Promise<void> {
		if (this.#running) return;
		this.#running = true;
		try {
			// Not inside the request that asked: its answer goes out first (preparing a bootstrap over 270,000
			// ratings takes tens of milliseconds before the first slice ends).
			await yieldThread();
			for (;;) {
				// The most recently asked first: what the dashboard shows now.
				const key = [...this.#queued.keys()].at(-1);
				if (key === undefined) return;
				const job = this.#queued.get(key)!;
				this.#queued.delete(key);
				try {
					const view = await this.#compute(job);
					this.#held.delete(key);
					this.#held.set(key, { version: job.version, view });
					if (this.#held.size > HELD_MAX) this.#held.delete(this.#held.keys().next().value!);
				} catch (err) {
					this.onError(err, key);
				}
			}
		} finally {
			this.#running = false;
		}
	}

	async #compute(job: Job): Promise<IntervalView> {
		const { table, level } = job.input();
		const prepared = alphaInput(table, level);
		const none = { low: null, high: null, level: 0.95, samples: 0, computedAt: job.computedAt, refreshing: false };
		if (!prepared.ok || prepared.parts.m.length === 0) return none;
		const steps = bootstrapSteps(prepared.parts);
		let slice = performance.now();
		for (;;) {
			const step = steps.next();
			if (step.done) {
				const ci = step.value;
				return ci
					? {
							low: ci.low,
							high: ci.high,
							level: ci.level,
							samples: ci.samples,
							computedAt: job.computedAt,
							refreshing: false
						}
					: none;
			}
			if (performance.now() - slice >= SLICE_MS) {
				await yieldThread();
				slice = performance.now();
			}
		}
	}
}
