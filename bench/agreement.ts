// Agreement engine speed: Krippendorff's alpha (interval and nominal) on 1,000,000 ratings (100,000 items × 10
// raters), again with 10 % of the ratings missing, and Fleiss' kappa on 100,000 items × 10 raters, against the naive reference implementations
// in agreement-reference.ts measured in the same run on the same data. Prints the median ms of several runs and the
// ratio ours / reference, and checks that both give the same value. `npx tsx bench/agreement.ts`.
// With SCALE_DATA_DIR=<a copy of a seed:scale data set>, also the agreement dashboard at that size through HTTP
// (a server started from the copy): the first request after start, warm p50/p99 of each dashboard endpoint, the
// request that finds another node's change (it waits for the rebuild), the background bootstrap intervals, and the
// server's resident memory, beside the targets of issue 19 and against `GET /api/health` in the same run.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDb, row } from '../server/db/client';
import { bumpEvaluationSeq } from '../server/db/project-counts';
import { rss, sequential, startNode } from './http';
import {
	fleissKappa,
	krippendorffAlpha,
	type AgreementResult,
	type Rating,
	type RatingTable
} from '#shared/agreement/index';
import { naiveAlpha, naiveFleiss, type PlainRating } from './agreement-reference';

const ITEMS = 100_000;
const RATERS = 10;

function lcg(seed: number): () => number {
	let state = seed >>> 0;
	return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Each item has a true value; raters agree with it most of the time. */
function dataset(
	kind: 'interval' | 'nominal',
	missing: number,
	seed: number
): { table: RatingTable; plain: PlainRating[] } {
	const random = lcg(seed);
	const n = ITEMS * RATERS;
	const itemIndex = new Int32Array(n);
	const raterIndex = new Int32Array(n);
	const values = new Float64Array(n);
	const plain: PlainRating[] = [];
	for (let i = 0, k = 0; i < ITEMS; i++) {
		const truth = kind === 'interval' ? Math.floor(random() * 101) : Math.floor(random() * 5);
		for (let r = 0; r < RATERS; r++, k++) {
			const noisy =
				kind === 'interval'
					? Math.max(0, Math.min(100, truth + Math.round((random() - 0.5) * 30)))
					: random() < 0.7
						? truth
						: Math.floor(random() * 5);
			const value = random() < missing ? NaN : noisy;
			itemIndex[k] = i;
			raterIndex[k] = r;
			values[k] = value;
			if (!Number.isNaN(value)) plain.push({ item: i, rater: r, value });
		}
	}
	return { table: { itemIndex, raterIndex, values, itemCount: ITEMS, raterCount: RATERS }, plain };
}

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

interface Timing<T> {
	/** Median wall-clock and process CPU milliseconds. */
	ms: number;
	cpu: number;
	value: T;
}

function time<T>(runs: number, fn: () => T): Timing<T> {
	let value = fn();
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < runs; i++) {
		const started = performance.now();
		const cpuStarted = process.cpuUsage();
		value = fn();
		const used = process.cpuUsage(cpuStarted);
		wall.push(performance.now() - started);
		cpu.push((used.user + used.system) / 1000);
	}
	return { ms: median(wall), cpu: median(cpu), value };
}

function valueOf(result: AgreementResult): number {
	if (!result.ok) throw new Error(`${result.metric} undefined: ${result.reason}`);
	return result.value;
}

