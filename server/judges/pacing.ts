// Pacing of a judge's requests: at most `concurrency` requests in flight and request starts spaced
// 60 000 / requestsPerMinute ms apart, every run of the judge together; a 429 holds the whole judge back until its
// Retry-After has passed. Every request (a retry too) takes a slot and a turn, and gives the slot back when its
// answer is in.
// Alone, a node paces in memory (memoryPacing, below). With Redis the slots and the next start live there, so the
// limits hold for the judge across every node (server/cluster/redis-pacing.ts); both sit behind ClusterBus.pacing.

export interface PaceLimits {
	concurrency: number;
	requestsPerMinute: number;
}

export interface Pacing {
	/**
	 * Waits for a free slot and the request's turn. Resolves to a release function (call it once the request's answer
	 * is in), or null when `signal` aborted first (no slot is then held, and the request must not be sent).
	 */
	acquire(signal: AbortSignal): Promise<(() => void) | null>;
	/** Starts no request of the judge for `ms` from now (the endpoint asked us to wait). */
	holdFor(ms: number): void;
}

/** Waits `ms`, or less when `signal` aborts. */
export const sleep = (ms: number, signal: AbortSignal) =>
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

/** Resolves when `wake` is called or `signal` aborts, whichever comes first. */
function parked(waiting: (() => void)[], signal: AbortSignal): Promise<void> {
	return new Promise<void>((resolve) => {
		const wake = () => {
			signal.removeEventListener('abort', wake);
			resolve();
		};
		waiting.push(wake);
		signal.addEventListener('abort', wake, { once: true });
	});
}

/** The pacing of one judge on a node alone. */
export function memoryPacing(limits: PaceLimits): Pacing {
	let inFlight = 0;
	let nextStart = 0;
	let waiting: (() => void)[] = [];
	const release = () => {
		inFlight--;
		const wake = waiting;
		waiting = [];
		for (const w of wake) w();
	};
	return {
		async acquire(signal) {
			while (inFlight >= limits.concurrency && !signal.aborted) await parked(waiting, signal);
			if (signal.aborted) return null;
			inFlight++;
			const now = Date.now();
			const start = Math.max(now, nextStart);
			nextStart = start + 60_000 / limits.requestsPerMinute;
			await sleep(start - now, signal);
			// Stopped while waiting for its turn: the request is not sent (sending it now would be early).
			if (signal.aborted) return (release(), null);
			let released = false;
			return () => {
				if (released) return;
				released = true;
				release();
			};
		},
		holdFor(ms) {
			nextStart = Math.max(nextStart, Date.now() + ms);
		}
	};
}
