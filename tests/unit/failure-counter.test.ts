// Sign-in failure counters: in memory and in a real Redis, the same rules — blocked after `max` failures within
// the window, free again when the window ends or on reset, keys independent; with Redis, two nodes share counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { memoryCounter, redisCounter, type FailureCounter } from '../../server/cluster/failure-counter';
import { startRedis, type TestRedis } from '../fixtures/redis';

let redis: TestRedis;
let nodeA: Redis;
let nodeB: Redis;

beforeAll(async () => {
	redis = await startRedis();
	nodeA = new Redis(redis.url);
	nodeB = new Redis(redis.url);
});

afterAll(async () => {
	nodeA?.disconnect();
	nodeB?.disconnect();
	await redis?.stop();
});

async function failTimes(c: FailureCounter, key: string, n: number) {
	for (let i = 0; i < n; i++) await c.fail(key);
}

describe('failure counters', () => {
	it('in memory: blocks at max, per key, until the window ends or reset', async () => {
		let t = 1_000;
		const c = memoryCounter({ windowMs: 100, max: 3 }, () => t);
		await failTimes(c, 'a', 2);
		expect(await c.blocked('a')).toBe(false);
		await c.fail('a');
		expect(await c.blocked('a')).toBe(true);
		expect(await c.blocked('b')).toBe(false);
		t += 100;
		expect(await c.blocked('a')).toBe(false);
		await failTimes(c, 'a', 3);
		await c.reset('a');
		expect(await c.blocked('a')).toBe(false);
	});

	it('in Redis: failures on two nodes add up, the window expires, reset clears', async () => {
		const limit = { windowMs: 300, max: 4 };
		const a = redisCounter(nodeA, 'login', limit);
		const b = redisCounter(nodeB, 'login', limit);
		await failTimes(a, 'ip:1', 2);
		await failTimes(b, 'ip:1', 1);
		expect(await b.blocked('ip:1')).toBe(false);
		await a.fail('ip:1');
		expect(await b.blocked('ip:1')).toBe(true);
		expect(await a.blocked('ip:2')).toBe(false);
		// The window is fixed from the first failure: more failures do not extend it.
		const ttl = await nodeA.pttl('concord:fail:login:ip:1');
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(300);
		await new Promise((r) => setTimeout(r, ttl + 20));
		expect(await a.blocked('ip:1')).toBe(false);
		await failTimes(a, 'ip:1', 4);
		await b.reset('ip:1');
		expect(await a.blocked('ip:1')).toBe(false);
	});
});
