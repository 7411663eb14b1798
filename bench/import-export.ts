// Import + export of a large project: peak memory and time of the streaming pipeline (spooled upload, line-by-
// line validation into one transaction, export streamed from a snapshot with statement.iterate()) against a
// naive reference measured in the same run (whole body in memory, JSON.parse of every line into an array,
// insert, then .all() + one big string for the export). Each variant runs in its own child process so its peak
// RSS (getrusage maxRSS) is its own. `npx tsx bench/import-export.ts [items]` (default 100,000).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';

const DEFAULT_N = 100_000;
type Variant = 'streaming' | 'naive';

interface Figures {
	variant: Variant;
	items: number;
	importMs: number;
	exportMs: number;
	exportedLines: number;
	baselineRssMb: number;
	peakRssMb: number;
}

function* lines(n: number): Generator<string> {
	for (let i = 0; i < n; i++) {
		yield (
			JSON.stringify({
				externalId: `b-${i}`,
				modality: 'text',
				language: 'en',
				metadata: { batch: i % 10 },
				payload: {
					prompt: `Question number ${i}?`,
					response: `Answer number ${i}, with some text to make the line realistic.`
				}
			}) + '\n'
		);
	}
}

/** The upload as a network delivers it: ~64 KiB chunks, never the whole body at once. */
function* chunks(n: number): Generator<string> {
	let buf = '';
	for (const line of lines(n)) {
		buf += line;
		if (buf.length >= 65_536) {
			yield buf;
			buf = '';
		}
	}
	if (buf) yield buf;
}

/** One variant, in this (child) process: a real database and the real import/export code. */
async function child(variant: Variant, n: number): Promise<Figures> {
	const dataDir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
	const { loadConfig } = await import('../server/config');
	const { openDb, tx } = await import('../server/db/client');
	const { createLogger } = await import('../server/logger');
	const { createProject } = await import('../server/db/projects');
	const { insertItems } = await import('../server/db/items');
	const { importItems } = await import('../server/import/run-import');
	const { openExport } = await import('../server/export/context');
	const { itemsJsonl, itemRecord } = await import('../server/export/item-formats');
	const { textStream } = await import('../server/export/stream');
	const { itemInputSchema } = await import('#shared/items');
	const schema = await import('../drizzle/schema');
	const config = loadConfig({ DATA_DIR: dataDir, CONCORD_DEMO: '0' });
	const database = await openDb({ dataDir });
	const { db } = database;
	const logger = createLogger('silent');
	const deps = {
		db,
		database,
		config: { ...config, maxImportBytes: 1024 ** 3 },
		logger
	} as unknown as Parameters<typeof importItems>[0];
	await db.insert(schema.users).values({
		id: 'u1',
		email: 'b@bench.test',
		name: 'Bench',
		passwordHash: 'x',
		isAdmin: true,
		locale: null,
		createdAt: Date.now()
	});
	const project = await tx(db, (t) => createProject(t, { name: 'Bench' }, 'u1'));
	global.gc?.();
	const baselineRssMb = process.memoryUsage().rss / 1024 / 1024;

	let t0 = performance.now();
	if (variant === 'streaming') {
		await importItems(
			deps,
			project.id,
			{ id: 'u1', isAdmin: true },
			'jsonl',
			Readable.toWeb(Readable.from(chunks(n))) as ReadableStream<Uint8Array>
		);
	} else {
		const body = [...lines(n)].join('');
		const parsed = body
			.split('\n')
			.filter((l) => l.trim())
			.map((l) => itemInputSchema.parse(JSON.parse(l)));
		await tx(db, (t) => insertItems(t, project.id, parsed, 'u1'));
	}
	const importMs = performance.now() - t0;

	t0 = performance.now();
	let exportedLines = 0;
	if (variant === 'streaming') {
		const ctx = await openExport(database, project.id, {});
		const reader = textStream(itemsJsonl(ctx), logger, ctx.release).getReader();
		for (let r = await reader.read(); !r.done; r = await reader.read())
			for (const b of r.value) if (b === 10) exportedLines++;
	} else {
		const rows = await db.select().from(schema.items).where(eq(schema.items.projectId, project.id));
		const text =
			rows
				.map((r) =>
					JSON.stringify(
						itemRecord({
							...r,
							external_id: r.externalId,
							payload: JSON.stringify(r.payload),
							metadata: JSON.stringify(r.metadata),
							gold: r.gold ? JSON.stringify(r.gold) : null,
							created_at: r.createdAt
						})
					)
				)
				.join('\n') + '\n';
		exportedLines = text.split('\n').length - 1;
	}
	const exportMs = performance.now() - t0;
	await database.close();
	rmSync(dataDir, { recursive: true, force: true });
	return {
		variant,
		items: n,
		importMs,
		exportMs,
		exportedLines,
		baselineRssMb,
		peakRssMb: process.resourceUsage().maxRSS / 1024
	};
}

function runChild(variant: Variant, n: number): Promise<Figures> {
	return new Promise((resolve, reject) => {
		const proc = spawn(
			process.execPath,
			[...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--child', variant, String(n)],
			{ stdio: ['ignore', 'pipe', 'inherit'] }
		);
		let out = '';
		proc.stdout.on('data', (d) => (out += d));
		proc.on('error', reject);
		proc.on('exit', (code) => {
			const last = out.trim().split('\n').pop() ?? '';
			if (code === 0) resolve(JSON.parse(last) as Figures);
			else reject(new Error(`${variant} child exited with ${code}: ${out}`));
		});
	});
}

const fmt = (f: Figures) =>
	`${f.variant.padEnd(10)} import ${(f.importMs / 1000).toFixed(2)} s, export ${(f.exportMs / 1000).toFixed(2)} s (${f.exportedLines} lines), peak RSS ${f.peakRssMb.toFixed(0)} MB (baseline ${f.baselineRssMb.toFixed(0)} MB, growth ${(f.peakRssMb - f.baselineRssMb).toFixed(0)} MB)`;

export async function run(n = Number(process.env.BENCH_ITEMS ?? DEFAULT_N)): Promise<void> {
	const streaming = await runChild('streaming', n);
	const naive = await runChild('naive', n);
	console.log(
		`${n.toLocaleString('en')} text items, JSONL ≈ ${Math.round(([...lines(1)][0].length * n) / 1024 / 1024)} MB`
	);
	console.log(fmt(streaming));
	console.log(fmt(naive));
	const growth = (f: Figures) => Math.max(1, f.peakRssMb - f.baselineRssMb);
	console.log(
		`memory growth ratio naive / streaming: ${(growth(naive) / growth(streaming)).toFixed(2)}× (peak RSS ratio ${(naive.peakRssMb / streaming.peakRssMb).toFixed(2)}×)`
	);
	console.log(
		`time ratio naive / streaming: import ${(naive.importMs / streaming.importMs).toFixed(2)}×, export ${(naive.exportMs / streaming.exportMs).toFixed(2)}×`
	);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const args = process.argv.slice(2);
	if (args[0] === '--child') {
		const figures = await child(args[1] as Variant, Number(args[2]));
		process.stdout.write(JSON.stringify(figures) + '\n');
		process.exit(0);
	} else {
		await run(args[0] ? Number(args[0]) : undefined);
	}
}
