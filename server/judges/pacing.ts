// Per-judge pacing on this node: at most `concurrency` requests in flight and request starts spaced 60 000 / rpm
// ms apart (every run of the judge shares it). A 429 holds the whole judge back until its Retry-After has passed.

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>((resolve) => {
		if (ms <= 0 || signal.aborted) return resolve();
		const t = setTimeout(done, ms);
		function done() {
			clearTimeout(t);
			signal.removeEventListener('abort', done);
			resolve();
		}
		signal.addEventListener('abort', done, { once: true });
	});
export { sleep };

export class JudgePacing {
	#inFlight = 0;
	#waiting: (() => void)[] = [];
	#nextStart = 0;

	constructor(
		readonly concurrency: number,
		readonly requestsPerMinute: number
	) {}

	/** Waits for a free slot and the request's turn; false when `signal` aborted first (no slot is then held). */
	async acquire(signal: AbortSignal): Promise<boolean> {
		while (this.#inFlight >= this.concurrency) {
			if (signal.aborted) return false;
			await new Promise<void>((resolve) => {
				const wake = () => {
					signal.removeEventListener('abort', wake);
					resolve();
				};
				this.#waiting.push(wake);
				signal.addEventListener('abort', wake, { once: true });
			});
		}
		if (signal.aborted) return false;
		this.#inFlight++;
		const now = Date.now();
		const start = Math.max(now, this.#nextStart);
		this.#nextStart = start + 60_000 / this.requestsPerMinute;
		await sleep(start - now, signal);
		return true;
	}

	release(): void {
		this.#inFlight--;
		this.#waiting.shift()?.();
	}

	/** Starts no request before `at` (the endpoint asked us to wait). */
	holdUntil(at: number): void {
		this.#nextStart = Math.max(this.#nextStart, at);
	}
}
