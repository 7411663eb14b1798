// Query: reactive, cancellable loading. Runs the real class under Svelte's runes (this file is compiled by the
// Svelte plugin because of its .svelte.ts name), with loaders whose answers the test resolves by hand.
import { describe, it, expect } from 'vitest';
import { flushSync } from 'svelte';
import { Query } from '$lib/state/query.svelte';
import { ApiError } from '$lib/state/api';

interface Call<T> {
	arg: number;
	signal: AbortSignal;
	resolve: (value: T) => void;
	reject: (err: unknown) => void;
}

/** A loader that records each call and lets the test settle it; `arg()` is read reactively before the await. */
function controlledLoader<T>(arg: () => number | null) {
	const calls: Call<T>[] = [];
	const loader = (signal: AbortSignal): Promise<T> | null => {
		const value = arg();
		if (value === null) return null;
		return new Promise<T>((resolve, reject) => calls.push({ arg: value, signal, resolve, reject }));
	};
	return { calls, loader };
}

/** Lets settled promises run their handlers. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

function withRoot<T>(fn: () => T): { value: T; dispose: () => void } {
	let value!: T;
	const dispose = $effect.root(() => {
		value = fn();
	});
	flushSync();
	return { value, dispose };
}

describe('Query', () => {
	it('runs the loader and exposes data and loading', async () => {
		const arg = $state({ n: 1 });
		const { calls, loader } = controlledLoader<string>(() => arg.n);
		const { value: q, dispose } = withRoot(() => new Query(loader));
		expect(calls).toHaveLength(1);
		expect(q.loading).toBe(true);
		calls[0].resolve('one');
		await settle();
		expect(q.data).toBe('one');
		expect(q.loading).toBe(false);
		expect(q.error).toBeNull();
		dispose();
	});

	it('re-runs when a $state it reads changes, and aborts the earlier request', async () => {
		const arg = $state({ n: 1 });
		const { calls, loader } = controlledLoader<string>(() => arg.n);
		const { value: q, dispose } = withRoot(() => new Query(loader));
		arg.n = 2;
		flushSync();
		expect(calls.map((c) => c.arg)).toEqual([1, 2]);
		expect(calls[0].signal.aborted).toBe(true);
		expect(calls[1].signal.aborted).toBe(false);
		calls[1].resolve('two');
		await settle();
		expect(q.data).toBe('two');
		dispose();
		expect(calls[1].signal.aborted).toBe(true);
	});

	it('drops a slow stale answer that arrives after the newer one', async () => {
		const arg = $state({ n: 1 });
		const { calls, loader } = controlledLoader<string>(() => arg.n);
		const { value: q, dispose } = withRoot(() => new Query(loader));
		arg.n = 2;
		flushSync();
		calls[1].resolve('new');
		await settle();
		calls[0].resolve('stale');
		await settle();
		expect(q.data).toBe('new');
		expect(q.loading).toBe(false);
		dispose();
	});

	it('is idle when the loader returns null', async () => {
		const arg = $state<{ n: number | null }>({ n: 1 });
		const { calls, loader } = controlledLoader<string>(() => arg.n);
		const { value: q, dispose } = withRoot(() => new Query(loader));
		calls[0].resolve('one');
		await settle();
		arg.n = null;
		flushSync();
		expect(calls).toHaveLength(1);
		expect(q.data).toBeNull();
		expect(q.loading).toBe(false);
		expect(q.error).toBeNull();
		dispose();
	});

	it('sets error on failure and keeps the previous data; reload clears it', async () => {
		const arg = $state({ n: 1 });
		const { calls, loader } = controlledLoader<string>(() => arg.n);
		const { value: q, dispose } = withRoot(() => new Query(loader));
		calls[0].resolve('one');
		await settle();
		arg.n = 2;
		flushSync();
		expect(q.data).toBe('one'); // kept while reloading
		calls[1].reject(new ApiError(500, 'internal', 'boom'));
		await settle();
		expect(q.error?.status).toBe(500);
		expect(q.data).toBe('one');
		expect(q.loading).toBe(false);
		const reloaded = q.reload();
		expect(calls).toHaveLength(3);
		expect(calls[2].arg).toBe(2);
		calls[2].resolve('two');
		await reloaded;
		expect(q.error).toBeNull();
		expect(q.data).toBe('two');
		dispose();
	});
});
