// The session's discussion as one feed across its items: every comment and reply on an item of the session,
// newest first, each with its item; and, against what this person has seen, how many are new per item. Only the
// conversation goes in (who, when, what they wrote, on which item): never a score, so the feed shows nothing the
// per-item discussion does not already show, before or after a reveal. No DOM, no Svelte.
import type { CalibrationAnchor } from '$lib/shared/calibration';
import type { Comment } from '$lib/collab/room-doc';

export interface FeedEntry {
	/** The comment's or the reply's id. */
	id: string;
	/** The thread it belongs to (the comment itself, or the comment a reply answers). */
	commentId: string;
	itemId: string;
	author: string;
	authorName: string;
	text: string;
	createdAt: number;
	reply: boolean;
}

/** Comments and replies on the session's items, newest first (ties: replies after their comment, then by id). */
export function sessionFeed(discussion: readonly Comment[], itemIds: readonly string[]): FeedEntry[] {
	const items = new Set(itemIds);
	const out: FeedEntry[] = [];
	for (const c of discussion) {
		const itemId = (c.anchor as CalibrationAnchor | null)?.itemId;
		if (!itemId || !items.has(itemId)) continue;
		const base = { commentId: c.id, itemId };
		out.push({
			...base,
			id: c.id,
			author: c.author,
			authorName: c.authorName,
			text: c.text,
			createdAt: c.createdAt,
			reply: false
		});
		for (const r of c.replies)
			out.push({
				...base,
				id: r.id,
				author: r.author,
				authorName: r.authorName,
				text: r.text,
				createdAt: r.createdAt,
				reply: true
			});
	}
	return out.sort((a, b) => b.createdAt - a.createdAt || Number(b.reply) - Number(a.reply) || (a.id < b.id ? -1 : 1));
}

/** Whether an entry is new to `me`: someone else wrote it and `me` has not seen it. */
export const isUnread = (e: FeedEntry, seen: ReadonlySet<string>, me: string) => e.author !== me && !seen.has(e.id);

/** New comments and replies per item id (items with none are left out). */
export function unreadByItem(
	entries: readonly FeedEntry[],
	seen: ReadonlySet<string>,
	me: string
): Record<string, number> {
	const out: Record<string, number> = {};
	for (const e of entries) if (isUnread(e, seen, me)) out[e.itemId] = (out[e.itemId] ?? 0) + 1;
	return out;
}
