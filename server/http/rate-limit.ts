// A fixed-window in-memory failure counter keyed by string (one process; enough for sign-in throttling).
// Only failures are counted, so people who sign in correctly are never slowed down.
export class RateLimiter {
	#hits = new Map<string, { count: number; resetAt: number }>();

	constructor(private readonly opts: { windowMs: number; max: number }) {}

	/** True when `key` has used up its failures for the current window. */
	blocked(key: string, now = Date.now()): boolean {
		const entry = this.#hits.get(key);
		return !!entry && entry.resetAt > now && entry.count >= this.opts.max;
	}

	/** Counts one failure for `key`. */
	fail(key: string, now = Date.now()): void {
		const entry = this.#hits.get(key);
		if (!entry || entry.resetAt <= now) {
			if (this.#hits.size > 50_000) this.#sweep(now);
			this.#hits.set(key, { count: 1, resetAt: now + this.opts.windowMs });
		} else entry.count++;
	}

	reset(key: string): void {
		this.#hits.delete(key);
	}

	#sweep(now: number) {
		for (const [k, v] of this.#hits) if (v.resetAt <= now) this.#hits.delete(k);
	}
}
