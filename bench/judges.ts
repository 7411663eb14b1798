// A judge run over 1,000 items against the local chat-completions fixture with a fixed artificial latency and
// concurrency 8: how much time Concord adds per item beyond the endpoint's own latency (rendering the prompt,
// building the schema, the HTTP client, reading and checking the reply, the transaction that stores it and counts
// it, pacing). The figures, all measured in this run, against a bare client (the same number of requests, same
// bodies, same concurrency, by a loop of plain fetch calls):
//   ratio          run wall time (startedAt → finishedAt) / the bare client's wall time
//   by formula     run wall time × concurrency / items − latency
//   vs. the bare client   (run wall − bare wall) × concurrency / items
//   CPU per item   (process CPU during the run − CPU of the bare client's requests) / items: the work Concord adds
//                  to each item. Everything (server, endpoint, bare client) runs in this one process, so on a busy
//                  machine the wall figures grow with the load (every CPU millisecond waits for a core), while
//                  this one does not; on an idle machine with cores to spare the wall overhead by formula tends to it
//                  (each slot's item takes latency + its own work).
// Goal: < 5 ms per item added, checked on the CPU figure; the wall figures and the machine's load are printed beside
// it. `npm run bench -- judges` or `npx tsx bench/judges.ts`.
import { pathToFileURL } from 'node:url';
import { cpus, loadavg } from 'node:os';
import {
	getRunView,
	importTextItems,
	registerJudge,
	startJudgeWorld,
	startRun
} from '../tests/fixtures/judge-run-world';

const ITEMS = 1_000;
const CONCURRENCY = 8;
const LATENCY_MS = 20;
const GOAL_MS = 5;

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

const line = (what: string, figure: string, target = '', met: boolean | null = null) =>
	console.log(`  ${what.padEnd(44)} ${figure.padEnd(16)} ${target}${met === null ? '' : met ? '  ✓' : '  ✗'}`);

/** `count` requests with the given bodies, `concurrency` at a time, by plain fetch: the floor a run cannot beat. */
async function bareClient(url: string, bodies: unknown[], concurrency: number): Promise<number> {
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < bodies.length) {
				const body = bodies[next++];
				const res = await fetch(`${url}/chat/completions`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body)
				});
				await res.text();
			}
		})
	);
	return performance.now() - started;
}

export async function run(): Promise<void> {
	const w = await startJudgeWorld();
	try {
		const ids = await importTextItems(w, ITEMS, 'b');
		w.chat.latencyMs = LATENCY_MS;
		const judgeId = await registerJudge(w, { concurrency: CONCURRENCY, requestsPerMinute: 100_000 });
		const cpuAtStart = process.cpuUsage();
		const created = await startRun(w, judgeId, { itemIds: ids });
		let view = created.body.run;
		while (!['done', 'failed', 'cancelled'].includes(view.state)) {
			await new Promise((r) => setTimeout(r, 50));
			view = await getRunView(w, view.id);
		}
		if (view.state !== 'done' || view.done !== ITEMS) throw new Error(`the run ended ${JSON.stringify(view)}`);
		const runCpuMs = cpuMs(process.cpuUsage(cpuAtStart));
		const runMs = view.finishedAt - view.startedAt;
		const bodies = w.chat.requests.slice(-ITEMS).map((r) => r.body);
		const cpuBeforeBare = process.cpuUsage();
		const bareMs = await bareClient(w.chat.baseUrl, bodies, CONCURRENCY);
		const bareCpuMs = cpuMs(process.cpuUsage(cpuBeforeBare));
		const cpuPerItem = (runCpuMs - bareCpuMs) / ITEMS;
		const byFormula = (runMs * CONCURRENCY) / ITEMS - LATENCY_MS;
		const vsBare = ((runMs - bareMs) * CONCURRENCY) / ITEMS;
		line(`${ITEMS} items, concurrency ${CONCURRENCY}, latency`, `${LATENCY_MS} ms`);
		line('run wall time', `${(runMs / 1000).toFixed(2)} s`);
		line('bare client wall time (same requests)', `${(bareMs / 1000).toFixed(2)} s`);
		line('run wall / bare client wall', `${(runMs / bareMs).toFixed(2)}×`);
		line('machine load (1 min) / cores', `${loadavg()[0].toFixed(1)} / ${cpus().length}`);
		line('wall overhead per item, by formula', `${byFormula.toFixed(2)} ms`);
		line('wall overhead per item, vs. the bare client', `${vsBare.toFixed(2)} ms`);
		line('CPU per item added by Concord', `${cpuPerItem.toFixed(2)} ms`, `< ${GOAL_MS} ms`, cpuPerItem < GOAL_MS);
	} finally {
		await w.x.server.close();
		await w.chat.close();
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
