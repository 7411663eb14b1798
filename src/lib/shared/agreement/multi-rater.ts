// Percent agreement, Fleiss' kappa and Gwet's AC1 for any number of raters, with missing ratings, in Gwet's
// formulation (Handbook of Inter-Rater Reliability, 2014, ch. 2; as in the irrCAC package):
//   pa = mean over items rated by ≥ 2 raters of Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1))   (percent agreement)
//   π_k = mean over items rated by ≥ 1 rater of r_ik / r_i
//   Fleiss: pe = Σ π_k²            AC1: pe = Σ π_k (1 − π_k) / (q − 1)
// With every item rated by the same raters this is exactly Fleiss (1971). q is the number of categories: the
// table's categories when given, otherwise the distinct values observed. One O(n) pass.
import { accept, commonRefusal, NO_PAIRS, refuse, refuseWith, type Context } from './result';
import { asTable } from './table';
import type { AgreementResult, Level, RatingInput } from './types';
import { codeValues, prepare, type Units } from './units';

type MultiMetric = 'percent' | 'fleiss' | 'ac1';

interface Shares {
	pa: number;
	pi: Float64Array;
	itemsUsed: number;
}

function shares(units: Units): Shares {
	const { codes, distinct } = codeValues(units);
	const pi = new Float64Array(distinct.length);
	const count = new Float64Array(distinct.length);
	const touched = new Int32Array(distinct.length);
	let rated = 0;
	let pairable = 0;
	let pa = 0;
	for (let u = 0; u < units.itemCount; u++) {
		const a = units.offsets[u];
		const r = units.offsets[u + 1] - a;
		if (r === 0) continue;
		rated++;
		let t = 0;
		for (let j = a; j < a + r; j++) {
			const c = codes[j];
			if (count[c] === 0) touched[t++] = c;
			count[c]++;
		}
		let same = 0;
		for (let i = 0; i < t; i++) {
			const c = touched[i];
			pi[c] += count[c] / r;
			same += count[c] * (count[c] - 1);
			count[c] = 0;
		}
		if (r >= 2) {
			pairable++;
			pa += same / (r * (r - 1));
		}
	}
	for (let c = 0; c < pi.length; c++) pi[c] /= rated;
	return { pa: pairable ? pa / pairable : 0, pi, itemsUsed: pairable };
}

function multiRater(metric: MultiMetric, input: RatingInput, level: Level): AgreementResult {
	const ctx: Context = { metric, level };
	const prepared = prepare(asTable(input));
	if (!prepared.ok) return refuseWith(ctx, null, prepared);
	const units = prepared.units;
	const common = commonRefusal(units);
	if (common) return refuseWith(ctx, units, common);
	const { pa, pi, itemsUsed } = shares(units);
	if (itemsUsed === 0) return refuseWith(ctx, units, NO_PAIRS);
	if (metric === 'percent') return accept(ctx, units, pa, itemsUsed);
	const q = pi.length;
	const oneCategory = () =>
		refuse(ctx, units, 'one-category', 'every rating is the same category, so chance agreement is total', itemsUsed);
	if (q < 2) return oneCategory();
	let pe = 0;
	for (let c = 0; c < q; c++) pe += metric === 'fleiss' ? pi[c] * pi[c] : (pi[c] * (1 - pi[c])) / (q - 1);
	if (1 - pe <= 1e-12) return oneCategory();
	return accept(ctx, units, (pa - pe) / (1 - pe), itemsUsed);
}

/** Share of agreeing rater pairs per item, averaged over items rated by two or more raters. */
export function percentAgreement(input: RatingInput, options: { level?: Level } = {}): AgreementResult {
	return multiRater('percent', input, options.level ?? 'nominal');
}

export function fleissKappa(input: RatingInput, options: { level?: Level } = {}): AgreementResult {
	return multiRater('fleiss', input, options.level ?? 'nominal');
}

export function gwetAC1(input: RatingInput, options: { level?: Level } = {}): AgreementResult {
	return multiRater('ac1', input, options.level ?? 'nominal');
}
