// Scale benchmark (`npm run bench -- scale`): Concord on a record of 100,000 items and about 270,000 submitted
// evaluations (`npm run seed:scale`), measured through HTTP against a server started from it, each figure printed
// beside the target of issue 19. References measured in the same run: `GET /api/health` (what the HTTP stack alone
// answers) and the demo project's queue in a record that holds only the demo workspace (the small-project ratio).
// The server, the load generator and SQLite share this machine's cores: read ratios rather than absolute figures.
// SCALE_ITEMS=N changes the size; SCALE_DATA_DIR=dir reuses (or keeps) a data set built before (with SCALE_PASSWORD,
// the demo password it was built with). SCALE_DB=postgres runs the same on PostgreSQL: a throw-away cluster with
// PostgreSQL's own durability defaults (as deployed), started like the tests' (tests/fixtures/postgres.ts).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiToken, crowd, rss, sequential, startNode } from './http';
import { createDatabase, startPostgres } from '../tests/fixtures/postgres';

/** The demo password the data set was built with (SCALE_PASSWORD when reusing one built by hand). */
const PASSWORD = process.env.SCALE_PASSWORD ?? 'bench-pass-123';
const ITEMS = Number(process.env.SCALE_ITEMS ?? 100_000);
const CONNECTIONS = 50;
const POSTGRES = process.env.SCALE_DB === 'postgres';
const now = () => performance.now();

/**
 * Builds the data set in `dataDir` (and the database of `env.DATABASE_URL`, if any) with the product's own
 * generator (a child process, as a user runs it).
 */
function seedScale(dataDir: string, env: Record<string, string>): Promise<number> {
	const started = now();
	return new Promise((resolve, reject) => {
		const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed-scale.ts', '--items', String(ITEMS)], {
			env: { ...process.env, ...env, DATA_DIR: dataDir, CONCORD_DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' },
			stdio: ['ignore', 'inherit', 'inherit']
		});
		proc.once('exit', (code) =>
			code === 0 ? resolve(now() - started) : reject(new Error(`seed:scale exited with ${code}`))
		);
	});
}

/** Concord over `dataDir` (or `env.DATABASE_URL`), with the demo workspace (seeded on an empty record). */
const startServer = (dataDir: string, env: Record<string, string>) =>
	startNode(dataDir, { ...env, CONCORD_DEMO: '1', CONCORD_DEMO_PASSWORD: PASSWORD });

function client(url: string, token: string) {
	const headers = { authorization: `Bearer ${token}` };
	return {
		token,
		async get<T>(path: string): Promise<T> {
			const res = await fetch(url + path, { headers });
			if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
			return (await res.json()) as T;
		},
		request: (path: string, init: RequestInit = {}) =>
			fetch(url + path, { ...init, headers: { ...headers, 'content-type': 'application/json' } })
	};
}
type Client = ReturnType<typeof client>;

const ms = (v: number) => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
const row = (what: string, figure: string, target: string, met: boolean | null) =>
	console.log(
		`  ${what.padEnd(34)} ${figure.padEnd(40)} ${target.padEnd(26)} ${met === null ? '' : met ? 'met' : 'MISSED'}`
	);

interface Workspace {
	lead: Client;
	ana: Client;
	scale: string;
	demo: string;
}

async function workspace(url: string): Promise<Workspace> {
	const lead = client(url, await apiToken(url, 'lead@demo.test', PASSWORD));
	const ana = client(url, await apiToken(url, 'ana@demo.test', PASSWORD));
	const { projects } = await lead.get<{ projects: { id: string; name: string }[] }>('/api/projects');
	const scale = projects.find((p) => p.name === 'Scale')?.id ?? '';
	const demo = projects.find((p) => p.name !== 'Scale')!.id;
	return { lead, ana, scale, demo };
}

/** The demo project's queue for Ana, p50 of sequential requests (the small-project reference). */
const demoQueue = (ws: Workspace) => sequential(() => ws.ana.request(`/api/projects/${ws.demo}/queue`), 200);

