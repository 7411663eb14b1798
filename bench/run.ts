// `npm run bench`: runs every benchmark module in bench/ that exports run(), one after another, in one process.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Benchmarks also known by the name of what they measure: `npm run bench -- fanout` runs bench/collab.ts. */
const aliases: Record<string, string> = { fanout: 'collab' };
const only = process.argv.slice(2).map((name) => aliases[name] ?? name);
const files = readdirSync(here).filter(
	(f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_') && (!only.length || only.some((o) => f.includes(o)))
);

for (const file of files.sort()) {
	const { run } = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => void | Promise<void> };
	if (typeof run !== 'function') continue;
	console.log(`\n=== ${file.replace(/\.ts$/, '')} ===`);
	const started = performance.now();
	await run();
	console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(0);
