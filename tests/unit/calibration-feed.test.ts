// The session discussion feed (src/lib/components/calibration/feed.ts): every comment and reply on the session's
// items, newest first, each with its item; new ones per item are those of other people not yet seen; nothing but
// the conversation goes in (no score can leak through it before a reveal).
import { describe, expect, it } from 'vitest';
import { isUnread, sessionFeed, unreadByItem } from '../../src/lib/components/calibration/feed';
import type { Comment } from '#collab/room-doc';

const comment = (id: string, itemId: string, author: string, createdAt: number, replies: Comment['replies'] = []) =>
	({
		id,
		author,
		authorName: author.toUpperCase(),
		text: `text ${id}`,
		createdAt,
		anchor: { kind: 'score', itemId, dimension: 'correctness', userId: 'ben', name: 'Ben', round: 1 },
		replies,
		reactions: { agree: ['ana'] }
	}) as unknown as Comment;

const discussion = [
	comment('c1', 'i1', 'ana', 10, [{ id: 'r1', author: 'ben', authorName: 'BEN', text: 'reply', createdAt: 30 }]),
	comment('c2', 'i2', 'ben', 20),
	comment('c3', 'elsewhere', 'ben', 40)
];

describe('session feed', () => {
	it("lists comments and replies of the session's items, newest first, each with its item and thread", () => {
		const feed = sessionFeed(discussion, ['i1', 'i2']);
		expect(feed.map((e) => [e.id, e.itemId, e.commentId, e.reply])).toEqual([
			['r1', 'i1', 'c1', true],
			['c2', 'i2', 'c2', false],
			['c1', 'i1', 'c1', false]
		]);
	});

	it('carries the conversation only: who, when, what, where', () => {
		for (const e of sessionFeed(discussion, ['i1', 'i2']))
			expect(Object.keys(e).sort()).toEqual(
				['author', 'authorName', 'commentId', 'createdAt', 'id', 'itemId', 'reply', 'text'].sort()
			);
	});

	it("counts other people's unseen comments and replies per item", () => {
		const feed = sessionFeed(discussion, ['i1', 'i2']);
		expect(unreadByItem(feed, new Set(), 'ana')).toEqual({ i1: 1, i2: 1 });
		expect(unreadByItem(feed, new Set(['c2']), 'ana')).toEqual({ i1: 1 });
		expect(unreadByItem(feed, new Set(), 'ben')).toEqual({ i1: 1 });
		expect(isUnread(feed[0], new Set(['r1']), 'ana')).toBe(false);
	});
});
