// What a room sends per turn: the changes committed together go out merged, one frame per socket, and nobody gets
// their own change back; everyone (raw sockets applying what they receive, browser providers) ends with the
// server's document. The store is gated (gated-store.ts), so the test decides which changes commit in one batch:
// while a first change is held, the next ones queue behind it and are committed together by the next release.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { roomName } from '#shared/rooms';
import { MESSAGE_SYNC, SYNC_STEP2, SYNC_UPDATE, encodeUpdate } from '../../server/collab/protocol';
import { gatedServer } from './gated-store';
import {
	connect,
	eventually,
	isAwareness,
	rawClient,
	removeDataDir,
	roundTrip,
	startCollabServer,
	within,
	type CollabServer,
	type RawClient
} from './fixture';
import type { Person } from './world';

/** Raw writing sockets; the same person twice is two authors (two tabs). */
const WRITERS: Person[] = ['lead', 'ana', 'ben', 'chen', 'ana', 'ben'];

/** The document update a sync message carries (step 2 or update), or null for any other message. */
function syncPayload(message: Uint8Array, kinds = [SYNC_UPDATE, SYNC_STEP2]): Uint8Array | null {
	const d = decoding.createDecoder(message);
	if (decoding.readVarUint(d) !== MESSAGE_SYNC || !kinds.includes(decoding.readVarUint(d))) return null;
	return decoding.readVarUint8Array(d);
}

/** What an update writes into `discussion`, applied to an empty document. */
function discussionOf(update: Uint8Array): unknown[] {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, update);
	return doc.getArray('discussion').toArray();
}

/** A local document's change: pushes `text` to the discussion and returns the update. */
function push(doc: Y.Doc, text: string): Uint8Array {
	let update: Uint8Array | null = null;
	doc.once('update', (u: Uint8Array) => (update = u));
	doc.getArray('discussion').push([text]);
	return update!;
}

const gated = gatedServer();

