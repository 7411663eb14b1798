// Two Concord nodes (real processes) on one PostgreSQL and one Redis, behind a round-robin TCP proxy with no
// stickiness: what one node accepts reaches the clients of the other, decisions taken through one node show live
// in rooms served by the other, orders about sockets cross nodes (a revoked token, a deactivated account), work
// that must happen once happens once, sign-in throttles count across nodes, notifications reach their recipient's
// open stream on the other node (and nobody else's), a role changed through one node holds at once for saves
// through the other, and losing a node (kill -9) loses no update any client had received.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { openDb } from '../../server/db/client';
import { escalationStateKey } from '#shared/escalation';
import { roomName } from '#shared/rooms';
import { addAdmin, addSecondLead, openEscalations, seedWorld, type World } from '../collab/world';
import { WS } from '../collab/fixture';
import { startChildServer, type ChildServer } from '../fixtures/child-server';
import { createTestDatabase } from '../fixtures/postgres';
import { startRedis, type TestRedis } from '../fixtures/redis';
import { eventually } from '../fixtures/server';
import { startTcpProxy, type TcpProxy } from '../fixtures/tcp-proxy';
import { openStream } from '../fixtures/notification-stream';
import { REVIEW_RUBRIC } from '../fixtures/review-workspace';

const dataDir = mkdtempSync(join(tmpdir(), 'concord-cluster-'));
let redis: TestRedis;
let nodes: ChildServer[] = [];
let proxy: TcpProxy;
let world: World;
let lead2: { id: string; token: string };
let admin: { id: string; token: string };
let raceIds: string[] = [];
const clients: Client[] = [];
const webhookHits: string[] = [];
let receiver: Server;

beforeAll(async () => {
	redis = await startRedis();
	const databaseUrl = await createTestDatabase();
	const opened = await openDb({ dataDir, databaseUrl });
	try {
		world = await seedWorld(opened.db);
		lead2 = await addSecondLead(opened.db, world, 'lead2@cluster.test');
		admin = await addAdmin(opened.db, 'admin@cluster.test');
		raceIds = await openEscalations(opened.db, world, 6);
	} finally {
		await opened.close();
	}
	const env = {
		DATABASE_URL: databaseUrl,
		REDIS_URL: redis.url,
		CONCORD_WEBHOOKS_ALLOW_PRIVATE: '1'
	};
	nodes = await Promise.all([startChildServer(dataDir, env), startChildServer(dataDir, env)]);
	proxy = await startTcpProxy(nodes.map((n) => ({ host: '127.0.0.1', port: Number(new URL(n.url).port) })));
	receiver = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			webhookHits.push(body);
			res.writeHead(200).end();
		});
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
}, 90_000);

afterAll(async () => {
	for (const c of clients) c.destroy();
	await proxy?.close();
	await Promise.all(nodes.map((n) => n.stop()));
	await redis?.stop();
	await new Promise((r) => receiver?.close(r));
	rmSync(dataDir, { recursive: true, force: true });
});

interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	synced: Promise<void>;
	closed: Promise<{ code: number; reason: string }>;
	destroy(): void;
}

/** A y-websocket client, as the browser runs it, on `base` (a node or the proxy), authenticated by token. */
function connect(base: string, room: string, token: string): Client {
	const Polyfill = class extends WS {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
		}
	};
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(base.replace('http', 'ws') + '/collab', room, doc, {
		WebSocketPolyfill: Polyfill as unknown as typeof WebSocket,
		disableBc: true,
		maxBackoffTime: 100
	});
	const synced = new Promise<void>((resolve) => provider.on('sync', (s: boolean) => s && resolve()));
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		provider.on('connection-close', (e) => e && resolve({ code: e.code, reason: e.reason }))
	);
	const client = {
		doc,
		provider,
		synced,
		closed,
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
	clients.push(client);
	return client;
}

