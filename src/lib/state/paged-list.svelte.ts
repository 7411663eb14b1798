// A list the API serves a page at a time (`?cursor=`, `nextCursor`: src/lib/shared/paging.ts), as runes: the rows
// loaded so far, whether more exist, and `loadMore()`.
//
// The first page is a Query (query.svelte.ts): when what its loader reads changes (a filter, the sort, the
// project), it reloads and the list starts again from that first page; pages loaded after it are dropped, and a
// "load more" still in flight for the old arguments is aborted and its answer ignored. The first page's whole
// answer stays readable (`first`) for what comes beside the rows: counts, facets, totals.
//
// Create it while a component initialises, like a Query.
import { untrack } from 'svelte';
import { ApiError } from './api';
import { Query } from './query.svelte';
import type { Paged } from '$lib/shared/paging';

/** Loads one page: the first (cursor undefined) or the one after `cursor`; null when idle. */
export type PageLoader<P extends Paged> = (cursor: string | undefined, signal: AbortSignal) => Promise<P> | null;

export class PagedList<P extends Paged, Row> {
	readonly #query: Query<P>;
	readonly #load: PageLoader<P>;
	readonly #rowsOf: (page: P) => Row[];
	/** Pages after the first, and the first page they continue (older ones are ignored). */
	#more = $state<{ base: P; rows: Row[]; nextCursor: string | null } | null>(null);
	#controller: AbortController | null = null;
	loadingMore = $state(false);
	moreError = $state<ApiError | null>(null);

	constructor(load: PageLoader<P>, rowsOf: (page: P) => Row[]) {
		this.#load = load;
		this.#rowsOf = rowsOf;
		this.#query = new Query((signal) => load(undefined, signal));
	}

	/** The first page's answer (with the list's other fields), or null before it arrived. */
	get first(): P | null {
		return this.#query.data;
	}

	#continued(): { rows: Row[]; nextCursor: string | null } | null {
		const more = this.#more;
		return more && more.base === this.#query.data ? more : null;
	}

	/** Every row loaded so far, in the server's order. */
	get rows(): Row[] {
		const first = this.#query.data;
		if (!first) return [];
		const more = this.#continued();
		return more ? [...this.#rowsOf(first), ...more.rows] : this.#rowsOf(first);
	}

	get hasMore(): boolean {
		return this.#nextCursor() !== null;
	}

	#nextCursor(): string | null {
		const first = this.#query.data;
		if (!first) return null;
		const more = this.#continued();
		return more ? more.nextCursor : first.nextCursor;
	}

	/** Loading the first page (a filter change shows the previous rows until the new ones are in). */
	get loading(): boolean {
		return this.#query.loading;
	}

	get error(): ApiError | null {
		return this.#query.error;
	}

	/** Appends the next page; does nothing when there is none or one is already loading. */
	async loadMore(): Promise<void> {
		const base = this.#query.data;
		const cursor = this.#nextCursor();
		if (!base || cursor === null || this.loadingMore) return;
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		this.loadingMore = true;
		this.moreError = null;
		try {
			const page = await untrack(() => this.#load(cursor, controller.signal));
			if (!page || controller.signal.aborted || base !== this.#query.data) return;
			const before = this.#continued()?.rows ?? [];
			this.#more = { base, rows: [...before, ...this.#rowsOf(page)], nextCursor: page.nextCursor };
		} catch (err) {
			if (controller.signal.aborted || base !== this.#query.data) return;
			this.moreError = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
		} finally {
			if (this.#controller === controller) {
				this.#controller = null;
				this.loadingMore = false;
			}
		}
	}

	/** Starts again from the first page with the current arguments (after a change the page made). */
	reload(): Promise<void> {
		this.#controller?.abort();
		this.#more = null;
		return this.#query.reload();
	}
}
