// "Committed before anyone sees it", tested with a store that holds every append until the test releases it.
// While a change is held, no other client may receive it (as an update, or inside the sync step 2 that answers a
// step 1) and a server write does not resolve; once the store commits, all of them follow. Whether a client has
// *not* received something is decided by a round trip on its own socket (query-awareness → awareness): frames on
// one WebSocket arrive in order, so anything the server sent before its reply has arrived by then.
import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { roomName } from '#shared/rooms';
import { gatedServer } from './gated-store';
import { MESSAGE_SYNC, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from '../../server/collab/protocol';
import { connect, eventually, isAwareness, rawClient, roundTrip, within, type Client, type RawClient } from './fixture';

const frame = (write: (e: encoding.Encoder) => void) => {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
};
const syncStep1 = (doc: Y.Doc) =>
	frame(
		(e) => (
			encoding.writeVarUint(e, MESSAGE_SYNC),
			encoding.writeVarUint(e, SYNC_STEP1),
			encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
		)
	);

/** The discussion and state a sync message (step 2 or update) of `kinds` carries, as JSON; null for other messages. */
function carried(message: Uint8Array, kinds: number[]): string | null {
	const d = decoding.createDecoder(message);
	if (decoding.readVarUint(d) !== MESSAGE_SYNC || !kinds.includes(decoding.readVarUint(d))) return null;
	const doc = new Y.Doc();
	const content = { discussion: doc.getArray('discussion'), state: doc.getMap('state') };
	Y.applyUpdate(doc, decoding.readVarUint8Array(d));
	return JSON.stringify({ discussion: content.discussion.toJSON(), state: content.state.toJSON() });
}
const carrying = (text: string, kinds: number[]) => (m: Uint8Array) => carried(m, kinds)?.includes(text) ?? false;

const gated = gatedServer();

/** The lead as a browser client and ana as a raw socket in `room`, with ana's round trip working. */
async function join(room: string): Promise<{ lead: Client; ana: RawClient }> {
	const lead = connect(gated.server, room, 'lead');
	gated.clients.push(lead);
	const ana = rawClient(gated.server, room, 'ana');
	gated.raws.push(ana);
	await within(Promise.all([lead.synced, ana.opened]), 5000, 'joined');
	// The reply to a query exists once someone has presence (the lead's provider announces itself).
	await within(ana.received(0, isAwareness), 5000, 'lead presence');
	return { lead, ana };
}

describe('a change is committed before anyone sees it', () => {
	it('does not broadcast a client update to the room until the store has committed it', async () => {
		const room = roomName('item', gated.server.world.evaluatedItem);
		const { lead, ana } = await join(room);
		const from = ana.messages.length;
		lead.doc.getArray('discussion').push(['held by the store']);
		await eventually(() => gated.gate.held.length === 1, 5000, 'append reaches the store');
		await roundTrip(ana);
		expect(ana.messages.slice(from).some(carrying('held by the store', [SYNC_UPDATE, SYNC_STEP2]))).toBe(false);

		await gated.gate.release();
		await within(ana.received(from, carrying('held by the store', [SYNC_UPDATE])), 5000, 'update after the commit');
		expect(gated.gate.committed).toEqual([room]);
	});

	it('answers sync step 1 without an uncommitted change, and with it once committed', async () => {
		const room = roomName('guideline', gated.server.world.guidelineId);
		const { lead, ana } = await join(room);
		lead.doc.getArray('discussion').push(['not yet durable']);
		await eventually(() => gated.gate.held.length === 1, 5000, 'append reaches the store');
		const from = ana.messages.length;
		ana.ws.send(syncStep1(new Y.Doc()));
		await roundTrip(ana);
		expect(ana.messages.slice(from).some((m) => carried(m, [SYNC_STEP2]) !== null)).toBe(false);

		await gated.gate.release();
		await within(ana.received(from, carrying('not yet durable', [SYNC_STEP2])), 5000, 'step 2 after the commit');
	});

	it('resolves a server write, and shows it to clients, only after the commit', async () => {
		const room = roomName('session', gated.server.world.sessionId);
		const { ana } = await join(room);
		const from = ana.messages.length;
		let resolved = false;
		const write = gated.server.rooms
			.update(room, (d) => d.getMap('state').set('phase', 'revealed-while-held'))
			.then(() => (resolved = true));
		await eventually(() => gated.gate.held.length === 1, 5000, 'append reaches the store');
		await roundTrip(ana);
		expect(resolved).toBe(false);
		expect(ana.messages.slice(from).some(carrying('revealed-while-held', [SYNC_UPDATE, SYNC_STEP2]))).toBe(false);

		await gated.gate.release();
		await within(write, 5000, 'server write');
		await within(ana.received(from, carrying('revealed-while-held', [SYNC_UPDATE])), 5000, 'update after the commit');
	});
});
