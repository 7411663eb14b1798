// Agreement engine speed: Krippendorff's alpha (interval and nominal) on 1,000,000 ratings (100,000 items × 10
// raters), again with 10 % of the ratings missing, and Fleiss' kappa on 100,000 items × 10 raters, against the naive reference implementations
// in agreement-reference.ts measured in the same run on the same data. Prints the median ms of several runs and the
// ratio ours / reference, and checks that both give the same value. `npx tsx bench/agreement.ts`.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
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

export function run(): void {
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
