// Percentile bootstrap confidence interval for Krippendorff's alpha, resampling items (units) with replacement.
// Deterministic: a seeded PRNG (mulberry32) drives the draws, so the same data, seed and sample count always give
// the same interval. Replicates whose values show no spread are skipped (alpha is undefined for them).
import { alphaSums, noSpread, type AlphaParts } from './alpha-parts';
import type { BootstrapOptions, ConfidenceInterval } from './types';

/** A small, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function quantile(sorted: Float64Array, p: number): number {
	const at = (sorted.length - 1) * p;
	const lo = Math.floor(at);
	const hi = Math.min(lo + 1, sorted.length - 1);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Units that hold the same values (the same codes with the same counts; for interval data the same m, Σx, Σx²,
 * Σ(x − x̄)²) add the same to every sum, so a replicate only needs how often each such pattern was drawn. Returns
 * each unit's pattern and parts with one unit per pattern: with a few raters on a small scale, 100,000 items make
 * a few dozen patterns, and a replicate costs its draws plus a sum over the patterns.
 */
function byPattern(parts: AlphaParts): { of: Int32Array; parts: AlphaParts } {
	const U = parts.m.length;
	const of = new Int32Array(U);
	const first = new Map<string, number>();
	const keep: number[] = [];
	for (let k = 0; k < U; k++) {
		let key: string;
		if (parts.kind === 'interval') key = `${parts.m[k]} ${parts.sum[k]} ${parts.sq[k]} ${parts.ss[k]}`;
		else {
			key = `${parts.m[k]}`;
			for (let j = parts.off[k]; j < parts.off[k + 1]; j++) key += ` ${parts.code[j]}:${parts.count[j]}`;
		}
		let p = first.get(key);
		if (p === undefined) {
			p = keep.push(k) - 1;
			first.set(key, p);
		}
		of[k] = p;
	}
	const pick = (a: Float64Array) => Float64Array.from(keep, (k) => a[k]);
	const unitItem = Int32Array.from(keep, (k) => parts.unitItem[k]);
	if (parts.kind === 'interval')
		return {
			of,
			parts: {
				...parts,
				unitItem,
				m: pick(parts.m),
				sum: pick(parts.sum),
				sq: pick(parts.sq),
				ss: pick(parts.ss)
			}
		};
	const off = new Int32Array(keep.length + 1);
	const code: number[] = [];
	const count: number[] = [];
	keep.forEach((k, p) => {
		for (let j = parts.off[k]; j < parts.off[k + 1]; j++) {
			code.push(parts.code[j]);
			count.push(parts.count[j]);
		}
		off[p + 1] = code.length;
	});
	return {
		of,
		parts: {
			...parts,
			unitItem,
			m: pick(parts.m),
			off,
			code: Int32Array.from(code),
			count: Float64Array.from(count)
		}
	};
}

/**
 * The bootstrap as steps: yields after each replicate and returns the interval (null when fewer than two
 * replicates produced a value). A caller that must not hold the thread for the whole bootstrap (a server computing
 * it for 100,000 items) runs a few steps at a time; bootstrapAlpha runs them all at once.
 */
export function* bootstrapSteps(
	parts: AlphaParts,
	options: BootstrapOptions = {}
): Generator<void, ConfidenceInterval | null, void> {
	const samples = Math.max(1, Math.floor(options.samples ?? 1000));
	const level = options.level ?? 0.95;
	const seed = options.seed ?? 1;
	const random = mulberry32(seed);
	const U = parts.m.length;
	const patterns = byPattern(parts);
	const weight = new Float64Array(patterns.parts.m.length);
	const found = new Float64Array(samples);
	let k = 0;
	for (let s = 0; s < samples; s++) {
		// Draw U units with replacement; each draw counts for the unit's pattern.
		weight.fill(0);
		for (let i = 0; i < U; i++) weight[patterns.of[Math.floor(random() * U)]]++;
		const sums = alphaSums(patterns.parts, weight);
		if (sums.n >= 2 && !noSpread(patterns.parts, sums)) found[k++] = 1 - sums.observed / sums.expected;
		yield;
	}
	if (k < 2) return null;
	const sorted = found.subarray(0, k).sort();
	const tail = (1 - level) / 2;
	return { low: quantile(sorted, tail), high: quantile(sorted, 1 - tail), level, samples: k, seed };
}

/** The interval, or null when fewer than two replicates produced a value. */
export function bootstrapAlpha(parts: AlphaParts, options: BootstrapOptions = {}): ConfidenceInterval | null {
	const steps = bootstrapSteps(parts, options);
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}