export async function run(): Promise<void> {
	const postgres = POSTGRES ? await startPostgres({ durable: true }) : null;
	try {
		await measure(postgres && ((name) => createDatabase(postgres.adminUrl, name)));
	} finally {
		await postgres?.stop();
	}
}

/** The benchmark on SQLite, or on PostgreSQL when `database` makes its databases. */
async function measure(database: ((name: string) => Promise<string>) | null): Promise<void> {
	const dialect = database ? 'PostgreSQL (durable defaults)' : 'SQLite';
	console.log(
		`machine: ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}; ${CONNECTIONS} connections; ${dialect}`
	);
	const envFor = async (name: string): Promise<Record<string, string>> =>
		database ? { DATABASE_URL: await database(name) } : {};
	// The small-project reference: a record that holds only the demo workspace.
	const smallDir = mkdtempSync(join(tmpdir(), 'concord-small-'));
	const small = await startServer(smallDir, await envFor('scale_small'));
	const smallQueue = await demoQueue(await workspace(small.url));
	await small.stop();
	rmSync(smallDir, { recursive: true, force: true });

	const keep = database ? undefined : process.env.SCALE_DATA_DIR;
	const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'concord-scale-'));
	const env = await envFor('scale_big');
	if (database || !existsSync(join(dataDir, 'concord.db'))) {
		const built = await seedScale(dataDir, env);
		console.log(`  data set: ${ITEMS} items built by seed:scale in ${(built / 1000).toFixed(1)} s`);
	}
	const server = await startServer(dataDir, env);
	const started = rss(server.pid);
	try {
		const ws = await workspace(server.url);
		if (!ws.scale) throw new Error('no Scale project in this data directory');
		// The crowd figures first: the agreement's first answer starts its bootstrap intervals in the background
		// (seconds of CPU in small slices), which would share the cores with them.
		const health = await crowd(server.url, () => ({ path: '/api/health' }));
		const asAna = { token: ws.ana.token };
		const queue = await crowd(server.url, () => ({ path: `/api/projects/${ws.scale}/queue` }), asAna);
		const { items } = await ws.ana.get<{ items: { id: string }[] }>(`/api/projects/${ws.scale}/items?limit=100`);
		const item = await crowd(server.url, (i) => ({ path: `/api/items/${items[i % items.length].id}` }), asAna);
		const escalations = await sequential(() => ws.lead.request(`/api/projects/${ws.scale}/escalations`), 100);
		const escalationPage = await ws.lead.get<{ escalations: unknown[]; nextCursor: string | null }>(
			`/api/projects/${ws.scale}/escalations`
		);
		const bigQueue = await demoQueue(ws);
		// Draft saves by the lead (who evaluates too, and has no evaluation in this project). Autosaves: 200 drafts in
		// progress (four per connection) saved in turn, as an editor saves what is being typed; the first save of
		// each inserts it, the other 97% update it. First saves: every save starts a draft on another item (an
		// insert, the item marked touched), which an evaluator does once per item.
		const rubricId = (await ws.lead.get<{ rubrics: { id: string }[] }>(`/api/projects/${ws.scale}/rubrics`)).rubrics[0]
			.id;
		const itemIds: string[] = [];
		let cursor: string | null = null;
		do {
			const page: { items: { id: string }[]; nextCursor: string | null } = await ws.lead.get(
				`/api/projects/${ws.scale}/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
			);
			itemIds.push(...page.items.map((i) => i.id));
			cursor = page.nextCursor;
		} while (cursor && itemIds.length < 20_000);
		const draftSave = (item: string, i: number) => ({
			path: `/api/items/${item}/evaluations`,
			method: 'POST' as const,
			body: JSON.stringify({ rubricId, rationale: `draft ${i}`, timeSpentMs: i, state: 'draft' })
		});
		const saves = await crowd(server.url, (i) => draftSave(itemIds[i % 200], i), { token: ws.lead.token });
		const firstSaves = await crowd(server.url, (i) => draftSave(itemIds[200 + (i % (itemIds.length - 200))], i), {
			token: ws.lead.token,
			seconds: 2
		});
		// The agreement's first request after start (nothing asked for agreement before), then warm.
		const firstStarted = now();
		await ws.lead.get(`/api/projects/${ws.scale}/agreement`);
		const agreementFirst = now() - firstStarted;
		const agreementPeak = rss(server.pid).peak;
		const agreementWarm = await sequential(() => ws.lead.request(`/api/projects/${ws.scale}/agreement`), 100);
		const exportStarted = now();
		const exported = await ws.lead.request(`/api/projects/${ws.scale}/export?format=jsonl`);
		const exportBytes = (await exported.arrayBuffer()).byteLength;
		const exportMs = now() - exportStarted;
		const end = rss(server.pid);

		console.log(
			`\n  ${'what'.padEnd(34)} ${'figure'.padEnd(40)} ${'target'.padEnd(26)}\n  ${'-'.repeat(34)} ${'-'.repeat(40)} ${'-'.repeat(26)}`
		);
		row('GET /api/health (reference)', `${health.rps.toFixed(0)} req/s, p99 ${ms(health.p99)}`, '', null);
		row(
			'evaluator queue',
			`p50 ${ms(queue.p50)}, p99 ${ms(queue.p99)}, ${queue.rps.toFixed(0)} req/s`,
			'p99 ≤ 50 ms, ≥ 2,000 req/s',
			queue.p99 <= 50 && queue.rps >= 2000
		);
		row('  queue / health throughput', `${(queue.rps / health.rps).toFixed(2)}×`, '', null);
		row(
			'small project queue (big / alone)',
			`${ms(bigQueue.p50)} / ${ms(smallQueue.p50)} = ${(bigQueue.p50 / smallQueue.p50).toFixed(2)}×`,
			'≤ 1.5×',
			bigQueue.p50 / smallQueue.p50 <= 1.5
		);
		row('one item', `p50 ${ms(item.p50)}, p99 ${ms(item.p99)}, ${item.rps.toFixed(0)} req/s`, '', null);
		row('agreement, first after start', ms(agreementFirst), '≤ 2 s', agreementFirst <= 2000);
		row(
			'agreement, warm',
			`p50 ${ms(agreementWarm.p50)}, p99 ${ms(agreementWarm.p99)}`,
			'p99 ≤ 200 ms',
			agreementWarm.p99 <= 200
		);
		row('RSS after the first agreement', `${agreementPeak.toFixed(0)} MiB peak`, '< 400 MiB', agreementPeak < 400);
		row(
			'escalation queue, first page',
			`p50 ${ms(escalations.p50)}, p99 ${ms(escalations.p99)} (${escalationPage.escalations.length} rows)`,
			'paged, ≤ 100 rows',
			escalationPage.escalations.length <= 100 && escalationPage.nextCursor !== null
		);
		row(
			'draft saves (autosaves)',
			`${saves.rps.toFixed(0)} req/s, p50 ${ms(saves.p50)}, p99 ${ms(saves.p99)}`,
			'≥ 2,000 req/s',
			saves.rps >= 2000
		);
		row('  saves / health throughput', `${(saves.rps / health.rps).toFixed(2)}×`, '', null);
		row(
			'  first saves (a new draft each)',
			`${firstSaves.rps.toFixed(0)} req/s, p50 ${ms(firstSaves.p50)}, p99 ${ms(firstSaves.p99)}`,
			'',
			null
		);
		row(
			'JSONL export',
			`${(exportMs / 1000).toFixed(1)} s, ${(exportBytes / 1024 / 1024).toFixed(0)} MiB`,
			'streaming (6.4 s before)',
			null
		);
		row('start-up', `${ms(server.startMs)} (demo only: ${ms(small.startMs)})`, '< 3 s', server.startMs < 3000);
		row('RSS after start', `${started.now.toFixed(0)} MiB`, '< 200 MiB', started.now < 200);
		row('RSS at the end', `${end.now.toFixed(0)} MiB (peak ${end.peak.toFixed(0)} MiB)`, '', null);
		const failed = queue.failed + item.failed + saves.failed + firstSaves.failed + health.failed;
		if (failed) console.log(`  (${failed} requests failed)`);
	} finally {
		await server.stop();
		if (!keep) rmSync(dataDir, { recursive: true, force: true });
	}
}
