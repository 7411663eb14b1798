// Krippendorff's alpha decomposed per pairable unit (item with ≥ 2 values), so the point estimate, the bootstrap
// (units resampled with multiplicities) and the per-item disagreement all share one O(n) pass.
// Interval: closed-form sums per unit (no value matrix): Σ_{i≠j}(x_i − x_j)² = 2·m·Σ(x − x̄)².
// Nominal / ordinal / ratio: per-unit category counts (a sparse row of the coincidence matrix); expected
// disagreement over the V distinct values (nominal O(V), ordinal and ratio O(V²)).
// Formulas: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability".
import type { Level } from './types';
import { codeValues, type Units } from './units';

export interface IntervalParts {
	kind: 'interval';
	/** Item index of each pairable unit. */
	unitItem: Int32Array;
	m: Float64Array;
	/** Per unit: Σx, Σx², Σ(x − x̄)² of values centred on the overall mean of pairable values. */
	sum: Float64Array;
	sq: Float64Array;
	ss: Float64Array;
	/** Largest |x| among pairable values: the scale for telling rounding noise from real spread. */
	magnitude: number;
}

export interface CodedParts {
	kind: 'coded';
	level: Exclude<Level, 'interval'>;
	unitItem: Int32Array;
	m: Float64Array;
	/** Unit u's distinct codes and their counts are at off[u] .. off[u + 1] - 1. */
	off: Int32Array;
	code: Int32Array;
	count: Float64Array;
	/** Numeric value of each code (used by ratio). */
	distinct: Float64Array;
}

export type AlphaParts = IntervalParts | CodedParts;

export interface AlphaSums {
	/** Pairable values. */
	n: number;
	/** Observed and expected disagreement (Do, De). */
	observed: number;
	expected: number;
}

function pairableUnits(units: Units): Int32Array {
	const { offsets, itemCount } = units;
	let count = 0;
	for (let u = 0; u < itemCount; u++) if (offsets[u + 1] - offsets[u] >= 2) count++;
	const out = new Int32Array(count);
	let k = 0;
	for (let u = 0; u < itemCount; u++) if (offsets[u + 1] - offsets[u] >= 2) out[k++] = u;
	return out;
}

export function intervalParts(units: Units, numeric: Float64Array): IntervalParts {
	const { offsets } = units;
	const unitItem = pairableUnits(units);
	const U = unitItem.length;
	let total = 0;
	let n = 0;
	let magnitude = 0;
	for (let k = 0; k < U; k++) {
		const u = unitItem[k];
		for (let j = offsets[u]; j < offsets[u + 1]; j++) {
			total += numeric[j];
			magnitude = Math.max(magnitude, Math.abs(numeric[j]));
		}
		n += offsets[u + 1] - offsets[u];
	}
	const centre = n > 0 ? total / n : 0;
	const m = new Float64Array(U);
	const sum = new Float64Array(U);
	const sq = new Float64Array(U);
	const ss = new Float64Array(U);
	for (let k = 0; k < U; k++) {
		const u = unitItem[k];
		const a = offsets[u];
		const b = offsets[u + 1];
		let s = 0;
		let q = 0;
		for (let j = a; j < b; j++) {
			const x = numeric[j] - centre;
			s += x;
			q += x * x;
		}
		const mean = s / (b - a);
		let d = 0;
		for (let j = a; j < b; j++) {
			const x = numeric[j] - centre - mean;
			d += x * x;
		}
		m[k] = b - a;
		sum[k] = s;
		sq[k] = q;
		ss[k] = d;
	}
	return { kind: 'interval', unitItem, m, sum, sq, ss, magnitude };
}

/** `numericDistinct` replaces the code positions by numbers (ratio data given as numeric category labels). */
export function codedParts(units: Units, level: CodedParts['level'], numericDistinct?: Float64Array): CodedParts {
	const { offsets } = units;
	const { codes, distinct: positions } = codeValues(units);
	const distinct = numericDistinct ?? positions;
	const unitItem = pairableUnits(units);
	const U = unitItem.length;
	let n = 0;
	for (let k = 0; k < U; k++) n += offsets[unitItem[k] + 1] - offsets[unitItem[k]];
	const m = new Float64Array(U);
	const off = new Int32Array(U + 1);
	const code = new Int32Array(n);
	const count = new Float64Array(n);
	const slot = new Int32Array(distinct.length).fill(-1);
	let w = 0;
	for (let k = 0; k < U; k++) {
		const u = unitItem[k];
		const start = w;
		for (let j = offsets[u]; j < offsets[u + 1]; j++) {
			const c = codes[j];
			if (slot[c] < start) {
				slot[c] = w;
				code[w] = c;
				count[w++] = 1;
			} else count[slot[c]]++;
		}
		m[k] = offsets[u + 1] - offsets[u];
		off[k + 1] = w;
	}
	return { kind: 'coded', level, unitItem, m, off, code: code.subarray(0, w), count: count.subarray(0, w), distinct };
}