function report(label: string, ours: Timing<number>, fromRows: Timing<number>, reference: Timing<number>): void {
	const same = Math.abs(ours.value - reference.value) < 1e-9 && Math.abs(fromRows.value - reference.value) < 1e-9;
	const figures = (t: Timing<number>) => `${t.ms.toFixed(1).padStart(8)} ms (cpu ${t.cpu.toFixed(1).padStart(7)} ms)`;
	console.log(label);
	console.log(`  ours, columnar typed arrays     ${figures(ours)}   value ${ours.value.toFixed(6)}`);
	console.log(`  ours, from long rows (+toTable) ${figures(fromRows)}`);
	console.log(`  naive reference (objects, Maps) ${figures(reference)}   value ${reference.value.toFixed(6)}`);
	const ratio = (a: Timing<number>) =>
		`${(a.ms / reference.ms).toFixed(3)} (cpu ${(a.cpu / reference.cpu).toFixed(3)})`;
	console.log(
		`  ratio ours/reference: columnar ${ratio(ours)}, rows ${ratio(fromRows)}   ${same ? 'values agree' : 'VALUES DIFFER'}`
	);
}

export async function run(): Promise<void> {
	if (process.env.SCALE_DATA_DIR) await runAtScale(process.env.SCALE_DATA_DIR);
	console.log(
		`medians of wall-clock and process CPU time; 1-minute load average ${loadavg()[0].toFixed(1)} (wall time inflates on a busy machine)`
	);
	for (const [level, missing] of [
		['interval', 0],
		['nominal', 0],
		['interval', 0.1]
	] as const) {
		const { table, plain } = dataset(level, missing, level === 'interval' ? 11 : 12);
		const rows: Rating[] = plain;
		// A fresh table object per run: preparation is cached per object and must be measured each time.
		const ours = time(7, () => valueOf(krippendorffAlpha({ ...table }, { level })));
		const fromRows = time(3, () => valueOf(krippendorffAlpha(rows, { level })));
		const reference = time(3, () => naiveAlpha(plain, level));
		const shape = `${ITEMS.toLocaleString('en')} items × ${RATERS} raters${missing ? `, ${missing * 100}% missing` : ''}`;
		report(
			`Krippendorff's alpha, ${level}, ${plain.length.toLocaleString('en')} ratings (${shape})`,
			ours,
			fromRows,
			reference
		);
	}
	const { table, plain } = dataset('nominal', 0, 13);
	const ours = time(7, () => valueOf(fleissKappa({ ...table })));
	const fromRows = time(3, () => valueOf(fleissKappa(plain)));
	const reference = time(3, () => naiveFleiss(plain));
	report(
		`Fleiss' kappa, ${ITEMS.toLocaleString('en')} items × ${RATERS} raters (${plain.length.toLocaleString('en')} ratings)`,
		ours,
		fromRows,
		reference
	);
}

const now = () => performance.now();
const PASSWORD = process.env.SCALE_PASSWORD ?? 'demo-pass-123';

