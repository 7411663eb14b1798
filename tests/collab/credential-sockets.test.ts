// Ending a credential ends its sockets at once: signing out, changing the password (other sessions), signing out
// other sessions and revoking an API token close the matching connections with 4401, and a write sent after
// that is neither applied nor broadcast. Real server, real sockets, real sign-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { roomName } from '#shared/rooms';
import { addComment, readDiscussion } from '#collab/room-doc';
import { encodeUpdate } from '../../server/collab/protocol';
import { setPasswordHash } from '../../server/db/users';
import { hashPassword } from '../../server/domain/passwords';
import {
	connect,
	eventually,
	rawClient,
	removeDataDir,
	startCollabServer,
	within,
	type Client,
	type CollabServer
} from './fixture';

const PASSWORD = 'lead-old-password-42';
let server: CollabServer;
let room: string;
const clients: Client[] = [];

beforeAll(async () => {
	server = await startCollabServer();
	room = roomName('item', server.world.plainItem);
	await setPasswordHash(server.deps.db, server.world.userId.lead, await hashPassword(PASSWORD));
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server.close();
	removeDataDir(server);
});

async function http(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
	const res = await fetch(server.url + path, {
		method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
		headers: { origin: server.url, 'content-type': 'application/json', ...init.headers },
		body: init.body === undefined ? undefined : JSON.stringify(init.body)
	});
	return {
		status: res.status,
		body: await res.json(),
		cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]
	};
}

/** A fresh sign-in session of the lead: its cookie header. */
async function signIn(password = PASSWORD): Promise<string> {
	const res = await http('/api/auth/login', { body: { email: 'lead@collab.test', password } });
	expect(res.status).toBe(200);
	return res.cookie;
}

/** A y-websocket client with exactly these headers (a cookie or a Bearer token), synced. */
async function joinWith(headers: Record<string, string>): Promise<Client> {
	const c = connect(server, room, null, 'none', headers);
	clients.push(c);
	await within(c.synced, 5000, 'synced');
	return c;
}

/** Reads the server's copy of the room without changing it. */
async function serverComments(): Promise<string[]> {
	let texts: string[] = [];
	await server.deps.rooms.update(room, (doc) => {
		texts = readDiscussion(doc).map((c) => c.text);
	});
	return texts;
}

const lead = () => ({ id: server.world.userId.lead, name: 'Lead' });

describe('sockets end with their credential', () => {
	it('signing out closes that session’s socket with 4401 and a write sent after it is not applied or broadcast', async () => {
		const cookie = await signIn();
		const witness = await joinWith({ authorization: `Bearer ${server.world.token.pm}` });
		const mine = rawClient(server, room, null, 'none', { cookie });
		await within(mine.opened);
		await within(mine.received(0), 5000, 'sync step 1');

		expect((await http('/api/auth/logout', { method: 'POST', headers: { cookie } })).status).toBe(200);
		const late = new Y.Doc();
		late.on('update', (update: Uint8Array) => mine.ws.readyState === 1 && mine.ws.send(encodeUpdate(update)));
		addComment(late, lead(), 'written after sign-out');

		expect((await within(mine.closed, 5000, 'close after sign-out')).code).toBe(4401);
		// The close handshake is done, so the server has handled every frame the socket sent before it.
		expect(await serverComments()).not.toContain('written after sign-out');
		expect(readDiscussion(witness.doc).map((c) => c.text)).not.toContain('written after sign-out');
		expect(witness.provider.wsconnected).toBe(true);
	});

	it('changing the password closes the other sessions and their sockets, and keeps the current one', async () => {
		const current = await signIn();
		const other = await signIn();
		const currentClient = await joinWith({ cookie: current });
		const otherClient = await joinWith({ cookie: other });

		const res = await http('/api/me/password', {
			body: { currentPassword: PASSWORD, newPassword: 'a-brand-new-passphrase' },
			headers: { cookie: current }
		});
		expect(res.status).toBe(200);
		expect((await within(otherClient.closed, 5000, 'other session socket closed')).code).toBe(4401);
		expect((await http('/api/me', { headers: { cookie: other } })).status).toBe(401);
		expect((await http('/api/me', { headers: { cookie: current } })).status).toBe(200);

		addComment(currentClient.doc, lead(), 'still here after the change');
		await eventually(
			async () => (await serverComments()).includes('still here after the change'),
			5000,
			'current session still writes'
		);
		expect(currentClient.provider.wsconnected).toBe(true);

		expect((await http('/api/auth/login', { body: { email: 'lead@collab.test', password: PASSWORD } })).status).toBe(
			401
		);
		await setPasswordHash(server.deps.db, server.world.userId.lead, await hashPassword(PASSWORD));
	});

	it('signing out other sessions closes their sockets and keeps the current one', async () => {
		const current = await signIn();
		const other = await signIn();
		const currentClient = await joinWith({ cookie: current });
		const otherClient = await joinWith({ cookie: other });

		const res = await http('/api/me/sessions/revoke-others', { method: 'POST', headers: { cookie: current } });
		expect(res.status).toBe(200);
		expect(res.body.endedSessions).toBeGreaterThanOrEqual(1);
		expect((await within(otherClient.closed, 5000, 'other session socket closed')).code).toBe(4401);
		expect((await http('/api/me', { headers: { cookie: other } })).status).toBe(401);
		expect((await http('/api/me', { headers: { cookie: current } })).status).toBe(200);
		expect(currentClient.provider.wsconnected).toBe(true);
	});

	it('revoking an API token refuses it at once and closes its sockets with 4401', async () => {
		const cookie = await signIn();
		const created = await http('/api/tokens', { body: { name: 'socket script' }, headers: { cookie } });
		expect(created.status).toBe(201);
		const bearer = { authorization: `Bearer ${created.body.token}` };
		const tokenClient = await joinWith(bearer);
		const otherToken = await joinWith({ authorization: `Bearer ${server.world.token.lead}` });

		expect((await http(`/api/tokens/${created.body.id}`, { method: 'DELETE', headers: { cookie } })).status).toBe(200);
		expect((await within(tokenClient.closed, 5000, 'token socket closed')).code).toBe(4401);
		expect((await http('/api/me', { headers: bearer })).status).toBe(401);
		const again = connect(server, room, null, 'none', bearer);
		clients.push(again);
		expect((await within(again.closed, 5000, 'revoked token refused')).code).toBe(4401);
		expect(otherToken.provider.wsconnected).toBe(true);
	});
});
