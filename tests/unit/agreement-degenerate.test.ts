// Degenerate and awkward inputs: every metric answers with a value or an explicit refusal (code + reason), never
// NaN and never a throw; missing ratings are skipped the same way in both input shapes.
import { describe, expect, it } from 'vitest';
import {
	agreement,
	cohenKappa,
	gwetAC1,
	krippendorffAlpha,
	METRICS,
	toTable,
	type AgreementOptions,
	type AgreementResult,
	type Level,
	type Rating
} from '#shared/agreement/index';
import { mulberry32 } from '#shared/agreement/index';
import { KRIPPENDORFF_2011 } from '../fixtures/agreement/worked-examples';

const LEVELS: Level[] = ['nominal', 'ordinal', 'interval', 'ratio'];
const EVERY: AgreementOptions[] = [
	...LEVELS.map((level) => ({ metric: 'alpha' as const, level })),
	...METRICS.filter((m) => m !== 'alpha').map((metric) => ({ metric }))
];

const r = (item: string | number, rater: string | number, value: Rating['value']): Rating => ({ item, rater, value });

function refusals(rows: readonly Rating[], metrics = EVERY): string[] {
	return metrics.map((o) => {
		const result = agreement(rows, o);
		return result.ok ? `ok ${result.value}` : result.code;
	});
}

describe('refusals', () => {
	it('no ratings at all', () => {
		expect(new Set(refusals([]))).toEqual(new Set(['no-ratings']));
		expect(new Set(refusals([r(1, 'a', null), r(2, 'b', '')]))).toEqual(new Set(['no-ratings']));
	});

	it('one rater', () => {
		expect(new Set(refusals([r(1, 'a', 1), r(2, 'a', 2), r(3, 'a', 1)]))).toEqual(new Set(['one-rater']));
	});

	it('no item rated by two raters', () => {
		const rows = [r(1, 'a', 1), r(2, 'b', 2), r(3, 'a', 3), r(4, 'b', 1)];
		expect(new Set(refusals(rows))).toEqual(new Set(['no-pairable-values']));
		const result = krippendorffAlpha(rows);
		expect(result).toMatchObject({ ok: false, items: 4, raters: 2, ratings: 4, itemsUsed: 0 });
		expect(!result.ok && result.reason).toMatch(/two or more raters/);
	});

	it('a single category: chance-corrected coefficients refuse, percent agreement is 1', () => {
		const rows = [1, 2, 3].flatMap((item) => ['a', 'b', 'c'].map((rater) => r(item, rater, 4)));
		const pairs = [1, 2, 3].flatMap((item) => ['a', 'b'].map((rater) => r(item, rater, 'x')));
		expect(LEVELS.map((level) => (krippendorffAlpha(rows, { level }) as { code?: string }).code)).toEqual([
			'one-category',
			'one-category',
			'one-category',
			'one-category'
		]);
		expect(agreement(rows, { metric: 'fleiss' })).toMatchObject({ ok: false, code: 'one-category' });
		expect(agreement(rows, { metric: 'ac1' })).toMatchObject({ ok: false, code: 'one-category' });
		expect(agreement(rows, { metric: 'percent' })).toMatchObject({ ok: true, value: 1 });
		for (const weights of ['none', 'linear', 'quadratic'] as const)
			expect(cohenKappa(pairs, { weights })).toMatchObject({ ok: false, code: 'one-category' });
	});

	it('AC1 knows unused categories of the scale: one used category out of two gives AC1 = percent agreement = 1', () => {
		const rows = [1, 2, 3].flatMap((item) => ['a', 'b'].map((rater) => r(item, rater, 'yes')));
		expect(gwetAC1(toTable(rows, { categories: ['no', 'yes'] }))).toMatchObject({ ok: true, value: 1 });
	});

	it('a rater rating an item twice', () => {
		const rows = [r(1, 'ana', 1), r(1, 'ben', 2), r(1, 'ana', 2)];
		for (const result of EVERY.map((o) => agreement(rows, o))) {
			expect(result).toMatchObject({ ok: false, code: 'duplicate-rating' });
			expect(!result.ok && result.reason).toBe('rater ana rated item 1 more than once');
		}
	});

	it('Cohen needs exactly two raters, or two picked ones', () => {
		expect(cohenKappa(KRIPPENDORFF_2011)).toMatchObject({ ok: false, code: 'not-two-raters' });
		expect(cohenKappa(KRIPPENDORFF_2011, { raters: ['A', 'Z'] })).toMatchObject({
			ok: false,
			code: 'not-two-raters',
			reason: 'rater Z is not in the data'
		});
		expect(cohenKappa(KRIPPENDORFF_2011, { raters: ['A', 'B'] })).toMatchObject({ ok: true, itemsUsed: 9 });
		expect(cohenKappa([r(1, 'a', 1), r(2, 'b', 1)])).toMatchObject({ ok: false, code: 'no-pairable-values' });
	});

	it('levels that do not fit the values', () => {
		const labels = [r(1, 'a', 'good'), r(1, 'b', 'bad'), r(2, 'a', 'good'), r(2, 'b', 'good')];
		expect(krippendorffAlpha(labels, { level: 'interval' })).toMatchObject({ ok: false, code: 'non-numeric-values' });
		expect(krippendorffAlpha(labels, { level: 'ordinal' }).ok).toBe(true);
		const negative = [r(1, 'a', -1), r(1, 'b', 2), r(2, 'a', 3), r(2, 'b', 3)];
		expect(krippendorffAlpha(negative, { level: 'ratio' })).toMatchObject({ ok: false, code: 'negative-values' });
	});

	it('malformed columnar input', () => {
		const bad = {
			itemIndex: new Int32Array([0, 1]),
			raterIndex: new Int32Array([0]),
			values: new Float64Array([1, 2])
		};
		expect(krippendorffAlpha(bad)).toMatchObject({ ok: false, code: 'invalid-input' });
		const infinite = {
			itemIndex: new Int32Array([0, 0]),
			raterIndex: new Int32Array([0, 1]),
			values: new Float64Array([1, Infinity])
		};
		expect(krippendorffAlpha(infinite)).toMatchObject({ ok: false, code: 'invalid-input' });
		const outOfRange = {
			itemIndex: new Int32Array([0, 5]),
			raterIndex: new Int32Array([0, 1]),
			values: new Float64Array([1, 2]),
			itemCount: 2
		};
		expect(krippendorffAlpha(outOfRange)).toMatchObject({ ok: false, code: 'invalid-input' });
		expect(krippendorffAlpha(toTable([r(1, 'a', 'x')], { categories: ['y'] }))).toMatchObject({
			ok: false,
			code: 'invalid-input'
		});
	});
});

