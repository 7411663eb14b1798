// Fixed-window failure counters keyed by string (sign-in throttling). Only failures are counted, so people who sign
// in correctly are never slowed down. In one process the counts live in memory; with Redis they live there, so a
// throttle counts the failures a client made on every node.
import type { Redis } from 'ioredis';

export interface FailureCounter {
	/** True when `key` has used up its failures for the current window. */
	blocked(key: string): Promise<boolean>;
	/** Counts one failure for `key`. */
	fail(key: string): Promise<void>;
	reset(key: string): Promise<void>;
}

export interface WindowLimit {
	windowMs: number;
	max: number;
}

export function memoryCounter(limit: WindowLimit, now: () => number = Date.now): FailureCounter {
	const hits = new Map<string, { count: number; resetAt: number }>();
	const sweep = (t: number) => {
		for (const [k, v] of hits) if (v.resetAt <= t) hits.delete(k);
	};
	return {
		blocked: (key) => {
			const entry = hits.get(key);
			return Promise.resolve(!!entry && entry.resetAt > now() && entry.count >= limit.max);
		},
		fail: (key) => {
			const t = now();
			const entry = hits.get(key);
			if (!entry || entry.resetAt <= t) {
				if (hits.size > 50_000) sweep(t);
				hits.set(key, { count: 1, resetAt: t + limit.windowMs });
			} else entry.count++;
			return Promise.resolve();
		},
		reset: (key) => {
			hits.delete(key);
			return Promise.resolve();
		}
	};
}

/** Counters in Redis: INCR, and the window starts with the first failure (PEXPIRE … NX, Redis 7). */
export function redisCounter(redis: Redis, name: string, limit: WindowLimit): FailureCounter {
	const k = (key: string) => `concord:fail:${name}:${key}`;
	return {
		async blocked(key) {
			const count = Number((await redis.get(k(key))) ?? 0);
			return count >= limit.max;
		},
		async fail(key) {
			await redis.multi().incr(k(key)).pexpire(k(key), limit.windowMs, 'NX').exec();
		},
		async reset(key) {
			await redis.del(k(key));
		}
	};
}
