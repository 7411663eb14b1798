// Abuse of the collaboration endpoint: random malformed frames, oversized frames, floods, presence spoofing,
// slow consumers and dead peers each close (only) the offending connection while the room keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { roomName } from '#shared/rooms';
import {
	connect,
	eventually,
	rawClient,
	removeDataDir,
	startCollabServer,
	within,
	WS,
	type Client,
	type CollabServer,
	type RawClient
} from './fixture';

let server: CollabServer;
let tight: CollabServer;
const clients: Client[] = [];

beforeAll(async () => {
	[server, tight] = await Promise.all([
		startCollabServer(),
		startCollabServer({
			collab: {
				maxMessageBytes: 64 * 1024,
				maxBufferedBytes: 256 * 1024,
				messagesPerSecond: 50,
				messageBurst: 100,
				maxAwarenessStateBytes: 1024
			}
		})
	]);
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await Promise.all([server.close(), tight.close()]);
	removeDataDir(server);
	removeDataDir(tight);
});

function rng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296;
}

const frame = (write: (e: encoding.Encoder) => void) => {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
};

/** A realistic valid update frame to mutate. */
function validUpdateFrame(text: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getArray('discussion').push([text]);
	return frame((e) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarUint(e, 2);
		encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc));
	});
}

function malformed(r: () => number, i: number): Uint8Array | string {
	const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
	const valid = validUpdateFrame(`x${i}`);
	switch (i % 9) {
		case 0:
			return bytes(Math.floor(r() * 64));
		case 1:
			return valid.subarray(0, 1 + Math.floor(r() * (valid.length - 1)));
		case 2:
			return frame((e) => {
				encoding.writeVarUint(e, 0);
				encoding.writeVarUint(e, 2);
				encoding.writeVarUint8Array(e, bytes(1 + Math.floor(r() * 40)));
			});
		case 3:
			return frame((e) => {
				encoding.writeVarUint(e, 4 + Math.floor(r() * 1000));
				encoding.writeUint8Array(e, bytes(4));
			});
		case 4:
			return frame((e) => {
				encoding.writeVarUint(e, 0);
				encoding.writeVarUint(e, 3 + Math.floor(r() * 50));
				encoding.writeVarUint8Array(e, bytes(3));
			});
		case 5:
			return frame((e) => {
				encoding.writeVarUint(e, 0);
				encoding.writeVarUint(e, 2);
				encoding.writeVarUint(e, 2 ** 31);
				encoding.writeUint8Array(e, bytes(8));
			});
		case 6:
			return 'text frame ' + i;
		case 7:
			return frame((e) => {
				encoding.writeVarUint(e, 1);
				encoding.writeVarUint8Array(
					e,
					frame((a) => {
						encoding.writeVarUint(a, 1);
						encoding.writeVarUint(a, 5);
						encoding.writeVarUint(a, 1);
						encoding.writeVarString(a, '{not json');
					})
				);
			});
		default: {
			const v = valid.slice();
			v[3 + Math.floor(r() * (v.length - 3))] ^= 1 + Math.floor(r() * 255);
			return Uint8Array.from([...v, ...bytes(1 + Math.floor(r() * 3))]);
		}
	}
}

describe('malformed input', () => {
	it('1,000 random malformed frames close only their own connections; the room keeps serving', async () => {
		const room = roomName('item', server.world.plainItem);
		const lead = connect(server, room, 'lead');
		const pm = connect(server, room, 'pm');
		clients.push(lead, pm);
		await within(Promise.all([lead.synced, pm.synced]));
		const r = rng(42);
		// query-awareness: answered with an awareness message (type 1), which nothing else sends these sockets here
		const probe = Uint8Array.of(3);
		const codes = new Map<number, number>();
		let survived = 0;
		const frames = Array.from({ length: 1000 }, (_, i) => malformed(r, i));
		// Ten sockets at a time, each replaced when the server closes it.
		const lane = async (lane: number) => {
			let raw: RawClient | null = null;
			for (let i = lane; i < frames.length; i += 10) {
				if (!raw) {
					raw = rawClient(server, room, 'lead');
					await within(
						raw.received(0, (m) => m[0] === 1),
						5000,
						'greeting with presence'
					);
				}
				const current: RawClient = raw;
				const seen = current.messages.length;
				// Frames of one socket are handled in order: either the bad frame closes it, or the probe is answered.
				current.ws.send(frames[i]);
				current.ws.send(probe);
				if (i % 10 === 0) lead.doc.getArray('discussion').push([`legit ${i}`]);
				const outcome = await within(
					Promise.race([current.closed, current.received(seen, (m) => m[0] === 1).then(() => 'answered' as const)])
				);
				if (typeof outcome === 'object') {
					codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
					raw = null;
				} else survived++;
			}
			raw?.ws.close();
		};
		await Promise.all(Array.from({ length: 10 }, (_, l) => lane(l)));
		for (const code of codes.keys()) expect([4400, 4413, 1007]).toContain(code);
		expect([...codes.values()].reduce((a, b) => a + b, 0) + survived).toBe(1000);
		expect(survived).toBeLessThan(100);
		await eventually(() => pm.doc.getArray('discussion').length === 100, 5000, 'legit edits kept flowing');
		const lead2 = connect(server, room, 'lead', 'cookie');
		clients.push(lead2);
		await within(lead2.synced);
		await eventually(
			() => lead2.doc.getArray('discussion').length === 100,
			5000,
			'a new client gets the whole document'
		);
		expect(
			lead2.doc
				.getArray('discussion')
				.toJSON()
				.every((t) => typeof t === 'string' && t.startsWith('legit'))
		).toBe(true);
	}, 120_000);

	it('closes an oversized frame with 1009, floods (messages, sync requests) with 4429, an oversized presence with 4413', async () => {
		const room = roomName('item', tight.world.plainItem);
		const big = rawClient(tight, room, 'lead');
		await within(big.opened);
		big.ws.send(new Uint8Array(100 * 1024));
		expect((await within(big.closed)).code).toBe(1009);

		const flood = rawClient(tight, room, 'lead');
		await within(flood.opened);
		for (let i = 0; i < 400; i++) flood.ws.send(Uint8Array.of(3));
		expect((await within(flood.closed)).code).toBe(4429);

		const resync = rawClient(tight, room, 'lead');
		await within(resync.opened);
		for (let i = 0; i < 20; i++) resync.ws.send(Uint8Array.of(0, 0, 1, 0));
		expect((await within(resync.closed)).code).toBe(4429);

		const presence = connect(tight, room, 'lead');
		clients.push(presence);
		await within(presence.synced);
		presence.provider.awareness.setLocalStateField('note', 'x'.repeat(2000));
		expect((await within(presence.closed)).code).toBe(4413);
	});
});

