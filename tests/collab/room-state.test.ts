// The browser's rune class (CollabRoom) against the real server: status, presence, live snapshots of discussion
// and server-written state, offline edits merged on reconnect, and a final refusal surfaced as `error`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomName } from '#shared/rooms';
import { CollabRoom } from '../../src/lib/state/room.svelte';
import { WS, authHeaders, eventually, removeDataDir, startCollabServer, type CollabServer } from './fixture';
import type { Person } from './world';

let server: CollabServer;
const rooms: CollabRoom[] = [];

function join(room: string, who: Person): CollabRoom {
	const { headers } = authHeaders(server, who, 'token');
	const Polyfill = class extends WS {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers });
		}
	};
	const joined = new CollabRoom(
		room,
		{ id: server.world.userId[who], name: server.world.name[who] },
		{ serverUrl: server.wsUrl, WebSocketPolyfill: Polyfill as unknown as typeof WebSocket, disableBc: true }
	);
	rooms.push(joined);
	return joined;
}

beforeAll(async () => {
	server = await startCollabServer();
});

afterAll(async () => {
	for (const r of rooms) r.destroy();
	await server.close();
	removeDataDir(server);
});

describe('CollabRoom', () => {
	it('connects, shows peers, and keeps discussion and state snapshots current', async () => {
		const name = roomName('item', server.world.evaluatedItem);
		const lead = join(name, 'lead');
		const ana = join(name, 'ana');
		await eventually(
			() => lead.status === 'connected' && ana.status === 'connected' && lead.synced && ana.synced,
			5000,
			'connected'
		);
		await eventually(() => lead.peers.length === 2 && ana.peers.length === 2, 5000, 'peers');
		expect(lead.peers[0]).toMatchObject({ self: true, user: { id: server.world.userId.lead } });
		expect(lead.peers.find((p) => !p.self)?.user.name).toBe('Ana');

		const id = ana.addComment('Score 2 feels harsh', { kind: 'score', dimension: 'helpfulness' });
		await eventually(() => lead.discussion.length === 1, 5000, 'comment arrives');
		expect(lead.discussion[0]).toMatchObject({
			id,
			text: 'Score 2 feels harsh',
			authorName: 'Ana',
			anchor: { kind: 'score', dimension: 'helpfulness' }
		});
		lead.reply(id, 'Agreed, 3');
		lead.react(id, 'agree');
		await eventually(
			() => ana.discussion[0]?.replies.length === 1 && ana.discussion[0]?.reactions.agree?.length === 1,
			5000,
			'reply and reaction'
		);

		await server.deps.rooms.update(name, (doc) => doc.getMap('state').set('escalation', { state: 'resolved' }));
		await eventually(
			() => (ana.state.escalation as { state?: string } | undefined)?.state === 'resolved',
			5000,
			'server state'
		);

		ana.setFocus({ itemId: server.world.evaluatedItem });
		await eventually(
			() => lead.peers.find((p) => !p.self)?.focus?.itemId === server.world.evaluatedItem,
			5000,
			'focus'
		);
	});

	it('merges edits made while offline when the connection comes back', async () => {
		const name = roomName('session', server.world.sessionId);
		const ana = join(name, 'ana');
		const ben = join(name, 'ben');
		await eventually(() => ana.synced && ben.synced, 5000, 'synced');
		ana.provider.disconnect();
		await eventually(() => ana.status === 'disconnected', 5000, 'offline');
		ana.addComment('written offline');
		ben.addComment('written online');
		await eventually(() => ben.discussion.length === 1);
		ana.provider.connect();
		await eventually(() => ana.discussion.length === 2 && ben.discussion.length === 2, 5000, 'merged');
		expect(ana.discussion.map((c) => c.id)).toEqual(ben.discussion.map((c) => c.id));
	});

	it('stops on a final refusal and reports it in `error`', async () => {
		const refused = join(roomName('item', server.world.plainItem), 'outsider');
		await eventually(() => refused.error !== null, 5000, 'refusal');
		expect(refused.error).toMatchObject({ code: 'forbidden', closeCode: 4403 });
		expect(refused.status).toBe('disconnected');
		expect(refused.provider.shouldConnect).toBe(false);
	});
});
