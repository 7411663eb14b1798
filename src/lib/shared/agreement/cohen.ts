// Cohen's kappa for two raters, unweighted or with linear / quadratic weights, on the items both raters rated.
// Weights use category positions: the table's categories when it has them (the full scale), otherwise the distinct
// values present in the paired ratings (as scikit-learn's cohen_kappa_score does). kappa = 1 − Σw·o / Σw·e, with
// the expected term in closed form (no V×V matrix), so it is O(n + V).
import { accept, commonRefusal, refuse, refuseWith, type Context } from './result';
import { asTable } from './table';
import type { AgreementResult, Level, RatingInput, RatingTable, Weights } from './types';
import { codeValues, prepare, type Units } from './units';

export interface CohenOptions {
	weights?: Weights;
	/** The two raters to compare (ids as in the input) when the data has more than two. */
	raters?: readonly [string | number, string | number];
	level?: Level;
}

const LEVEL_OF: Record<Weights, Level> = { none: 'nominal', linear: 'ordinal', quadratic: 'interval' };

function raterIndex(table: RatingTable, id: string | number): number {
	if (table.raterIds) return table.raterIds.findIndex((r) => r === id || String(r) === String(id));
	return typeof id === 'number' ? id : Number.parseInt(id, 10);
}

function pickRaters(units: Units, wanted?: CohenOptions['raters']): [number, number] | string {
	if (wanted) {
		const picked = wanted.map((id) => raterIndex(units.table, id));
		const bad = picked.findIndex((r) => !(r >= 0 && r < units.raterCount));
		if (bad >= 0) return `rater ${String(wanted[bad])} is not in the data`;
		if (picked[0] === picked[1]) return 'pick two different raters';
		return [picked[0], picked[1]];
	}
	if (units.ratersRated !== 2)
		return `Cohen's kappa compares exactly two raters; the data has ${units.ratersRated} (pick two, or use Fleiss' kappa or alpha)`;
	const seen = new Uint8Array(units.raterCount);
	units.raters.forEach((r) => (seen[r] = 1));
	const both = [...seen.keys()].filter((r) => seen[r]);
	return [both[0], both[1]];
}

/** Σ_i Σ_j a_i b_j w(i, j) for marginal counts a (rater A) and b (rater B), in O(V). */
function expectedDisagreement(a: Float64Array, b: Float64Array, weights: Weights): number {
	if (weights === 'none') return unweightedExpected(a, b);
	return weights === 'linear' ? linearExpected(a, b) : quadraticExpected(a, b);
}

function unweightedExpected(a: Float64Array, b: Float64Array): number {
	let na = 0;
	let nb = 0;
	let same = 0;
	for (let i = 0; i < a.length; i++) {
		na += a[i];
		nb += b[i];
		same += a[i] * b[i];
	}
	return na * nb - same;
}

/** Σ a_i b_j (i − j)² = n_b Σ a_i i² + n_a Σ b_j j² − 2 (Σ a_i i)(Σ b_j j). */
function quadraticExpected(a: Float64Array, b: Float64Array): number {
	const V = a.length;
	let na = 0;
	let nb = 0;
	let sa = 0;
	let sb = 0;
	let qa = 0;
	let qb = 0;
	for (let i = 0; i < V; i++) {
		na += a[i];
		nb += b[i];
		sa += i * a[i];
		sb += i * b[i];
		qa += i * i * a[i];
		qb += i * i * b[i];
	}
	return (nb * qa + na * qb - 2 * sa * sb) / ((V - 1) * (V - 1));
}

/** Σ a_i Σ_j b_j |i − j|, with the inner sum split at i using running totals of b. */
function linearExpected(a: Float64Array, b: Float64Array): number {
	const V = a.length;
	let nbAll = 0;
	let sbAll = 0;
	for (let j = 0; j < V; j++) {
		nbAll += b[j];
		sbAll += j * b[j];
	}
	let nb = 0;
	let sb = 0;
	let total = 0;
	for (let i = 0; i < V; i++) {
		nb += b[i];
		sb += i * b[i];
		total += a[i] * (i * nb - sb + (sbAll - sb) - i * (nbAll - nb));
	}
	return total / (V - 1);
}

function weightOf(weights: Weights, i: number, j: number, V: number): number {
	if (i === j) return 0;
	if (weights === 'none') return 1;
	const d = Math.abs(i - j) / (V - 1);
	return weights === 'linear' ? d : d * d;
}

export function cohenKappa(input: RatingInput, options: CohenOptions = {}): AgreementResult {
	const weights = options.weights ?? 'none';
	const ctx: Context = { metric: 'cohen', level: options.level ?? LEVEL_OF[weights], weights };
	const prepared = prepare(asTable(input));
	if (!prepared.ok) return refuseWith(ctx, null, prepared);
	const units = prepared.units;
	const common = commonRefusal(units);
	if (common) return refuseWith(ctx, units, common);
	const pair = pickRaters(units, options.raters);
	if (typeof pair === 'string') return refuse(ctx, units, 'not-two-raters', pair);
	const { codes, distinct } = codeValues(units);
	const fromA = new Int32Array(units.itemCount).fill(-1);
	const fromB = new Int32Array(units.itemCount).fill(-1);
	const used = new Uint8Array(distinct.length);
	let paired = 0;
	for (let u = 0; u < units.itemCount; u++) {
		for (let j = units.offsets[u]; j < units.offsets[u + 1]; j++) {
			if (units.raters[j] === pair[0]) fromA[u] = codes[j];
			else if (units.raters[j] === pair[1]) fromB[u] = codes[j];
		}
		if (fromA[u] >= 0 && fromB[u] >= 0) {
			paired++;
			used[fromA[u]] = used[fromB[u]] = 1;
		}
	}
	if (paired === 0) return refuse(ctx, units, 'no-pairable-values', 'the two raters have no item in common');
	const position = new Int32Array(distinct.length);
	let V = 0;
	for (let c = 0; c < distinct.length; c++) position[c] = units.table.categories || used[c] ? V++ : -1;
	const a = new Float64Array(V);
	const b = new Float64Array(V);
	let observed = 0;
	for (let u = 0; u < units.itemCount; u++) {
		if (fromA[u] < 0 || fromB[u] < 0) continue;
		const i = position[fromA[u]];
		const j = position[fromB[u]];
		a[i]++;
		b[j]++;
		observed += weightOf(weights, i, j, V);
	}
	const expected = V < 2 ? 0 : expectedDisagreement(a, b, weights);
	if (expected <= 0)
		return refuse(
			ctx,
			units,
			'one-category',
			'both raters used one and the same category, so chance agreement is total',
			paired
		);
	return accept(ctx, units, 1 - (observed * paired) / expected, paired);
}
