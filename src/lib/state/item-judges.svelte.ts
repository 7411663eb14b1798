// What the item workspace may show of model judges (GET /api/items/:id/judges): the labelled suggestion while the
// caller scores (when a lead turned suggestions on), every judge once she has submitted. The server decides both
// (blind rule); this only loads, and loads again when her submission state changes what she may see.
import { api } from './api';
import { Query } from './query.svelte';
import type { ItemJudges } from '$lib/shared/judge-rooms';

export class ItemJudgesState {
	readonly #query: Query<ItemJudges>;

	/** `submitted`: whether she has submitted the item (read by the loader, so a change loads again). */
	constructor(itemId: () => string, submitted: () => boolean) {
		this.#query = new Query((signal) => {
			const path = `/api/items/${itemId()}/judges`;
			submitted();
			return api.get<ItemJudges>(path, undefined, signal);
		});
	}

	get suggestion() {
		return this.#query.data?.suggestion ?? null;
	}

	get judges() {
		return this.#query.data?.judges ?? [];
	}
}
