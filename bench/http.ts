// What the HTTP benchmarks share: a Concord server started as deployed (a child process running scripts/start.js,
// what `npm start` runs), its memory from /proc, and latency of requests sent one after another. No run():
// bench/run.ts skips this file.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { launch, stopper } from './collab';
import { freePort } from '../tests/fixtures/free-port';

export interface Node {
	url: string;
	pid: number;
	/** From spawning the process to its "Concord is running" line. */
	startMs: number;
	stop: () => Promise<void>;
}

/** Starts Concord on a free loopback port over `dataDir` (plus `env`: DATABASE_URL, REDIS_URL, demo settings). */
export async function startNode(dataDir: string, env: Record<string, string> = {}): Promise<Node> {
	const port = await freePort();
	const started = performance.now();
	const { proc } = await launch(
		['scripts/start.js'],
		{ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
		(o) => o.includes('Concord is running')
	);
	return {
		url: `http://127.0.0.1:${port}`,
		pid: proc.pid!,
		startMs: performance.now() - started,
		stop: stopper(proc)
	};
}

/** A process's resident memory now and at its peak (VmHWM), in MiB (Linux). */
export function rss(pid: number): { now: number; peak: number } {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
	return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** p50 and p99 of `count` requests sent one after another (a person clicking, not a crowd); any failure throws. */
export async function sequential(send: () => Promise<Response>, count: number): Promise<{ p50: number; p99: number }> {
	const times: number[] = [];
	for (let i = 0; i < count; i++) {
		const started = performance.now();
		const res = await send();
		const body = await res.text();
		if (!res.ok) throw new Error(`${res.status} ${body.slice(0, 200)}`);
		times.push(performance.now() - started);
	}
	times.sort((a, b) => a - b);
	const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
	return { p50: at(0.5), p99: at(0.99) };
}

/** Throughput and latency of a crowd's answered requests (ms). */
export interface Crowd {
	rps: number;
	p50: number;
	p99: number;
	failed: number;
}

/** One request of a crowd: a GET of `path` unless a method and JSON body are given. */
export interface CrowdRequest {
	path: string;
	method?: 'GET' | 'POST';
	body?: string;
}

/**
 * `connections` keep-alive connections sending requests back to back for `seconds` after a one-second warm-up,
 * `next(i)` giving the i-th request (a Bearer `token` on each). The generator is autocannon, light enough that
 * the server, not the generator, is what saturates: Node's own fetch() spent a core of its own answering 1,700
 * health checks a second on the machine where autocannon sends 7,000.
 */
export async function crowd(
	url: string,
	next: (i: number) => CrowdRequest,
	{ token, connections = 50, seconds = 4 }: { token?: string; connections?: number; seconds?: number } = {}
): Promise<Crowd> {
	let i = 0;
	const run = (duration: number) =>
		autocannon({
			url,
			connections,
			duration,
			headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
			requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', ...next(i++) }) }]
		});
	await run(1); // warm-up: connections opened, code paths compiled
	const result = await run(seconds);
	return {
		rps: result.requests.total / seconds,
		p50: result.latency.p50,
		p99: result.latency.p99,
		failed: result.non2xx + result.errors + result.timeouts
	};
}

/** Signs `email` in and makes an API token for the benchmark's requests (Bearer). */
export async function apiToken(url: string, email: string, password: string): Promise<string> {
	const login = await fetch(`${url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ email, password })
	});
	if (!login.ok) throw new Error(`sign-in of ${email}: ${login.status}`);
	const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	const res = await fetch(`${url}/api/tokens`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url, cookie },
		body: JSON.stringify({ name: 'bench' })
	});
	return ((await res.json()) as { token: string }).token;
}
