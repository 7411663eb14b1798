// Cluster benchmark (`npm run bench -- cluster`): Concord on PostgreSQL with Redis, one node and two nodes, against
// the same server on SQLite, measured in one run on one machine (servers, PostgreSQL, Redis and the load generator
// share its cores, so read the ratios rather than the absolute figures).
// - Fan-out: 200 clients in one room, p50/p99 from send to every other client; split over two nodes (every second
//   client on the other node, so most deliveries cross Redis) against all on one node.
// - REST writes: evaluation draft saves (committed before acknowledged) from 50 concurrent connections for a few
//   seconds; SQLite one node, PostgreSQL one node, PostgreSQL two nodes (connections split over the nodes).
// - Room load: a room with 5,000 logged updates, then compacted, loaded from PostgreSQL and from SQLite.
// PostgreSQL and Redis are started in temporary directories like the tests do (Debian packages postgresql-15 and
// redis-server must be installed).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { openDb, type OpenedDb } from '../server/db/client';
import { RoomStore } from '../server/collab/room-store';
import { createDatabase, startPostgres } from '../tests/fixtures/postgres';
import { startRedis } from '../tests/fixtures/redis';
import { measure, type Target } from './collab';
import { apiToken, startNode, type Node } from './http';

const PASSWORD = 'bench-pass-123';
const CLIENTS = 200;
const WRITERS = 50;
const WRITE_SECONDS = 4;
const now = () => performance.now();

/** A Concord node with the demo workspace, on SQLite under `dataDir` or on DATABASE_URL/REDIS_URL from `env`. */
const startConcord = (dataDir: string, env: Record<string, string>): Promise<Node> =>
	startNode(dataDir, { CONCORD_DEMO: '1', CONCORD_DEMO_PASSWORD: PASSWORD, ...env });

interface Workspace {
	token: string;
	rubricId: string;
	itemIds: string[];
}

