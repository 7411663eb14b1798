// A judge's pacing holds across nodes: two Concord nodes (real processes on one PostgreSQL and one Redis) each work
// a run of the same judge against one local chat-completions server, and together they start no more requests per
// minute, and hold no more requests in flight, than the judge allows. A node that dies holding slots gives them up
// when their leases lapse.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { openDb } from '../../server/db/client';
import { redisPacing } from '../../server/cluster/redis-pacing';
import { addAdmin, seedWorld, type World } from '../collab/world';
import { startChildServer, type ChildServer } from '../fixtures/child-server';
import { startChatServer, type ChatServer } from '../fixtures/chat-completions';
import { RUBRIC, jsonl } from '../fixtures/exchange';
import { createTestDatabase } from '../fixtures/postgres';
import { startRedis, type TestRedis } from '../fixtures/redis';
import { eventually } from '../fixtures/server';

const dataDir = mkdtempSync(join(tmpdir(), 'concord-pacing-'));
let redis: TestRedis;
let chat: ChatServer;
let nodes: ChildServer[] = [];
let world: World;
let pid = '';

async function call(node: ChildServer, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
	const res = await fetch(node.url + path, {
		method,
		headers: {
			authorization: `Bearer ${world.token.lead}`,
			'content-type': typeof body === 'string' ? 'text/plain' : 'application/json'
		},
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
	});
	return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
	[redis, chat] = await Promise.all([startRedis(), startChatServer()]);
	const databaseUrl = await createTestDatabase();
	const opened = await openDb({ dataDir, databaseUrl });
	let admin: { token: string };
	try {
		world = await seedWorld(opened.db);
		admin = await addAdmin(opened.db, 'admin@pacing.test');
	} finally {
		await opened.close();
	}
	const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url };
	nodes = await Promise.all([startChildServer(dataDir, env), startChildServer(dataDir, env)]);
	// A project of its own with a rubric a judge can score by, and 40 text items r1…r40.
	const asAdmin = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
	const created = await fetch(`${nodes[0].url}/api/projects`, {
		method: 'POST',
		headers: asAdmin,
		body: JSON.stringify({ name: 'Paced', settings: { agreementThreshold: -1 } })
	});
	pid = ((await created.json()) as { project: { id: string } }).project.id;
	await fetch(`${nodes[0].url}/api/projects/${pid}/members`, {
		method: 'PUT',
		headers: asAdmin,
		body: JSON.stringify({ email: 'lead@collab.test', role: 'lead' })
	});
	expect((await call(nodes[0], `/api/projects/${pid}/rubrics`, { name: 'R', definition: RUBRIC })).status).toBe(201);
	const rows = Array.from({ length: 40 }, (_, i) => ({
		externalId: `r${i + 1}`,
		modality: 'text',
		payload: { prompt: `Question [[item:r${i + 1}]]`, response: 'Answer' }
	}));
	expect((await call(nodes[0], `/api/projects/${pid}/items/import`, jsonl(rows))).status).toBe(201);
}, 120_000);

afterAll(async () => {
	await Promise.all(nodes.map((n) => n.stop()));
	await chat?.close();
	await redis?.stop();
	rmSync(dataDir, { recursive: true, force: true });
});

/** The ids of items r<from>…r<to>. */
async function itemIds(from: number, to: number): Promise<string[]> {
	const page = await call(nodes[0], `/api/projects/${pid}/items?limit=100`);
	const byExternal = new Map<string, string>(
		page.body.items.map((i: { externalId: string; id: string }) => [i.externalId, i.id])
	);
	return Array.from({ length: to - from + 1 }, (_, i) => byExternal.get(`r${from + i}`)!);
}