describe('presence', () => {
	it('ignores states for client ids a connection does not own, and stamps the real identity', async () => {
		const room = roomName('guideline', server.world.guidelineId);
		const lead = connect(server, room, 'lead');
		const ben = connect(server, room, 'ben');
		clients.push(lead, ben);
		await within(Promise.all([lead.synced, ben.synced]));
		// y-protocols ignores a first state with clock 0; the server relays it past the clock so presence shows at once
		await eventually(
			() => ben.provider.awareness.getStates().get(lead.doc.clientID)?.user?.name === 'Lead',
			5000,
			'initial presence'
		);
		lead.provider.awareness.setLocalState({ user: { id: 'someone', name: 'Somebody Else', color: '#ff0000' } });
		await eventually(
			() => ben.provider.awareness.getStates().get(lead.doc.clientID)?.user?.color === '#ff0000',
			5000,
			'lead presence'
		);
		expect(ben.provider.awareness.getStates().get(lead.doc.clientID)?.user).toEqual({
			id: server.world.userId.lead,
			name: 'Lead',
			color: '#ff0000'
		});
		// ben forges an update for lead's client id with a newer clock
		const forged = frame((e) => {
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint8Array(
				e,
				frame((a) => {
					encoding.writeVarUint(a, 1);
					encoding.writeVarUint(a, lead.doc.clientID);
					encoding.writeVarUint(a, 999);
					encoding.writeVarString(a, JSON.stringify({ user: { name: 'hijacked' } }));
				})
			);
		});
		(ben.provider.ws as unknown as { send(d: Uint8Array): void }).send(forged);
		ben.provider.awareness.setLocalState({ user: { name: 'b', color: '#00ff00' } });
		await eventually(
			() => lead.provider.awareness.getStates().get(ben.doc.clientID)?.user?.color === '#00ff00',
			5000,
			'ben presence'
		);
		expect(lead.provider.awareness.getStates().get(ben.doc.clientID)?.user?.name).toBe('Ben');
		expect(ben.provider.awareness.getStates().get(lead.doc.clientID)?.user?.name).toBe('Lead');
		for (const peer of [lead, ben])
			expect([...peer.provider.awareness.getStates().values()].map((s) => s.user?.name)).not.toContain('hijacked');
		ben.destroy();
		await eventually(
			() => !lead.provider.awareness.getStates().has(ben.doc.clientID),
			5000,
			'presence removed on leave'
		);
	});
});

describe('slow and dead peers', () => {
	it('closes a consumer that stops reading (1013) without disturbing others', async () => {
		const room = roomName('session', tight.world.sessionId);
		const slow = rawClient(tight, room, 'ana');
		await within(slow.opened);
		const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
		socket.pause();
		const ben = connect(tight, room, 'ben');
		clients.push(ben);
		await within(ben.synced);
		const withSlow = tight.rooms.stats().connections;
		const chunk = 'y'.repeat(60 * 1024);
		for (let i = 0; i < 400 && tight.rooms.stats().connections === withSlow; i++) {
			await tight.deps.rooms.update(room, (d) => d.getMap('state').set(`blob${i % 4}`, `${i}${chunk}`));
		}
		await eventually(() => tight.rooms.stats().connections === withSlow - 1, 10000, 'slow consumer dropped');
		socket.resume();
		expect((await within(slow.closed, 10000)).code).toBe(1013);
		await eventually(() => typeof ben.doc.getMap('state').get('blob0') === 'string', 5000, 'others still served');
	});

	it('drops a peer that stops answering pings', async () => {
		const pinging = await startCollabServer({ collab: { pingIntervalMs: 150 } });
		try {
			const room = roomName('item', pinging.world.evaluatedItem);
			const mute = new WS(`${pinging.wsUrl}/${room}`, [], {
				headers: { authorization: `Bearer ${pinging.world.token.ana}` },
				autoPong: false
			} as never);
			mute.on('error', () => {});
			const dropped = new Promise<number>((res) => mute.once('close', (code: number) => res(code)));
			let pinged = 0;
			mute.on('ping', () => pinged++);
			await within(new Promise((res) => mute.once('open', res)));
			expect(await within(dropped, 5000, 'dead peer dropped')).toBe(1006);
			expect(pinged).toBeGreaterThan(0);
		} finally {
			await pinging.close();
			removeDataDir(pinging);
		}
	});
});
