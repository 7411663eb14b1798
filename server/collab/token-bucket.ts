// A token bucket: `rate` tokens per second, at most `burst` saved up. Used for per-connection flood limits.
export class TokenBucket {
	#tokens: number;
	#at: number;

	constructor(
		private readonly rate: number,
		private readonly burst: number,
		now = performance.now()
	) {
		this.#tokens = burst;
		this.#at = now;
	}

	/** Takes `n` tokens if available; false (and nothing taken) when the bucket is short. */
	take(n = 1, now = performance.now()): boolean {
		this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
		this.#at = now;
		if (this.#tokens < n) return false;
		this.#tokens -= n;
		return true;
	}
}
