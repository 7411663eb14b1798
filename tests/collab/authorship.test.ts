// Authorship in `discussion` and `annotations`: the write guard refuses updates that post, change or delete
// comments, replies, reactions, highlights or score proposals in someone else's name. Verdicts are compared with the ground truth: what a scratch copy of the
// server document shows (readDiscussion) before and after really applying the update.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addComment,
	addReply,
	annotationsOf,
	deleteComment,
	discussionOf,
	readDiscussion,
	toggleReaction,
	type Comment
} from '#collab/room-doc';
import { PROPOSALS_KEY } from '#shared/escalation';
import { DEFAULT_COLLAB_OPTIONS } from '../../server/collab/options';
import { inspectUpdate } from '../../server/collab/write-guard';

const USERS = ['ana', 'ben', 'chen'] as const;
const who = (id: string) => ({ id, name: id.toUpperCase() });
/** The writer as the server knows them (the name the server has for the connection's user). */
const writer = (id: string, moderator = false) => ({ userId: id, name: who(id).name, moderator });

/** The update one local change produces. */
function change(doc: Y.Doc, fn: () => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const record = (u: Uint8Array) => updates.push(u);
	doc.on('update', record);
	fn();
	doc.off('update', record);
	return Y.mergeUpdates(updates);
}