async function call(base: string, path: string, token: string, body?: unknown) {
	const res = await fetch(base + path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: {
			authorization: `Bearer ${token}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: await res.json() };
}

const paragraphs = (doc: Y.Doc) =>
	doc
		.getXmlFragment('content')
		.toArray()
		.map((p) => ((p as Y.XmlElement).toArray()[0] as Y.XmlText | undefined)?.toString() ?? '');

function addParagraph(doc: Y.Doc, text: string): void {
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	doc.getXmlFragment('content').push([p]);
}

describe('two nodes on one PostgreSQL and one Redis', () => {
	it('relays edits and presence between clients of different nodes', async () => {
		const room = roomName('guideline', world.guidelineId);
		const a = connect(nodes[0].url, room, world.token.lead);
		const b = connect(nodes[1].url, room, lead2.token);
		await Promise.all([a.synced, b.synced]);
		for (let i = 0; i < 20; i++) {
			addParagraph(a.doc, `a${i}`);
			addParagraph(b.doc, `b${i}`);
		}
		await eventually(
			() => paragraphs(a.doc).length === 40 && paragraphs(b.doc).length === 40,
			10_000,
			'both clients see all 40 paragraphs'
		);
		expect(paragraphs(a.doc)).toEqual(paragraphs(b.doc));
		// Presence set on node A shows on node B, with the identity the server stamped.
		a.provider.awareness.setLocalStateField('cursor', { at: 3 });
		// The state shows up once the cursor set on node A has crossed (an earlier state of A may arrive first).
		const seen = await eventually(
			() => {
				const state = b.provider.awareness.getStates().get(a.doc.clientID) as
					{ cursor?: unknown; user?: { id: string } } | undefined;
				return state?.cursor ? state : undefined;
			},
			5_000,
			'presence from the other node'
		);
		expect(seen).toMatchObject({ cursor: { at: 3 }, user: { id: world.userId.lead } });
		a.destroy();
		b.destroy();
	});

	it('shows a decision taken through node A live to a room client on node B', async () => {
		const room = roomName('item', world.escalatedItem);
		const watcher = connect(nodes[1].url, room, lead2.token);
		await watcher.synced;
		const queue = await call(nodes[0].url, `/api/projects/${world.projectId}/escalations`, world.token.lead);
		const escalation = (queue.body.escalations as { id: string; itemId: string }[]).find(
			(e) => e.itemId === world.escalatedItem
		)!;
		const claimed = await call(nodes[0].url, `/api/escalations/${escalation.id}/claim`, world.token.lead, {});
		expect(claimed.status).toBe(200);
		const mirrored = await eventually(
			() => watcher.doc.getMap('state').get(escalationStateKey(escalation.id)) as { state?: string } | undefined,
			5_000,
			'the claim mirrored on node B'
		);
		expect(mirrored!.state).toBe('in_review');
		watcher.destroy();
	});

	it('pushes a notification written through node B to its recipient’s stream on node A, and to no one else', async () => {
		const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
		const [lead, outsider] = await Promise.all([
			openStream(nodes[0].url, bearer(world.token.lead)),
			openStream(nodes[0].url, bearer(world.token.outsider))
		]);
		try {
			await eventually(() => lead.inboxes.length === 1 && outsider.inboxes.length === 1, 5_000, 'first pages');
			const opened = await call(nodes[1].url, `/api/items/${world.evaluatedItem}/escalations`, world.token.ana, {
				reason: 'guideline_ambiguous',
				note: 'Across nodes'
			});
			expect(opened.status).toBe(201);
			const pushed = await eventually(() => lead.inboxes[1], 5_000, 'the push on node A');
			expect(pushed.notifications[0]).toMatchObject({
				kind: 'escalation.opened',
				data: { escalationId: opened.body.escalation.id }
			});
			expect(outsider.inboxes).toHaveLength(1);
		} finally {
			lead.close();
			outsider.close();
		}
	});

	it('closes a socket on node B when its token is revoked through node A, and node B refuses the token', async () => {
		const made = await call(nodes[0].url, '/api/tokens', world.token.ana, { name: 'cluster socket' });
		expect(made.status).toBe(201);
		const token = made.body.token as string;
		const ana = connect(nodes[1].url, roomName('session', world.sessionId), token);
		await ana.synced;
		// Node B now remembers who the token signs in, for longer than this test runs (TEST_CREDENTIAL_CACHE_MS).
		expect((await call(nodes[1].url, '/api/me', token)).status).toBe(200);
		const res = await fetch(`${nodes[0].url}/api/tokens/${made.body.id as string}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${world.token.ana}` }
		});
		expect(res.status).toBeLessThan(300);
		expect((await ana.closed).code).toBe(4401);
		// The socket closed on node A's order; the order to forget went before it on the same bus.
		expect((await call(nodes[1].url, '/api/me', token)).status).toBe(401);
		ana.destroy();
	});

	it('gives each escalation exactly one claimer when two leads claim through different nodes at once', async () => {
		for (const id of raceIds) {
			const answers = await Promise.all([
				call(nodes[0].url, `/api/escalations/${id}/claim`, world.token.lead, {}),
				call(nodes[1].url, `/api/escalations/${id}/claim`, lead2.token, {}),
				call(nodes[1].url, `/api/escalations/${id}/claim`, world.token.lead, {}),
				call(nodes[0].url, `/api/escalations/${id}/claim`, lead2.token, {})
			]);
			expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
		}
	});

	it('delivers a webhook once, whichever node handled the event, with both nodes dispatching', async () => {
		const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
		const hook = await call(nodes[0].url, `/api/projects/${world.projectId}/webhooks`, world.token.lead, {
			url,
			events: ['escalation.opened']
		});
		expect(hook.status).toBe(201);
		const opened = await call(nodes[1].url, `/api/items/${world.plainItem}/escalations`, world.token.chen, {
			reason: 'other',
			note: 'once, please'
		});
		expect(opened.status).toBe(201);
		await eventually(() => webhookHits.length >= 1, 10_000, 'the delivery');
		// Give any second delivery (another node resuming or retrying it) time to arrive.
		await new Promise((r) => setTimeout(r, 1500));
		const forThis = webhookHits.filter((b) => b.includes(opened.body.escalation.id as string));
		expect(forThis).toHaveLength(1);
	});

	it('counts failed sign-ins across nodes', async () => {
		const attempt = (node: ChildServer, password: string) =>
			fetch(`${node.url}/api/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', origin: node.url },
				body: JSON.stringify({ email: 'pm@collab.test', password })
			}).then((r) => r.status);
		// 10 failures per (email, address) are allowed: 5 on each node use them up together.
		for (let i = 0; i < 10; i++) expect(await attempt(nodes[i % 2], 'wrong-password')).toBe(401);
		expect(await attempt(nodes[0], 'wrong-password')).toBe(429);
		expect(await attempt(nodes[1], 'wrong-password')).toBe(429);
	});

	it('deactivating an account through node A closes its socket and ends its stream on node B', async () => {
		const chen = connect(nodes[1].url, roomName('guideline', world.guidelineId), world.token.chen);
		await chen.synced;
		const stream = await openStream(nodes[1].url, { authorization: `Bearer ${world.token.chen}` });
		try {
			await eventually(() => stream.inboxes.length === 1, 5_000, 'the first page');
			const res = await fetch(`${nodes[0].url}/api/admin/users/${world.userId.chen}`, {
				method: 'PATCH',
				headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ active: false })
			});
			expect(res.status).toBe(200);
			expect((await chen.closed).code).toBe(4401);
			await eventually(() => stream.ended, 5_000, 'the stream on node B to end');
		} finally {
			stream.close();
			chen.destroy();
		}
	});

	it('refuses an autosave through node A once ben no longer scores, his role changed through node B', async () => {
		const made = await call(nodes[1].url, `/api/projects/${world.projectId}/rubrics`, world.token.lead, {
			name: 'Cluster rubric',
			definition: REVIEW_RUBRIC
		});
		expect(made.status).toBe(201);
		const save = (rationale: string) =>
			call(nodes[0].url, `/api/items/${world.plainItem}/evaluations`, world.token.ben, {
				rubricId: made.body.rubric.id,
				rationale,
				state: 'draft'
			});
		const setRole = (role: string) =>
			fetch(`${nodes[1].url}/api/projects/${world.projectId}/members`, {
				method: 'PUT',
				headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ email: 'ben@collab.test', role })
			});
		// Two saves through node A: the second is checked against the context node A read for the first.
		expect((await save('first')).status).toBe(201);
		expect((await save('second')).status).toBe(201);
		expect((await setRole('manager')).status).toBe(200);
		try {
			expect((await save('as a manager')).status).toBe(403);
		} finally {
			expect((await setRole('evaluator')).status).toBe(200);
		}
		const kept = await call(nodes[0].url, `/api/items/${world.plainItem}/evaluations`, world.token.ben);
		expect(kept.body.evaluations.map((e: { rationale: string }) => e.rationale)).toEqual(['second']);
	});

	it('loses no update any client had received when a node is killed while clients type', async () => {
		const room = roomName('guideline', world.guidelineId);
		// Through the proxy: round robin puts the clients on both nodes.
		const typists = [world.token.lead, lead2.token, world.token.lead, lead2.token].map((t) =>
			connect(proxy.url, room, t)
		);
		await Promise.all(typists.map((c) => c.synced));
		const seenBeforeKill = new Set<string>();
		let n = 0;
		const typing = setInterval(() => {
			for (const [i, c] of typists.entries()) if (c.provider.wsconnected) addParagraph(c.doc, `k${i}-${n}`);
			n++;
		}, 20);
		await new Promise((r) => setTimeout(r, 400));
		// Everything a client shows now was broadcast by a server, so it was committed first.
		for (const c of typists) for (const p of paragraphs(c.doc)) seenBeforeKill.add(p);
		nodes[0].proc.kill('SIGKILL');
		await new Promise((r) => setTimeout(r, 600));
		clearInterval(typing);
		await eventually(() => typists.every((c) => c.provider.wsconnected && c.provider.synced), 15_000, 'reconnected');
		const fresh = connect(proxy.url, room, world.token.lead);
		await fresh.synced;
		await eventually(
			() => typists.every((c) => paragraphs(c.doc).length === paragraphs(fresh.doc).length),
			10_000,
			'all clients converged on the surviving node'
		);
		const survived = new Set(paragraphs(fresh.doc));
		const lost = [...seenBeforeKill].filter((p) => !survived.has(p));
		expect(lost).toEqual([]);
		expect(seenBeforeKill.size).toBeGreaterThan(40);
	}, 60_000);
});
