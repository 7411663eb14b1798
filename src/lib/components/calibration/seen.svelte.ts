// What this person has seen of the session's discussion in this tab, by comment and reply id (ids, not times:
// the times come from other people's clocks). Everything already in the room when it first syncs counts as seen;
// after that, whatever is on the item on screen is seen. The rest is new (see feed.ts, unreadByItem).
import { SvelteSet } from 'svelte/reactivity';
import type { FeedEntry } from './feed';

export class SeenComments {
	readonly ids = new SvelteSet<string>();
	#started = false;

	/** The room has synced for the first time: what it holds now is the past, not news. */
	start(entries: readonly FeedEntry[]): void {
		if (this.#started) return;
		this.#started = true;
		for (const e of entries) this.ids.add(e.id);
	}

	/** The item is on screen: its comments and replies are seen (once the room has synced). */
	seeItem(entries: readonly FeedEntry[], itemId: string): void {
		if (!this.#started) return;
		for (const e of entries) if (e.itemId === itemId && !this.ids.has(e.id)) this.ids.add(e.id);
	}
}