describe('per-turn merged broadcast', () => {
	it('sends each socket one merged frame per commit batch, without its own change, and all converge', async () => {
		const room = roomName('guideline', gated.server.world.guidelineId);
		// A browser client that only reads: it has presence, so every raw socket's round trip gets an answer.
		const reader = connect(gated.server, room, 'pm');
		gated.clients.push(reader);
		const writers = WRITERS.map((person) => rawClient(gated.server, room, person));
		gated.raws.push(...writers);
		await within(Promise.all([reader.synced, ...writers.map((w) => w.opened)]), 5000, 'joined');
		await within(Promise.all(writers.map((w) => w.received(0, isAwareness))), 5000, 'presence');
		const docs = writers.map(() => new Y.Doc());

		// The first writer's change is held by the store; the others' queue behind its commit.
		writers[0].ws.send(encodeUpdate(push(docs[0], 'first')));
		await eventually(() => gated.gate.held.length === 1, 5000, 'first append held');
		for (let i = 1; i < writers.length; i++) writers[i].ws.send(encodeUpdate(push(docs[i], `from ${i}`)));
		await Promise.all(writers.map((w) => roundTrip(w)));
		await gated.gate.release();
		await eventually(() => gated.gate.held[0]?.batch.length === writers.length - 1, 5000, 'second batch held');
		const from = writers.map((w) => w.messages.length);
		await gated.gate.release();

		const everyone = writers.slice(1).map((_, i) => `from ${i + 1}`);
		await eventually(() => reader.doc.getArray('discussion').length === writers.length, 5000, 'reader has all');
		await Promise.all(writers.map((w) => roundTrip(w)));
		writers.forEach((w, i) => {
			const frames = w.messages.slice(from[i]).flatMap((m) => syncPayload(m, [SYNC_UPDATE]) ?? []);
			expect(frames, `socket ${i}: one frame for the batch`).toHaveLength(1);
			const got = discussionOf(frames[0]);
			expect([...got].sort(), `socket ${i}: everyone else's changes`).toEqual(
				everyone.filter((text) => text !== `from ${i}`)
			);
		});

		// Everyone applies what they received and ends with the server's document.
		const expected = await gated.server.rooms.read(room, (d) => d.getArray('discussion').toJSON());
		expect(expected).toHaveLength(writers.length);
		writers.forEach((w, i) => {
			for (const m of w.messages) {
				const update = syncPayload(m);
				if (update) Y.applyUpdate(docs[i], update);
			}
			expect(docs[i].getArray('discussion').toJSON(), `socket ${i} converged`).toEqual(expected);
		});
		expect(reader.doc.getArray('discussion').toJSON()).toEqual(expected);
	});

	it('never sends a socket its own change back, whoever else writes in the same batch', async () => {
		const room = roomName('session', gated.server.world.sessionId);
		const reader = connect(gated.server, room, 'lead');
		gated.clients.push(reader);
		const ana = rawClient(gated.server, room, 'ana');
		const ben = rawClient(gated.server, room, 'ben');
		gated.raws.push(ana, ben);
		await within(Promise.all([reader.synced, ana.opened, ben.opened]), 5000, 'joined');
		await within(Promise.all([ana.received(0, isAwareness), ben.received(0, isAwareness)]), 5000, 'presence');
		const anaDoc = new Y.Doc();
		const from = [ana.messages.length, ben.messages.length];
		// ana's first change is committed alone, her next two together; ben gets one frame per batch, ana none.
		ana.ws.send(encodeUpdate(push(anaDoc, 'ana 1')));
		await eventually(() => gated.gate.held.length === 1, 5000, 'first append held');
		ana.ws.send(encodeUpdate(push(anaDoc, 'ana 2')));
		ana.ws.send(encodeUpdate(push(anaDoc, 'ana 3')));
		await roundTrip(ana);
		await gated.gate.release();
		await eventually(() => gated.gate.held[0]?.batch.length === 2, 5000, 'second batch held');
		await gated.gate.release();
		await eventually(() => reader.doc.getArray('discussion').length === 3, 5000, 'reader has all');
		await Promise.all([roundTrip(ana), roundTrip(ben)]);

		const updates = (c: RawClient, i: number) => c.messages.slice(from[i]).flatMap((m) => syncPayload(m) ?? []);
		expect(updates(ana, 0)).toEqual([]);
		const benDoc = new Y.Doc();
		const seen = updates(ben, 1).map((update) => {
			Y.applyUpdate(benDoc, update);
			return benDoc.getArray('discussion').toJSON();
		});
		expect(seen).toEqual([['ana 1'], ['ana 1', 'ana 2', 'ana 3']]);
	});
});

describe('many writers at once', () => {
	let free: CollabServer;
	beforeAll(async () => {
		free = await startCollabServer();
	});
	afterAll(async () => {
		await free?.close();
		if (free) removeDataDir(free);
	});

	it('browser clients writing in the same turns converge on the server document', async () => {
		const room = roomName('guideline', free.world.guidelineId);
		const people: Person[] = ['lead', 'ana', 'ben', 'chen', 'lead', 'ana', 'ben', 'chen'];
		const writers = people.map((p) => connect(free, room, p));
		gated.clients.push(...writers);
		await within(Promise.all(writers.map((w) => w.synced)), 5000, 'synced');
		for (let round = 0; round < 20; round++) {
			writers.forEach((w, i) => {
				w.doc.getArray('discussion').push([`${i}.${round}`]);
				w.doc.getMap('annotations').set(`k${round % 3}`, `${i}.${round}`);
			});
			if (round % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
		}
		const total = people.length * 20;
		await eventually(() => writers.every((w) => w.doc.getArray('discussion').length === total), 5000, 'all');
		const state = (d: Y.Doc) => ({
			discussion: d.getArray('discussion').toJSON(),
			annotations: d.getMap('annotations').toJSON()
		});
		const expected = await free.rooms.read(room, state);
		await eventually(
			() => writers.every((w) => JSON.stringify(state(w.doc)) === JSON.stringify(expected)),
			5000,
			'converged'
		);
		expect(expected.discussion).toHaveLength(total);
	});
});