function copyOf(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

/** Why applying `update` to `server` would make `user` speak for someone else (null: it would not). */
function truth(server: Y.Doc, update: Uint8Array, user: string): string | null {
	const scratch = copyOf(server);
	const before = new Map(readDiscussion(scratch).map((c) => [c.id, c]));
	Y.applyUpdate(scratch, update);
	const after = new Map(readDiscussion(scratch).map((c) => [c.id, c]));
	const reactionKeys = (c: Comment) =>
		new Set(Object.entries(c.reactions).flatMap(([e, ids]) => ids.map((id) => `${e}|${id}`)));
	for (const [id, c] of after) {
		const old = before.get(id);
		if (!old) {
			if (
				c.author !== user ||
				c.authorName !== who(user).name ||
				c.replies.some((r) => r.authorName !== who(user).name) ||
				c.replies.some((r) => r.author !== user) ||
				[...reactionKeys(c)].some((k) => !k.endsWith(`|${user}`))
			)
				return 'new comment in another name';
			continue;
		}
		const fields = (x: Comment) => JSON.stringify([x.author, x.authorName, x.text, x.createdAt, x.anchor]);
		if (fields(old) !== fields(c) && old.author !== user) return "changed another's comment";
		const oldReplies = new Map(old.replies.map((r) => [r.id, r]));
		const newReplies = new Map(c.replies.map((r) => [r.id, r]));
		for (const [rid, r] of newReplies)
			if (!oldReplies.has(rid) && (r.author !== user || r.authorName !== who(user).name))
				return 'reply in another name';
		for (const [rid, r] of oldReplies) if (!newReplies.has(rid) && r.author !== user) return "removed another's reply";
		const was = reactionKeys(old);
		const is = reactionKeys(c);
		for (const k of is) if (!was.has(k) && !k.endsWith(`|${user}`)) return 'reaction for another';
		for (const k of was) if (!is.has(k) && !k.endsWith(`|${user}`)) return "removed another's reaction";
	}
	for (const [id, c] of before) if (!after.has(id) && c.author !== user) return "deleted another's comment";
	return null;
}

describe('discussion authorship', () => {
	function room() {
		const server = new Y.Doc();
		const anaComment = addComment(server, who('ana'), 'first');
		toggleReaction(server, anaComment, '👍', 'ana');
		addReply(server, anaComment, who('ana'), 'self reply');
		return { server, anaComment };
	}
	const verdictOf = (server: Y.Doc, user: string, fn: (doc: Y.Doc) => void, moderator = false) => {
		const client = copyOf(server);
		const update = change(client, () => fn(client));
		return inspectUpdate(server, update, DEFAULT_COLLAB_OPTIONS, writer(user, moderator)).kind;
	};

	it('accepts what a user does in their own name', () => {
		const { server, anaComment } = room();
		expect(verdictOf(server, 'ben', (d) => addComment(d, who('ben'), 'mine'))).toBe('ok');
		expect(verdictOf(server, 'ben', (d) => addReply(d, anaComment, who('ben'), 'a reply'))).toBe('ok');
		expect(verdictOf(server, 'ben', (d) => toggleReaction(d, anaComment, '👀', 'ben'))).toBe('ok');
		expect(verdictOf(server, 'ana', (d) => discussionOf(d).get(0).set('text', 'edited'))).toBe('ok');
		expect(verdictOf(server, 'ana', (d) => toggleReaction(d, anaComment, '👍', 'ana'))).toBe('ok');
	});

	it('refuses posting, replying and reacting in another name', () => {
		const { server, anaComment } = room();
		expect(verdictOf(server, 'ben', (d) => addComment(d, who('ana'), 'forged'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => addReply(d, anaComment, who('chen'), 'forged'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => toggleReaction(d, anaComment, '👀', 'chen'))).toBe('forbidden');
	});

	it("refuses a display name that is not the writer's own, on comments, replies and edits", () => {
		const { server, anaComment } = room();
		expect(verdictOf(server, 'ben', (d) => addComment(d, { id: 'ben', name: 'LEAD' }, 'signed as the lead'))).toBe(
			'forbidden'
		);
		expect(verdictOf(server, 'ben', (d) => addReply(d, anaComment, { id: 'ben', name: 'ANA' }, 'signed as ana'))).toBe(
			'forbidden'
		);
		expect(verdictOf(server, 'ana', (d) => discussionOf(d).get(0).set('authorName', 'LEAD'))).toBe('forbidden');
		expect(verdictOf(server, 'ana', (d) => discussionOf(d).get(0).set('authorName', 'ANA'))).toBe('ok');
		// A key written twice in one update: the second write takes its key from the first (Yjs origin), unnamed.
		const twice = (d: Y.Doc, key: string, first: string, second: string) => {
			const c = new Y.Map<unknown>();
			d.transact(() => {
				discussionOf(d).push([c]);
				c.set('id', 'x');
				c.set('text', 'hi');
				c.set('createdAt', 1);
				c.set(key, first);
				c.set(key, second);
			});
			if (key === 'author') c.set('authorName', 'BEN');
			else c.set('author', 'ben');
		};
		expect(verdictOf(server, 'ben', (d) => twice(d, 'author', 'ben', 'ana'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => twice(d, 'authorName', 'BEN', 'ANA'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => twice(d, 'authorName', 'ANA', 'BEN'))).toBe('ok');
		const renamed = copyOf(server);
		const update = change(renamed, () => addComment(renamed, { id: 'ana', name: 'Ana Maria' }, 'after a rename'));
		expect(inspectUpdate(server, update, DEFAULT_COLLAB_OPTIONS, { userId: 'ana', name: 'Ana Maria' }).kind).toBe('ok');
		expect(inspectUpdate(server, update, DEFAULT_COLLAB_OPTIONS, writer('ana')).kind).toBe('forbidden');
	});

	it("refuses changing or removing another's comment, reply or reaction", () => {
		const { server, anaComment } = room();
		expect(verdictOf(server, 'ben', (d) => discussionOf(d).get(0).set('text', 'rewritten'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => discussionOf(d).get(0).set('author', 'ben'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => deleteComment(d, anaComment))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => toggleReaction(d, anaComment, '👍', 'ana'))).toBe('forbidden');
		expect(
			verdictOf(server, 'ben', (d) => (discussionOf(d).get(0).get('replies') as Y.Array<unknown>).delete(0, 1))
		).toBe('forbidden');
	});

	it('lets an author delete a comment that holds replies and reactions of others', () => {
		const { server, anaComment } = room();
		addReply(server, anaComment, who('ben'), 'from ben');
		toggleReaction(server, anaComment, '🎯', 'chen');
		expect(verdictOf(server, 'ana', (d) => deleteComment(d, anaComment))).toBe('ok');
	});

	it("lets a moderator delete anyone's comment, but not edit it or speak for others", () => {
		const { server, anaComment } = room();
		addReply(server, anaComment, who('ben'), 'from ben');
		expect(verdictOf(server, 'lead', (d) => deleteComment(d, anaComment), true)).toBe('ok');
		expect(verdictOf(server, 'lead', (d) => discussionOf(d).get(0).set('text', 'moderated'), true)).toBe('forbidden');
		expect(verdictOf(server, 'lead', (d) => addComment(d, who('ana'), 'forged'), true)).toBe('forbidden');
		expect(
			verdictOf(server, 'lead', (d) => (discussionOf(d).get(0).get('replies') as Y.Array<unknown>).delete(1, 1), true)
		).toBe('forbidden');
		expect(verdictOf(server, 'lead', (d) => deleteComment(d, anaComment), false)).toBe('forbidden');
	});

	it("refuses a moderator deleting fields of someone else's comment (whole comments only)", () => {
		const { server } = room();
		for (const field of ['text', 'authorName', 'anchor', 'replies', 'reactions']) {
			expect(
				verdictOf(server, 'lead', (d) => discussionOf(d).get(0).delete(field), true),
				field
			).toBe('forbidden');
			expect(
				verdictOf(server, 'ana', (d) => discussionOf(d).get(0).delete(field)),
				field
			).toBe('ok');
		}
	});

	it('leaves entries that claim no author alone, and checks nothing without a user', () => {
		const { server } = room();
		expect(verdictOf(server, 'ben', (d) => discussionOf(d).push(['a plain note' as never]))).toBe('ok');
		const client = copyOf(server);
		const forged = change(client, () => addComment(client, who('ana'), 'forged'));
		expect(inspectUpdate(server, forged, DEFAULT_COLLAB_OPTIONS)).toMatchObject({
			kind: 'ok',
			roots: new Set(['discussion'])
		});
	});

	it('agrees with the ground truth on random honest and forged discussion traffic', () => {
		let seed = 7;
		const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
		const server = new Y.Doc();
		const clients = new Map<string, Y.Doc>(USERS.map((u) => [u, copyOf(server)]));
		let forbidden = 0;
		for (let step = 0; step < 400; step++) {
			const user = pick(USERS);
			const doc = clients.get(user)!;
			const as = rand() < 0.25 ? pick(USERS) : user;
			// Now and then the right id under a made-up display name.
			const author = rand() < 0.1 ? { id: as, name: 'Someone Else' } : who(as);
			const comments = readDiscussion(doc);
			const target = comments.length > 0 ? pick(comments).id : null;
			const op = rand();
			const update = change(doc, () => {
				if (op < 0.3 || !target)
					addComment(doc, author, `c${step}`, rand() < 0.5 ? null : { kind: 'item', itemId: 'x' });
				else if (op < 0.5) addReply(doc, target, author, `r${step}`);
				else if (op < 0.7) toggleReaction(doc, target, pick(['👍', '👀']), as);
				else if (op < 0.85)
					discussionOf(doc)
						.toArray()
						.find((m) => m.get('id') === target)
						?.set('text', `e${step}`);
				else deleteComment(doc, target);
			});
			const expected = truth(server, update, user);
			const verdict = inspectUpdate(server, update, DEFAULT_COLLAB_OPTIONS, writer(user));
			expect(verdict.kind, `step ${step}: ${user} ${expected ?? 'honest'}`).toBe(expected ? 'forbidden' : 'ok');
			if (verdict.kind === 'ok') {
				Y.applyUpdate(server, update);
				for (const other of clients.values()) Y.applyUpdate(other, update);
			} else {
				forbidden++;
				clients.set(user, copyOf(server)); // the server closed the connection; the client starts over
			}
		}
		expect(forbidden).toBeGreaterThan(40);
		expect(readDiscussion(server).length).toBeGreaterThan(20);
	});

	it('keeps highlights and score proposals to their owners', () => {
		const server = new Y.Doc();
		server.transact(() => {
			annotationsOf(server).set(PROPOSALS_KEY, new Y.Map());
			annotationsOf(server).set('span:item1:ana:h1', { id: 'h1', userId: 'ana', itemId: 'item1' });
		});
		const proposals = (d: Y.Doc) => annotationsOf(d).get(PROPOSALS_KEY) as Y.Map<unknown>;
		const propose = (d: Y.Doc, key: string, userId: string, name = who(userId).name) =>
			proposals(d).set(key, { userId, name, scores: { correctness: 3 }, note: '', at: 1 });
		expect(verdictOf(server, 'ana', (d) => propose(d, 'ana', 'ana'))).toBe('ok');
		const client = copyOf(server);
		Y.applyUpdate(
			server,
			change(client, () => propose(client, 'ana', 'ana'))
		);
		expect(verdictOf(server, 'ana', (d) => propose(d, 'ana', 'ana'))).toBe('ok'); // replacing one's own
		expect(verdictOf(server, 'ana', (d) => propose(d, 'ana', 'ben'))).toBe('forbidden'); // replacing it in another name
		expect(verdictOf(server, 'ana', (d) => propose(d, 'ana', 'ana', 'BEN'))).toBe('forbidden');
		expect(verdictOf(server, 'ana', (d) => proposals(d).delete('ana'))).toBe('ok');
		expect(verdictOf(server, 'ben', (d) => propose(d, 'ana', 'ana'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => propose(d, 'ben', 'ana'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => propose(d, 'ben', 'ben', 'ANA'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => proposals(d).delete('ana'))).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => annotationsOf(d).set(PROPOSALS_KEY, new Y.Map()))).toBe('forbidden'); // wiping everyone's
		expect(
			verdictOf(server, 'ben', (d) =>
				annotationsOf(d).set('span:item1:ben:h2', { id: 'h2', userId: 'ben', name: 'BEN' })
			)
		).toBe('ok');
		expect(
			verdictOf(server, 'ben', (d) =>
				annotationsOf(d).set('span:item1:ben:h4', { id: 'h4', userId: 'ben', name: 'ANA' })
			)
		).toBe('forbidden');
		expect(
			verdictOf(server, 'ben', (d) => annotationsOf(d).set('span:item1:ana:h2', { id: 'h2', userId: 'ana' }))
		).toBe('forbidden');
		expect(
			verdictOf(server, 'ben', (d) => annotationsOf(d).set('span:item1:ben:h3', { id: 'h3', userId: 'ana' }))
		).toBe('forbidden');
		// Under another person's key, even when the value itself names the writer.
		expect(
			verdictOf(server, 'ben', (d) =>
				annotationsOf(d).set('span:item1:ana:h5', { id: 'h5', userId: 'ben', name: 'BEN' })
			)
		).toBe('forbidden');
		expect(verdictOf(server, 'ben', (d) => annotationsOf(d).delete('span:item1:ana:h1'))).toBe('forbidden');
		expect(verdictOf(server, 'ana', (d) => annotationsOf(d).delete('span:item1:ana:h1'))).toBe('ok');
		expect(verdictOf(server, 'ben', (d) => annotationsOf(d).set('layout', 'grid'))).toBe('ok');
	});
});
