// The agreement engine against published worked examples (Krippendorff 2011, Fleiss via Wikipedia, a textbook
// Cohen's kappa), plus the interpretation bands and the level → metric default.
import { describe, expect, it } from 'vitest';
import {
	agreement,
	cohenKappa,
	fleissKappa,
	gwetAC1,
	interpretation,
	krippendorffAlpha,
	levelToMetric,
	percentAgreement,
	type AgreementResult
} from '#shared/agreement/index';
import { cohenTextbook, FLEISS_COUNTS, fromCounts, KRIPPENDORFF_2011 } from '../fixtures/agreement/worked-examples';

function valueOf(result: AgreementResult): number {
	if (!result.ok) throw new Error(`expected a value, got ${result.code}: ${result.reason}`);
	return result.value;
}

describe("Krippendorff's alpha: Krippendorff (2011) 4 observers × 12 units with missing data", () => {
	it.each([
		['nominal', 0.743],
		['ordinal', 0.815],
		['interval', 0.849],
		['ratio', 0.797]
	] as const)('%s alpha = %s', (level, published) => {
		const result = krippendorffAlpha(KRIPPENDORFF_2011, { level });
		expect(valueOf(result)).toBeCloseTo(published, 3);
		expect(result).toMatchObject({ metric: 'alpha', level, items: 12, raters: 4, ratings: 41, itemsUsed: 11 });
	});

	it('matches the exact fractions of the worked computation', () => {
		// Nominal, in Krippendorff's computational form α = 1 − (n − 1)(n − Σ_c o_cc) / (n² − Σ_c n_c²) with the
		// paper's coincidence totals: n = 40 pairable values, Σ o_cc = 32, n_c = 9, 13, 10, 5, 3 (Σ n_c² = 384).
		expect(valueOf(krippendorffAlpha(KRIPPENDORFF_2011, { level: 'nominal' }))).toBeCloseTo(
			1 - (39 * (40 - 32)) / (1600 - 384),
			12
		);
	});
});

describe("Fleiss' kappa: 10 subjects × 14 raters (Wikipedia / Fleiss 1971)", () => {
	const ratings = fromCounts(FLEISS_COUNTS);
	const columnTotals = [20, 28, 39, 21, 32];
	const pj = columnTotals.map((t) => t / 140);

	it('κ = 0.210, with P̄ = 0.378 as percent agreement', () => {
		expect(valueOf(fleissKappa(ratings))).toBeCloseTo(0.21, 3);
		expect(valueOf(percentAgreement(ratings))).toBeCloseTo(0.378, 3);
		const pBar = valueOf(percentAgreement(ratings));
		const pe = pj.reduce((s, p) => s + p * p, 0);
		expect(pe).toBeCloseTo(0.213, 3);
		expect(valueOf(fleissKappa(ratings))).toBeCloseTo((pBar - pe) / (1 - pe), 12);
	});

	it("Gwet's AC1 uses the same P̄ with chance Σ π(1 − π)/(q − 1)", () => {
		const pBar = valueOf(percentAgreement(ratings));
		const pe = pj.reduce((s, p) => s + p * (1 - p), 0) / 4;
		expect(valueOf(gwetAC1(ratings))).toBeCloseTo((pBar - pe) / (1 - pe), 12);
	});
});

describe("Cohen's kappa: textbook 2×2 (50 proposals, two readers)", () => {
	const ratings = cohenTextbook();

	it('κ = 0.4 (p_o = 0.7, p_e = 0.5); weights make no difference with two categories', () => {
		expect(valueOf(cohenKappa(ratings))).toBeCloseTo(0.4, 12);
		expect(valueOf(cohenKappa(ratings, { weights: 'linear' }))).toBeCloseTo(0.4, 12);
		expect(valueOf(cohenKappa(ratings, { weights: 'quadratic' }))).toBeCloseTo(0.4, 12);
		expect(valueOf(percentAgreement(ratings))).toBeCloseTo(0.7, 12);
		expect(cohenKappa(ratings)).toMatchObject({
			metric: 'cohen',
			weights: 'none',
			level: 'nominal',
			items: 50,
			raters: 2,
			ratings: 100,
			itemsUsed: 50
		});
	});

	it("Gwet's AC1 for two raters: π_yes = 0.55, p_e = 2·0.55·0.45 = 0.495", () => {
		expect(valueOf(gwetAC1(ratings))).toBeCloseTo((0.7 - 0.495) / (1 - 0.495), 12);
	});

	it('agreement() dispatches on the metric', () => {
		expect(valueOf(agreement(ratings, { metric: 'cohen' }))).toBeCloseTo(0.4, 12);
		expect(valueOf(agreement(ratings, { metric: 'percent' }))).toBeCloseTo(0.7, 12);
		expect(agreement(KRIPPENDORFF_2011)).toMatchObject({ metric: 'alpha', level: 'nominal' });
	});
});

describe('interpretation and defaults', () => {
	it("Krippendorff's bands at 0.667 and 0.8", () => {
		expect(interpretation(0.85).band).toBe('reliable');
		expect(interpretation(0.8).band).toBe('reliable');
		expect(interpretation(0.7).band).toBe('tentative');
		expect(interpretation(0.667).band).toBe('tentative');
		expect(interpretation(0.5).band).toBe('unreliable');
		expect(interpretation(-0.2).band).toBe('unreliable');
	});

	it('Landis & Koch bands', () => {
		const band = (v: number) => interpretation(v, 'landis-koch').band;
		expect([-0.1, 0, 0.2, 0.3, 0.5, 0.7, 0.8, 0.95, 1].map(band)).toEqual([
			'poor',
			'slight',
			'slight',
			'fair',
			'moderate',
			'substantial',
			'substantial',
			'almost-perfect',
			'almost-perfect'
		]);
	});

	it('each measurement level maps to alpha at that level, with matching kappa weights', () => {
		expect(levelToMetric('nominal')).toEqual({ metric: 'alpha', level: 'nominal', weights: 'none' });
		expect(levelToMetric('ordinal')).toEqual({ metric: 'alpha', level: 'ordinal', weights: 'linear' });
		expect(levelToMetric('interval')).toEqual({ metric: 'alpha', level: 'interval', weights: 'quadratic' });
		expect(levelToMetric('ratio')).toEqual({ metric: 'alpha', level: 'ratio', weights: 'quadratic' });
	});
});
