// The plain-TS room document helpers (comments, replies, reactions) and presence helpers, including concurrent
// use by two documents.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addComment, addReply, deleteComment, displayName, readDiscussion, toggleReaction } from '#collab/room-doc';
import { colorFor, initials, peersFrom } from '#collab/presence';

const ana = { id: 'u-ana', name: 'Ana Souza' };
const ben = { id: 'u-ben', name: 'Ben Carter' };

function sync(a: Y.Doc, b: Y.Doc) {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('room documents', () => {
	it('stores comments with anchors, replies and reactions, and reads them back as plain data', () => {
		const doc = new Y.Doc();
		const id = addComment(
			doc,
			ana,
			'Is this a hallucination?',
			{ kind: 'span', field: 'response', start: 3, end: 9 },
			1000
		);
		expect(addReply(doc, id, ben, 'Yes, the date is wrong', 2000)).toBe(true);
		toggleReaction(doc, id, 'agree', ben.id);
		expect(readDiscussion(doc)).toEqual([
			{
				id,
				author: ana.id,
				authorName: ana.name,
				text: 'Is this a hallucination?',
				createdAt: 1000,
				anchor: { kind: 'span', field: 'response', start: 3, end: 9 },
				replies: [
					{
						id: expect.any(String),
						author: ben.id,
						authorName: ben.name,
						text: 'Yes, the date is wrong',
						createdAt: 2000
					}
				],
				reactions: { agree: [ben.id] }
			}
		]);
		toggleReaction(doc, id, 'agree', ben.id);
		expect(readDiscussion(doc)[0].reactions).toEqual({});
		expect(addReply(doc, 'missing', ben, 'x')).toBe(false);
		expect(deleteComment(doc, id)).toBe(true);
		expect(readDiscussion(doc)).toEqual([]);
	});

	it('keeps both reactions and both replies when two people act at once', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const id = addComment(a, ana, 'Score 3 or 4?');
		sync(a, b);
		toggleReaction(a, id, 'agree', ana.id);
		toggleReaction(b, id, 'agree', ben.id);
		addReply(a, id, ana, 'I say 3');
		addReply(b, id, ben, 'I say 4');
		sync(a, b);
		expect(readDiscussion(a)).toEqual(readDiscussion(b));
		expect(readDiscussion(a)[0].reactions.agree.sort()).toEqual([ana.id, ben.id]);
		expect(
			readDiscussion(a)[0]
				.replies.map((r) => r.text)
				.sort()
		).toEqual(['I say 3', 'I say 4']);
	});

	it('skips malformed entries instead of failing', () => {
		const doc = new Y.Doc();
		doc.getArray('discussion').push(['not a map', new Y.Map([['id', 1]])]);
		addComment(doc, ana, 'fine');
		expect(readDiscussion(doc).map((c) => c.text)).toEqual(['fine']);
	});
});

describe('presence', () => {
	it('derives initials and stable colours', () => {
		expect(initials('Ana Souza')).toBe('AS');
		expect(initials('chen')).toBe('C');
		expect(initials('  ')).toBe('?');
		expect(colorFor('u-ana')).toBe(colorFor('u-ana'));
		expect(colorFor('u-ana')).toMatch(/^#[0-9a-f]{6}$/);
	});

	it('names an author by the member list when it knows the id, else by the stored name', () => {
		const doc = new Y.Doc();
		const id = addComment(doc, ana, 'before the rename');
		addReply(doc, id, ben, 'a reply');
		const [comment] = readDiscussion(doc);
		const members = new Map([[ana.id, 'Ana Souza-Lima']]);
		expect(displayName(comment, members)).toBe('Ana Souza-Lima');
		expect(displayName(comment.replies[0], members)).toBe('Ben Carter');
		expect(displayName(comment)).toBe('Ana Souza');
	});

	it('lists each person once, this tab first, ignoring malformed states', () => {
		const states = new Map<number, unknown>([
			[1, { user: { id: 'u-ben', name: 'Ben', color: '#123456' } }],
			[2, { user: { id: 'u-ana', name: 'Ana', color: 'red' } }],
			[3, { user: { id: 'u-ana', name: 'Ana' }, focus: { itemId: 'i1' } }],
			[4, { nothing: true }],
			[5, null]
		]);
		const peers = peersFrom(states, 3);
		expect(peers.map((p) => [p.clientId, p.self])).toEqual([
			[3, true],
			[1, false]
		]);
		expect(peers[0].user.color).toBe(colorFor('u-ana'));
		expect(peers[0].focus).toEqual({ itemId: 'i1' });
	});
});
