// The pieces behind polled views: refreshEvery (a timer and window focus as a createSubscriber a Query loader
// reads) and Query.set (an answer from a write replaces the data and drops the request in flight). Real runes,
// real Query; the timer is vitest's fake clock and the window an EventTarget receiving a real focus event.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { Query } from '$lib/state/query.svelte';
import { refreshEvery } from '$lib/state/refresh.svelte';

/** A loader that counts its calls and answers with the call number (settled by the test). */
function countingLoader(tick?: () => void) {
	const calls: { signal: AbortSignal; resolve: (n: number) => void }[] = [];
	const loader = (signal: AbortSignal) => {
		tick?.();
		return new Promise<number>((resolve) => calls.push({ signal, resolve }));
	};
	return { calls, loader };
}

const settle = () => Promise.resolve().then(() => undefined);

function withRoot<T>(fn: () => T): { value: T; dispose: () => void } {
	let value!: T;
	const dispose = $effect.root(() => {
		value = fn();
	});
	flushSync();
	return { value, dispose };
}

describe('refreshEvery', () => {
	beforeEach(() => {
		// Only the interval is faked: Svelte's own bookkeeping runs in real microtasks.
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		// The client project runs without a DOM; the window is only the target of the focus event here.
		vi.stubGlobal('window', new EventTarget());
	});
	afterEach(() => {
		vi.useRealTimers();
		vi.unstubAllGlobals();
	});

	it('makes a Query load again on every tick and when the window regains focus, until it is destroyed', async () => {
		const tick = refreshEvery(1000);
		const { calls, loader } = countingLoader(tick);
		const { dispose } = withRoot(() => new Query(loader));
		expect(calls).toHaveLength(1);

		vi.advanceTimersByTime(1000);
		flushSync();
		expect(calls).toHaveLength(2);
		expect(calls[0].signal.aborted).toBe(true);

		window.dispatchEvent(new Event('focus'));
		flushSync();
		expect(calls).toHaveLength(3);

		// One timer however often the Query re-ran; destroyed, the timer is cleared (Svelte lets go of the last
		// subscriber in a microtask) and focus is ignored.
		await Promise.resolve();
		expect(vi.getTimerCount()).toBe(1);
		dispose();
		await Promise.resolve();
		expect(vi.getTimerCount()).toBe(0);
		vi.advanceTimersByTime(5000);
		window.dispatchEvent(new Event('focus'));
		flushSync();
		expect(calls).toHaveLength(3);
	});
});

describe('Query.set', () => {
	it('shows an answer from a write at once and drops the request in flight', async () => {
		const { calls, loader } = countingLoader();
		const { value: q, dispose } = withRoot(() => new Query(loader));
		expect(q.loading).toBe(true);

		q.set(42);
		expect(q.data).toBe(42);
		expect(q.loading).toBe(false);
		expect(calls[0].signal.aborted).toBe(true);

		// The older answer arrives late and is ignored.
		calls[0].resolve(1);
		await settle();
		await settle();
		expect(q.data).toBe(42);
		dispose();
	});
});