/** δ²(c, k) between two codes, given the marginal counts (ordinal needs their cumulative sums). */
export function distanceFn(parts: CodedParts, marginal: Float64Array): (c: number, k: number) => number {
	if (parts.level === 'nominal') return (c, k) => (c === k ? 0 : 1);
	if (parts.level === 'ratio') {
		const x = parts.distinct;
		return (c, k) => (c === k ? 0 : ((x[c] - x[k]) / (x[c] + x[k])) ** 2);
	}
	const cum = new Float64Array(marginal.length + 1);
	for (let c = 0; c < marginal.length; c++) cum[c + 1] = cum[c] + marginal[c];
	return (c, k) => {
		if (c === k) return 0;
		const lo = c < k ? c : k;
		const hi = c < k ? k : c;
		const d = cum[hi + 1] - cum[lo] - (marginal[lo] + marginal[hi]) / 2;
		return d * d;
	};
}

/** Σ over ordered value pairs within unit k of δ² (the unit's row of the coincidence matrix times δ²). */
export function unitPairSum(parts: CodedParts, k: number, delta: (c: number, k: number) => number): number {
	const a = parts.off[k];
	const b = parts.off[k + 1];
	if (parts.level === 'nominal') {
		let same = 0;
		for (let j = a; j < b; j++) same += parts.count[j] * parts.count[j];
		return parts.m[k] * parts.m[k] - same;
	}
	let s = 0;
	for (let i = a; i < b; i++)
		for (let j = i + 1; j < b; j++) s += 2 * parts.count[i] * parts.count[j] * delta(parts.code[i], parts.code[j]);
	return s;
}

/** How often each code occurs among the pairable values (units counted `weight[k]` times), and their total n. */
export function codedMarginals(
	parts: CodedParts,
	weight: Float64Array | null = null
): { n: number; marginal: Float64Array } {
	const marginal = new Float64Array(parts.distinct.length);
	let n = 0;
	for (let k = 0; k < parts.m.length; k++) {
		const w = weight ? weight[k] : 1;
		if (w === 0) continue;
		n += w * parts.m[k];
		for (let j = parts.off[k]; j < parts.off[k + 1]; j++) marginal[parts.code[j]] += w * parts.count[j];
	}
	return { n, marginal };
}

function codedSums(parts: CodedParts, weight: Float64Array | null): AlphaSums {
	const V = parts.distinct.length;
	const U = parts.m.length;
	const { n, marginal } = codedMarginals(parts, weight);
	if (n < 2) return { n, observed: 0, expected: 0 };
	const delta = distanceFn(parts, marginal);
	let observed = 0;
	for (let k = 0; k < U; k++) {
		const w = weight ? weight[k] : 1;
		if (w !== 0) observed += (w * unitPairSum(parts, k, delta)) / (parts.m[k] - 1);
	}
	let expected = 0;
	if (parts.level === 'nominal') {
		let same = 0;
		for (let c = 0; c < V; c++) same += marginal[c] * marginal[c];
		expected = n * n - same;
	} else {
		for (let c = 0; c < V; c++) {
			if (marginal[c] === 0) continue;
			for (let k = c + 1; k < V; k++) if (marginal[k] !== 0) expected += 2 * marginal[c] * marginal[k] * delta(c, k);
		}
	}
	return { n, observed: observed / n, expected: expected / (n * (n - 1)) };
}

function intervalSums(parts: IntervalParts, weight: Float64Array | null): AlphaSums {
	let n = 0;
	let s = 0;
	let q = 0;
	let observed = 0;
	for (let k = 0; k < parts.m.length; k++) {
		const w = weight ? weight[k] : 1;
		if (w === 0) continue;
		const m = parts.m[k];
		n += w * m;
		s += w * parts.sum[k];
		q += w * parts.sq[k];
		observed += (w * 2 * m * parts.ss[k]) / (m - 1);
	}
	if (n < 2) return { n, observed: 0, expected: 0 };
	const total = Math.max(0, q - (s * s) / n);
	return { n, observed: observed / n, expected: (2 * total) / (n - 1) };
}

/** True when the values show no spread at all (De is zero, up to rounding for interval data). */
export function noSpread(parts: AlphaParts, sums: AlphaSums): boolean {
	if (parts.kind === 'coded') return sums.expected <= 0;
	return sums.expected <= 1e-20 * parts.magnitude * parts.magnitude;
}

/** Do and De for the units, each counted `weight[k]` times (all once when weight is null). */
export function alphaSums(parts: AlphaParts, weight: Float64Array | null = null): AlphaSums {
	return parts.kind === 'interval' ? intervalSums(parts, weight) : codedSums(parts, weight);
}