/** One judge, a run of it started on each node (each node's runner takes the run it was woken for), both ended. */
async function runOnBothNodes(limits: { concurrency: number; requestsPerMinute: number }, halves: [number, number][]) {
	const judge = await call(nodes[0], `/api/projects/${pid}/judges`, {
		name: `Paced ${Math.random().toString(36).slice(2, 8)}`,
		baseUrl: chat.baseUrl,
		model: 'fixture-model',
		...limits
	});
	expect(judge.status).toBe(201);
	// One after the other: a runner woken for a run claims every claimable one, so the second run is created once the
	// first is taken, on the other node, whose runner takes it at once.
	const runs: string[] = [];
	for (const [n, [from, to]] of halves.entries()) {
		const res = await call(nodes[n], `/api/judges/${judge.body.judge.id}/runs`, { itemIds: await itemIds(from, to) });
		expect(res.status).toBe(201);
		runs.push(res.body.run.id);
		await eventually(
			async () => (await call(nodes[n], `/api/judge-runs/${res.body.run.id}`)).body.run.state === 'running',
			10_000,
			'the run claimed'
		);
	}
	for (const runId of runs)
		await eventually(
			async () => (await call(nodes[0], `/api/judge-runs/${runId}`)).body.run.state === 'done',
			60_000,
			`run ${runId} done`
		);
}

const itemNumber = (item: string | null) => Number(item?.slice(1));

describe('a judge’s pacing across two nodes', () => {
	it('keeps the requests per minute of both nodes’ runs within the judge’s limit', async () => {
		chat.requests.length = 0;
		// 300 a minute: one start every 200 ms, whichever node starts it.
		await runOnBothNodes({ concurrency: 2, requestsPerMinute: 300 }, [
			[1, 10],
			[11, 20]
		]);
		const times = chat.requests.map((r) => r.at).sort((a, b) => a - b);
		expect(times).toHaveLength(20);
		// In any two seconds at most 10 starts (12 with the requests' own jitter on the way); each node alone would
		// start 10, both together 20.
		for (const t of times) expect(times.filter((u) => u >= t && u < t + 2000).length).toBeLessThanOrEqual(12);
		expect(times.at(-1)! - times[0]).toBeGreaterThanOrEqual(19 * 200 * 0.85);
		// The two runs went on at the same time (one per node), not one after the other.
		const span = (half: (n: number) => boolean) => {
			const at = chat.requests.filter((r) => half(itemNumber(r.item))).map((r) => r.at);
			return [Math.min(...at), Math.max(...at)];
		};
		const [a, b] = [span((n) => n <= 10), span((n) => n > 10)];
		expect(b[0]).toBeLessThan(a[1]);
	});

	it('keeps the requests in flight of both nodes within the judge’s concurrency', async () => {
		chat.requests.length = 0;
		chat.latencyMs = 300;
		chat.maxInFlight = 0;
		try {
			await runOnBothNodes({ concurrency: 2, requestsPerMinute: 100_000 }, [
				[21, 28],
				[29, 36]
			]);
		} finally {
			chat.latencyMs = 0;
		}
		expect(chat.requests).toHaveLength(16);
		expect(chat.maxInFlight).toBe(2);
	});
});

describe('slots of a node that died', () => {
	it('are given to another node once their lease lapses', async () => {
		const [a, b] = [new Redis(redis.url), new Redis(redis.url)];
		const errors: unknown[] = [];
		try {
			const limits = { concurrency: 2, requestsPerMinute: 100_000 };
			const onA = redisPacing(a, 'node-a', 'judge:lease-test', limits, (e) => errors.push(e), 600);
			const onB = redisPacing(b, 'node-b', 'judge:lease-test', limits, (e) => errors.push(e), 600);
			// B holds one slot throughout (renewing it), A the other.
			expect(await onB.acquire(new AbortController().signal)).toBeTypeOf('function');
			expect(await onA.acquire(new AbortController().signal)).toBeTypeOf('function');
			// While A's slot is renewed, B waits for a second; then A dies without giving it back (no release, no renewal).
			const started = Date.now();
			const asked = onB.acquire(AbortSignal.timeout(10_000));
			await new Promise((r) => setTimeout(r, 1_000));
			a.disconnect();
			const release = await asked;
			expect(release).toBeTypeOf('function');
			expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
			release!();
		} finally {
			a.disconnect();
			b.disconnect();
		}
	});
});