/** Signs in the demo lead, makes an API token and finds the demo project's rubric and items. */
async function workspace(url: string): Promise<Workspace> {
	const token = await apiToken(url, 'lead@demo.test', PASSWORD);
	const get = async <T>(path: string) =>
		(await (await fetch(url + path, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
	const { projects } = await get<{ projects: { id: string }[] }>('/api/projects');
	const pid = projects[0].id;
	const { rubrics } = await get<{ rubrics: { id: string }[] }>(`/api/projects/${pid}/rubrics`);
	const { items } = await get<{ items: { id: string; modality: string }[] }>(`/api/projects/${pid}/items`);
	return { token, rubricId: rubrics[0].id, itemIds: items.map((i) => i.id) };
}

/** Draft saves from WRITERS concurrent loops spread over `urls`; returns saves per second. */
async function writeThroughput(urls: string[], ws: Workspace): Promise<number> {
	let ok = 0;
	let failed = 0;
	const end = now() + WRITE_SECONDS * 1000;
	await Promise.all(
		Array.from({ length: WRITERS }, async (_, w) => {
			const url = urls[w % urls.length];
			for (let i = 0; now() < end; i++) {
				const item = ws.itemIds[(w + i * WRITERS) % ws.itemIds.length];
				const res = await fetch(`${url}/api/items/${item}/evaluations`, {
					method: 'POST',
					headers: { authorization: `Bearer ${ws.token}`, 'content-type': 'application/json' },
					body: JSON.stringify({ rubricId: ws.rubricId, rationale: `draft ${i}`, timeSpentMs: i, state: 'draft' })
				});
				await res.arrayBuffer();
				if (res.status === 200 || res.status === 201) ok++;
				else failed++;
			}
		})
	);
	if (failed) console.log(`  (${failed} saves refused)`);
	return ok / WRITE_SECONDS;
}

function fanoutTarget(urls: string[], ws: Workspace): Target {
	let next = 0;
	const room = `item:${ws.itemIds[0]}`;
	return {
		name: `${urls.length} node(s)`,
		url: () => `${urls[next++ % urls.length].replace('http', 'ws')}/collab/${room}?token=${ws.token}`,
		memory: () => Promise.resolve(0),
		stop: () => Promise.resolve()
	};
}

async function roomLoad(database: OpenedDb): Promise<{ log: number; compacted: number }> {
	const store = new RoomStore(database);
	const room = 'guideline:bench-load';
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const text = doc.getText('content');
	for (let i = 0; i < 5000; i++) text.insert(text.length, `w${i} `);
	for (let i = 0; i < updates.length; i += 500)
		await store.appendMany(updates.slice(i, i + 500).map((update) => ({ room, update })));
	const time = async () => {
		const runs: number[] = [];
		for (let r = 0; r < 5; r++) {
			const started = now();
			const stored = await store.load(room);
			const copy = new Y.Doc();
			if (stored.snapshot) Y.applyUpdate(copy, stored.snapshot);
			for (const u of stored.updates) Y.applyUpdate(copy, u);
			runs.push(now() - started);
		}
		return runs.sort((a, b) => a - b)[2];
	};
	const log = await time();
	await store.saveSnapshot(room, Y.encodeStateAsUpdate(doc));
	return { log, compacted: await time() };
}

export async function run(): Promise<void> {
	console.log(`load average at start: ${loadavg()[0].toFixed(2)}`);
	const postgres = await startPostgres();
	const redis = await startRedis();
	const dirs: string[] = [];
	const dir = () => {
		const d = mkdtempSync(join(tmpdir(), 'concord-cluster-bench-'));
		dirs.push(d);
		return d;
	};
	const nodes: Node[] = [];
	try {
		// Room load, PostgreSQL against SQLite.
		const pgLoad = await openDb({ dataDir: dir(), databaseUrl: await createDatabase(postgres.adminUrl, 'bench_load') });
		const sqliteLoad = await openDb({ dataDir: dir() });
		const loadPg = await roomLoad(pgLoad);
		const loadSqlite = await roomLoad(sqliteLoad);
		await pgLoad.close();
		await sqliteLoad.close();

		// One SQLite node.
		const sqliteNode = await startConcord(dir(), {});
		nodes.push(sqliteNode);
		const sqliteWs = await workspace(sqliteNode.url);
		const writesSqlite = await writeThroughput([sqliteNode.url], sqliteWs);
		await sqliteNode.stop();

		// Two PostgreSQL nodes with Redis; the first also serves the one-node figures.
		const env = { DATABASE_URL: await createDatabase(postgres.adminUrl, 'bench_cluster'), REDIS_URL: redis.url };
		const shared = dir();
		const a = await startConcord(shared, env);
		nodes.push(a);
		const ws = await workspace(a.url);
		const writesPg1 = await writeThroughput([a.url], ws);
		const one = await measure(fanoutTarget([a.url], ws), CLIENTS, 0);
		const b = await startConcord(shared, env);
		nodes.push(b);
		const writesPg2 = await writeThroughput([a.url, b.url], ws);
		const two = await measure(fanoutTarget([a.url, b.url], ws), CLIENTS, 0);

		const f = (n: number) => n.toFixed(1);
		console.log(`\nFan-out, ${CLIENTS} clients in one room (PostgreSQL + Redis):`);
		console.log(`  one node:  p50 ${f(one.p50)} ms, p99 ${f(one.p99)} ms, ${Math.round(one.updatesPerSec)} updates/s`);
		console.log(`  two nodes: p50 ${f(two.p50)} ms, p99 ${f(two.p99)} ms, ${Math.round(two.updatesPerSec)} updates/s`);
		console.log(`  two nodes add ${f(two.p99 - one.p99)} ms to p99 (goal ≤ 2 ms)`);
		console.log(`\nEvaluation draft saves, ${WRITERS} connections, ${WRITE_SECONDS} s:`);
		console.log(`  SQLite, one node:      ${Math.round(writesSqlite)} saves/s`);
		console.log(`  PostgreSQL, one node:  ${Math.round(writesPg1)} saves/s (${f(writesPg1 / writesSqlite)}× SQLite)`);
		console.log(
			`  PostgreSQL, two nodes: ${Math.round(writesPg2)} saves/s (${(writesPg2 / writesPg1).toFixed(2)}× one node; goal ≥ 1.6×)`
		);
		console.log(`\nLoading a room of 5,000 updates (median of 5):`);
		console.log(`  from the log: PostgreSQL ${f(loadPg.log)} ms, SQLite ${f(loadSqlite.log)} ms`);
		console.log(`  compacted:    PostgreSQL ${f(loadPg.compacted)} ms, SQLite ${f(loadSqlite.compacted)} ms`);
	} finally {
		for (const n of nodes) await n.stop().catch(() => {});
		await redis.stop();
		await postgres.stop();
		for (const d of dirs) rmSync(d, { recursive: true, force: true });
	}
	console.log(`load average at end: ${loadavg()[0].toFixed(2)}`);
}
