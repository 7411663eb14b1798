// Data a component shows, loaded from the API, as runes: `data`, `error`, `loading`.
//
// The loader may read reactive state (props, page params, other runes) before its first `await`; when any of it
// changes, the request in flight is aborted and a new one starts. An answer that arrives after a newer request
// began is dropped, so a view never shows data for arguments it no longer has. A loader that returns null is
// idle (nothing to load, e.g. a closed panel). The previous data stays visible while the next request runs, so a
// filter change does not flash an empty page.
//
// A Query owns an effect: create it while a component initialises (in its script, or in a state class the
// script constructs), never inside `$derived`, where a request would be a side effect of reading a value.
import { untrack } from 'svelte';
import { ApiError } from './api';

export type Loader<T> = (signal: AbortSignal) => Promise<T> | null;

export class Query<T> {
	data = $state<T | null>(null);
	error = $state<ApiError | null>(null);
	loading = $state(false);

	#loader: Loader<T>;
	#current: AbortController | null = null;
	#seq = 0;

	constructor(loader: Loader<T>) {
		this.#loader = loader;
		$effect.pre(() => {
			// #start settles every outcome into error/data itself; its promise never rejects.
			void this.#start(this.#loader);
			return () => this.#current?.abort();
		});
	}

	/** Loads again with the current arguments (after a change the page made); resolves when the answer is in. */
	reload(): Promise<void> {
		return untrack(() => this.#start(this.#loader));
	}

	/**
	 * Shows an answer the page got from a write (e.g. a POST that returns the new list) without asking again. A
	 * request in flight is aborted, so an older answer cannot replace it.
	 */
	set(data: T): void {
		this.#current?.abort();
		this.#seq++;
		this.data = data;
		this.error = null;
		this.loading = false;
	}

	#start(loader: Loader<T>): Promise<void> {
		this.#current?.abort();
		const controller = new AbortController();
		this.#current = controller;
		const seq = ++this.#seq;
		let pending: Promise<T> | null;
		try {
			pending = loader(controller.signal);
		} catch (err) {
			pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
		}
		return untrack(() => {
			if (pending === null) {
				this.data = null;
				this.error = null;
				this.loading = false;
				return Promise.resolve();
			}
			this.loading = true;
			return pending.then(
				(data) => {
					if (seq !== this.#seq) return;
					this.data = data;
					this.error = null;
					this.loading = false;
				},
				(err: unknown) => {
					if (seq !== this.#seq || controller.signal.aborted) return;
					this.error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
					this.loading = false;
				}
			);
		});
	}
}
