// A node's memory of who a credential signs in (server/caller-cache.ts): how long it keeps an answer, what it never
// keeps, and what makes it forget. The HTTP and cluster suites check that every change made through Concord does.
import { describe, expect, it } from 'vitest';
import { CallerCache, type FindCaller } from '../../server/caller-cache';
import type { ControlMessage } from '../../server/cluster/bus';
import type { Caller, FoundCaller } from '../../server/db/users';

const TTL = 1_000;

/** A record of credentials (token → its user's name and expiry) whose lookups are counted and can be held back. */
function world(ttlMs = TTL) {
	let now = 1_000_000;
	const record = new Map<string, { name: string; expiresAt: number | null }>();
	const loads: string[] = [];
	let hold: Promise<void> | null = null;
	const find: FindCaller = async (credentials, remember) => {
		const token = credentials.token!;
		const caller = await remember(`token:${token}`, async (): Promise<FoundCaller | undefined> => {
			loads.push(token);
			const row = record.get(token);
			if (hold) await hold;
			if (!row || (row.expiresAt !== null && row.expiresAt <= now)) return undefined;
			const user = { id: `u-${token}`, email: `${token}@x.test`, name: row.name, isAdmin: false, locale: null };
			return { caller: { user, tokenId: `t-${token}` }, expiresAt: row.expiresAt };
		});
		return caller ?? 'invalid';
	};
	const controls: ((m: ControlMessage) => void)[] = [];
	const reconnects: (() => void)[] = [];
	const published: ControlMessage[] = [];
	const bus = {
		onControl: (fn: (m: ControlMessage) => void) => void controls.push(fn),
		onReconnect: (fn: () => void) => void reconnects.push(fn),
		publishControl: (m: ControlMessage) => void published.push(m)
	};
	const cache = new CallerCache(find, bus, ttlMs, () => now);
	const ask = async (token: string) => {
		const found = await cache.callerFor({ token, secret: undefined });
		return found === 'invalid' || found === null ? found : found.user.name;
	};
	return {
		cache,
		record,
		loads,
		published,
		ask,
		later: (ms: number) => void (now += ms),
		now: () => now,
		fromOtherNode: (m: ControlMessage) => controls.forEach((fn) => fn(m)),
		busBack: () => reconnects.forEach((fn) => fn()),
		holdLoads() {
			let release = () => {};
			hold = new Promise<void>((r) => (release = r));
			return () => {
				hold = null;
				release();
			};
		}
	};
}

describe('a node remembering who a credential signs in', () => {
	it('answers from memory for the configured time, then reads the record again', async () => {
		const w = world();
		w.record.set('ana', { name: 'Ana', expiresAt: null });
		expect(await w.ask('ana')).toBe('Ana');
		w.record.set('ana', { name: 'Ana Lima', expiresAt: null });
		w.later(TTL - 1);
		expect(await w.ask('ana')).toBe('Ana');
		expect(w.loads).toEqual(['ana']);
		w.later(1);
		expect(await w.ask('ana')).toBe('Ana Lima');
		expect(w.loads).toEqual(['ana', 'ana']);
	});

	it('never answers from memory past the credential’s own expiry', async () => {
		const w = world();
		w.record.set('ana', { name: 'Ana', expiresAt: w.now() + 100 });
		expect(await w.ask('ana')).toBe('Ana');
		w.later(99);
		expect(await w.ask('ana')).toBe('Ana');
		w.later(1);
		expect(await w.ask('ana')).toBe('invalid');
	});

	it('looks a refused credential up every time (one created a moment later signs in at once)', async () => {
		const w = world();
		expect(await w.ask('ben')).toBe('invalid');
		w.record.set('ben', { name: 'Ben', expiresAt: null });
		expect(await w.ask('ben')).toBe('Ben');
		expect(w.loads).toEqual(['ben', 'ben']);
	});

	it('forgets everything when told of a change, and tells the other nodes', async () => {
		const w = world();
		w.record.set('ana', { name: 'Ana', expiresAt: null });
		w.record.set('ben', { name: 'Ben', expiresAt: null });
		await w.ask('ana');
		await w.ask('ben');
		w.record.delete('ana');
		w.record.set('ben', { name: 'Ben Okafor', expiresAt: null });
		w.cache.changed();
		expect(w.published).toEqual([{ type: 'credentials' }]);
		expect(await w.ask('ana')).toBe('invalid');
		expect(await w.ask('ben')).toBe('Ben Okafor');
	});

	it('forgets on another node’s order and after a bus outage, and keeps its memory on other orders', async () => {
		const w = world();
		w.record.set('ana', { name: 'Ana', expiresAt: null });
		await w.ask('ana');
		w.record.set('ana', { name: 'Ana 2', expiresAt: null });
		w.fromOtherNode({ type: 'notified', userIds: ['u-ana'] });
		w.fromOtherNode({ type: 'rename', userId: 'u-ana', name: 'Ana 2' });
		expect(await w.ask('ana')).toBe('Ana');
		w.fromOtherNode({ type: 'credentials' });
		expect(await w.ask('ana')).toBe('Ana 2');
		w.record.set('ana', { name: 'Ana 3', expiresAt: null });
		w.busBack();
		expect(await w.ask('ana')).toBe('Ana 3');
		expect(w.published).toEqual([]);
	});

	it('keeps nothing from a lookup that began before a change (it may have read the record before the commit)', async () => {
		const w = world();
		w.record.set('ana', { name: 'Ana', expiresAt: null });
		const release = w.holdLoads();
		const asking = w.ask('ana');
		await Promise.resolve();
		w.record.delete('ana');
		w.cache.changed();
		release();
		expect(await asking).toBe('Ana');
		expect(await w.ask('ana')).toBe('invalid');
	});

	it('remembers nothing when turned off (0 ms)', async () => {
		const w = world(0);
		w.record.set('ana', { name: 'Ana', expiresAt: null });
		await w.ask('ana');
		await w.ask('ana');
		expect(w.loads).toEqual(['ana', 'ana']);
	});

	it('hands out callers that no request can change for another', async () => {
		const w = world();
		w.record.set('ana', { name: 'Ana', expiresAt: null });
		await w.ask('ana');
		const caller = (await w.cache.callerFor({ token: 'ana', secret: undefined })) as Caller;
		expect(() => ((caller.user as { name: string }).name = 'Mallory')).toThrow(TypeError);
		expect(await w.ask('ana')).toBe('Ana');
	});

	it('stays bounded: full of fresh answers, it starts over rather than grow', async () => {
		const w = world();
		for (let i = 0; i <= 10_000; i++) w.record.set(`t${i}`, { name: `n${i}`, expiresAt: null });
		for (let i = 0; i < 10_000; i++) await w.ask(`t${i}`);
		await w.ask('t0');
		expect(w.loads).toHaveLength(10_000);
		await w.ask('t10000');
		await w.ask('t0');
		expect(w.loads).toHaveLength(10_002);
	});

	it('when full, lets the expired answers go first and keeps the fresh ones', async () => {
		const w = world();
		for (let i = 0; i <= 10_000; i++) w.record.set(`t${i}`, { name: `n${i}`, expiresAt: null });
		for (let i = 0; i < 5_000; i++) await w.ask(`t${i}`);
		w.later(TTL / 2);
		for (let i = 5_000; i < 10_000; i++) await w.ask(`t${i}`);
		w.later(TTL / 2);
		await w.ask('t10000');
		const before = w.loads.length;
		await w.ask('t9999');
		expect(w.loads).toHaveLength(before);
	});
});