describe('missing data', () => {
	it('null, undefined, empty and NaN values are missing ratings, in rows and in columns', () => {
		const withGaps = [...KRIPPENDORFF_2011, r(12, 'A', null), r(12, 'C', undefined), r(12, 'D', ''), r(11, 'A', NaN)];
		for (const level of LEVELS) {
			const plain = krippendorffAlpha(
				KRIPPENDORFF_2011.filter((x) => x.value !== null),
				{ level }
			);
			expect(krippendorffAlpha(withGaps, { level })).toEqual(plain);
			expect(krippendorffAlpha(KRIPPENDORFF_2011, { level })).toEqual(plain);
		}
	});

	it('numbers given as labels ("1".."5") give the same coefficients as the numbers', () => {
		const asText = KRIPPENDORFF_2011.map((x) => ({ ...x, value: x.value === null ? null : String(x.value) }));
		for (const level of LEVELS)
			expect(krippendorffAlpha(asText, { level })).toEqual(krippendorffAlpha(KRIPPENDORFF_2011, { level }));
	});
});

describe('never NaN', () => {
	it('random tiny data sets: a finite value or a reason, for every metric and level', () => {
		const random = mulberry32(7);
		const pick = (n: number) => Math.floor(random() * n);
		for (let round = 0; round < 400; round++) {
			const rows: Rating[] = [];
			const items = 1 + pick(3);
			const raters = 1 + pick(3);
			const categories = 1 + pick(3);
			for (let i = 0; i < items; i++)
				for (let j = 0; j < raters; j++) if (random() < 0.7) rows.push(r(i, j, pick(categories) * 2));
			for (const o of EVERY) {
				const result: AgreementResult = agreement(rows, o);
				if (result.ok) expect(Number.isFinite(result.value), JSON.stringify({ rows, o, result })).toBe(true);
				else expect(result.reason.length).toBeGreaterThan(0);
			}
		}
	});
});
