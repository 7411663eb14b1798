// The cluster bus on a real Redis: relayed room traffic reaches the other node, never its own; a subscription is
// active when subscribeRoom resolves; control messages cross; unsubscribing stops delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedisBus, type RedisBus } from '../../server/cluster/redis-bus';
import type { ControlMessage, RoomTraffic } from '../../server/cluster/bus';
import { startRedis, type TestRedis } from '../fixtures/redis';

let redis: TestRedis;
let a: RedisBus;
let b: RedisBus;
const errors: unknown[] = [];

beforeAll(async () => {
	redis = await startRedis();
	a = await connectRedisBus(redis.url, (e) => errors.push(e));
	b = await connectRedisBus(redis.url, (e) => errors.push(e));
});

afterAll(async () => {
	await a?.close();
	await b?.close();
	await redis?.stop();
});

function collector() {
	const got: { kind: RoomTraffic; bytes: number[] }[] = [];
	let wake: (() => void) | null = null;
	return {
		got,
		listener: (kind: RoomTraffic, payload: Uint8Array) => {
			got.push({ kind, bytes: [...payload] });
			wake?.();
		},
		async until(n: number) {
			while (got.length < n) await new Promise<void>((r) => (wake = r));
		}
	};
}

describe('Redis cluster bus', () => {
	it('relays room traffic to the other node only, bytes intact, in order', async () => {
		const onA = collector();
		const onB = collector();
		await a.subscribeRoom('session:r1', onA.listener);
		await b.subscribeRoom('session:r1', onB.listener);
		a.publishRoom('session:r1', 'update', new Uint8Array([1, 2, 3]));
		a.publishRoom('session:r1', 'awareness', new Uint8Array([9]));
		b.publishRoom('session:r1', 'update', new Uint8Array([7, 7]));
		await onB.until(2);
		await onA.until(1);
		expect(onB.got).toEqual([
			{ kind: 'update', bytes: [1, 2, 3] },
			{ kind: 'awareness', bytes: [9] }
		]);
		expect(onA.got).toEqual([{ kind: 'update', bytes: [7, 7] }]);
	});

	it('keeps rooms apart and stops delivering after unsubscribe', async () => {
		const onB = collector();
		await b.subscribeRoom('item:x', onB.listener);
		a.publishRoom('item:y', 'update', new Uint8Array([5]));
		a.publishRoom('item:x', 'update', new Uint8Array([6]));
		await onB.until(1);
		expect(onB.got).toEqual([{ kind: 'update', bytes: [6] }]);
		await b.unsubscribeRoom('item:x', onB.listener);
		a.publishRoom('item:x', 'update', new Uint8Array([8]));
		// A round trip through Redis on the same connection order: a control message published after the update
		// arrives after it would have.
		const seen = new Promise<ControlMessage>((r) => b.onControl(r));
		a.publishControl({ type: 'recheck', userId: 'u-after' });
		expect(await seen).toEqual({ type: 'recheck', userId: 'u-after' });
		expect(onB.got).toHaveLength(1);
	});

	it('carries control messages to other nodes but not back to the sender', async () => {
		const atA: ControlMessage[] = [];
		a.onControl((m) => atA.push(m));
		const atB = new Promise<ControlMessage>((r) => b.onControl(r));
		a.publishControl({ type: 'disconnect', filter: { userId: 'u1' } });
		expect(await atB).toEqual({ type: 'disconnect', filter: { userId: 'u1' } });
		// b answers; a receives b's message and never its own.
		const back = new Promise<void>((r) => a.onControl(() => r()));
		b.publishControl({ type: 'rename', userId: 'u1', name: 'Ana' });
		await back;
		expect(atA).toEqual([{ type: 'rename', userId: 'u1', name: 'Ana' }]);
		expect(await a.ping()).toBe(true);
		expect(errors).toEqual([]);
	});
});
