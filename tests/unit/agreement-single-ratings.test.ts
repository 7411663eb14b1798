// Percent agreement, Fleiss' kappa and Gwet's AC1 when some items carry a single rating (Gwet 2014, ch. 2, as in
// irrCAC): such items cannot form a pair, so they leave percent agreement alone, but their rating still counts in
// the category shares π_k that chance agreement is built from. Checked against values computed by hand here.
import { describe, expect, it } from 'vitest';
import {
	fleissKappa,
	gwetAC1,
	percentAgreement,
	toTable,
	type AgreementResult,
	type Rating
} from '#shared/agreement/index';

function valueOf(result: AgreementResult): number {
	if (!result.ok) throw new Error(`expected a value, got ${result.code}: ${result.reason}`);
	return result.value;
}

/**
 * i1: a a b   → pairs agreeing 2 of 6 = 1/3; shares a 2/3, b 1/3
 * i2: a b     → 0;                          shares a 1/2, b 1/2
 * i3: b       → no pair;                    shares b 1
 * i4: a a     → 1;                          shares a 1
 * pa = (1/3 + 0 + 1) / 3 = 4/9 over the 3 pairable items; π_a = (2/3 + 1/2 + 0 + 1) / 4 = 13/24, π_b = 11/24
 * over the 4 rated items. Fleiss pe = (169 + 121) / 576 = 145/288, κ = (128 − 145) / (288 − 145) = −17/143.
 * AC1 pe = 2 · (13/24)(11/24) / (2 − 1) = 143/288, AC1 = (128 − 143) / (288 − 143) = −15/145 = −3/29.
 */
const RATINGS: Rating[] = [
	{ item: 'i1', rater: 'r1', value: 'a' },
	{ item: 'i1', rater: 'r2', value: 'a' },
	{ item: 'i1', rater: 'r3', value: 'b' },
	{ item: 'i2', rater: 'r1', value: 'a' },
	{ item: 'i2', rater: 'r2', value: 'b' },
	{ item: 'i3', rater: 'r3', value: 'b' },
	{ item: 'i4', rater: 'r2', value: 'a' },
	{ item: 'i4', rater: 'r3', value: 'a' }
];

describe('multi-rater coefficients with single-rating items', () => {
	it('percent agreement averages over the items that have a pair', () => {
		const result = percentAgreement(RATINGS);
		expect(valueOf(result)).toBeCloseTo(4 / 9, 12);
		expect(result).toMatchObject({ items: 4, raters: 3, ratings: 8, itemsUsed: 3 });
	});

	it("Fleiss' kappa takes chance agreement from every rated item", () => {
		const result = fleissKappa(RATINGS);
		expect(valueOf(result)).toBeCloseTo(-17 / 143, 12);
		expect(result).toMatchObject({ items: 4, itemsUsed: 3 });
	});

	it("Gwet's AC1 takes chance agreement from every rated item", () => {
		expect(valueOf(gwetAC1(RATINGS))).toBeCloseTo(-3 / 29, 12);
	});

	it('gives the same values through the columnar table, and differs from dropping the single rating', () => {
		const table = toTable(RATINGS);
		expect(valueOf(fleissKappa(table))).toBeCloseTo(-17 / 143, 12);
		expect(valueOf(gwetAC1(table))).toBeCloseTo(-3 / 29, 12);
		const withoutSingle = RATINGS.filter((r) => r.item !== 'i3');
		// Without i3: π_a = (2/3 + 1/2 + 1) / 3 = 13/18, π_b = 5/18; pe = 194/324; κ = (4/9 − 194/324) / (130/324) = −50/130.
		expect(valueOf(fleissKappa(withoutSingle))).toBeCloseTo(-50 / 130, 12);
		expect(valueOf(percentAgreement(withoutSingle))).toBeCloseTo(4 / 9, 12);
	});
});