async function signIn(url: string, email: string): Promise<(path: string) => Promise<Response>> {
	const login = await fetch(`${url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ email, password: PASSWORD })
	});
	if (!login.ok) throw new Error(`sign-in: ${login.status}`);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	return (path) => fetch(url + path, { headers: { cookie, origin: url } });
}

async function timed(send: () => Promise<Response>): Promise<{ ms: number; body: unknown }> {
	const started = now();
	const res = await send();
	const body: unknown = await res.json();
	if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
	return { ms: now() - started, body };
}

/**
 * CPU time a process has used (user + system, ms; Linux): beside wall-clock time, a figure that other work on a
 * shared machine inflates less (it still counts the server's own GC and SQLite threads).
 */
function cpuMs(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** Linux's USER_HZ (clock ticks per second in /proc/<pid>/stat). */
const CLOCK_TICKS = 100;

const ms = (v: number) => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
const line = (what: string, figure: string, target = '', met: boolean | null = null) =>
	console.log(`  ${what.padEnd(46)} ${figure.padEnd(30)} ${target}${met === null ? '' : met ? '  ✓' : '  ✗'}`);

interface DimensionBody {
	key: string;
	interval?: { refreshing: boolean };
}

/** The agreement dashboard at the size of the data set in `dataDir` (see the header). */
export async function runAtScale(dataDir: string): Promise<void> {
	// The record opened beside the server, as another node would: to find the project and to move its seq.
	const record = await openDb({ dataDir });
	const scale = await row<{ id: string }>(record.db, sql`select id from projects where name = 'Scale'`);
	if (!scale) throw new Error(`no Scale project in ${dataDir}`);
	const counts = (await row<{ n: number }>(
		record.db,
		sql`select count(*) as n from evaluations where project_id = ${scale.id} and state = 'submitted'`
	))!;
	const { url, pid, stop } = await startNode(dataDir, { CONCORD_DEMO: '0' });
	try {
		const lead = await signIn(url, 'lead@demo.test');
		const path = (p: string) => `/api/projects/${scale.id}${p}`;
		console.log(`\nAgreement dashboard at scale: ${counts.n.toLocaleString('en')} submitted evaluations in "Scale"`);
		const before = rss(pid);
		const cpuBefore = cpuMs(pid);
		const first = await timed(() => lead(path('/agreement')));
		const afterFirst = rss(pid);
		line('first /agreement after start', ms(first.ms), '≤ 2 s', first.ms <= 2000);
		line('  server CPU during it', ms(cpuMs(pid) - cpuBefore), `1-minute load average ${loadavg()[0].toFixed(1)}`);
		line(
			'  RSS: at start → peak after it',
			`${before.now.toFixed(0)} → ${afterFirst.peak.toFixed(0)} MiB`,
			'< 400 MiB',
			afterFirst.peak < 400
		);
		const endpoints = [
			'/agreement?by=evaluator',
			'/agreement/items',
			'/agreement/matrix',
			'/agreement/timeline',
			'/throughput'
		];
		for (const e of endpoints) {
			const { ms: took } = await timed(() => lead(path(e)));
			line(`first ${e}`, ms(took), `RSS peak so far ${rss(pid).peak.toFixed(0)} MiB`);
		}
		const health = await sequential(() => fetch(`${url}/api/health`), 200);
		line('reference: /api/health', `p50 ${ms(health.p50)}, p99 ${ms(health.p99)}`);
		const warm = async (when: string) => {
			for (const e of ['/agreement', ...endpoints]) {
				const figures = await sequential(() => lead(path(e)), 200);
				line(
					`warm ${e}${when}`,
					`p50 ${ms(figures.p50)}, p99 ${ms(figures.p99)}`,
					`p99 ≤ 200 ms (${(figures.p99 / health.p99).toFixed(1)}× health)`,
					figures.p99 <= 200
				);
			}
		};
		// Bootstrap intervals run in the background from the first answer on: how long until all are computed.
		await warm(', intervals computing');
		const started = now();
		for (;;) {
			const { body } = await timed(() => lead(path('/agreement')));
			const dims = (body as { dimensions: DimensionBody[] }).dimensions;
			if (dims.every((d) => !d.interval?.refreshing) || now() - started > 120_000) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		line('bootstrap intervals, all dimensions', `${((now() - started) / 1000).toFixed(1)} s more in the background`);
		await warm(', settled');
		line('RSS before the rebuild: now, peak', `${rss(pid).now.toFixed(0)}, ${rss(pid).peak.toFixed(0)} MiB`);
		// Another node's change: the seq moves without an announcement here, so the next request waits for the rebuild.
		await bumpEvaluationSeq(record.db, scale.id);
		const cpuBeforeRebuild = cpuMs(pid);
		const rebuilt = await timed(() => lead(path('/agreement')));
		line('request after another node’s change (rebuild)', ms(rebuilt.ms), '≤ 2 s', rebuilt.ms <= 2000);
		line('  server CPU during it', ms(cpuMs(pid) - cpuBeforeRebuild));
		line(
			'RSS at the end: now, peak',
			`${rss(pid).now.toFixed(0)}, ${rss(pid).peak.toFixed(0)} MiB`,
			'< 400 MiB',
			rss(pid).peak < 400
		);
	} finally {
		await record.close();
		await stop();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	if (process.env.SCALE_DATA_DIR) await runAtScale(process.env.SCALE_DATA_DIR);
	else await run();
}
