// Helpers around the coefficients: per-item disagreement (ranking ambiguous items), per-rater agreement with the
// others and with gold, per-dimension agreement, the seeded bootstrap interval, and the speed on a million ratings.
import { describe, expect, it } from 'vitest';
import {
	agreementByDimension,
	itemDisagreement,
	krippendorffAlpha,
	raterAgreement,
	type DimensionRating,
	type Level,
	type RatingTable
} from '#shared/agreement/index';
import { fromMatrix, KRIPPENDORFF_2011 } from '../fixtures/agreement/worked-examples';

const LEVELS: Level[] = ['nominal', 'ordinal', 'interval', 'ratio'];
const alphaOf = (level: Level) => {
	const result = krippendorffAlpha(KRIPPENDORFF_2011, { level });
	if (!result.ok) throw new Error(result.reason);
	return result.value;
};

describe('per-item disagreement', () => {
	it.each(LEVELS)('%s: most disagreed-on first; alpha = 1 − ratings-weighted mean disagreement', (level) => {
		const result = itemDisagreement(KRIPPENDORFF_2011, { level });
		if (!result.ok) throw new Error(result.reason);
		expect(result.items).toHaveLength(11);
		expect(result.items[0].item).toBe(6);
		expect(result.items.at(-1)!.disagreement).toBe(0);
		const scores = result.items.map((i) => i.disagreement);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		const n = result.items.reduce((s, i) => s + i.ratings, 0);
		const weighted = result.items.reduce((s, i) => s + (i.ratings / n) * i.disagreement, 0);
		expect(1 - weighted).toBeCloseTo(alphaOf(level), 12);
	});

	it('everyone agreeing everywhere gives 0 for every item, not NaN', () => {
		const result = itemDisagreement(
			fromMatrix([
				[1, 1],
				[1, 1]
			])
		);
		expect(result.ok && result.items.map((i) => i.disagreement)).toEqual([0, 0]);
	});

	it('refuses like alpha does', () => {
		expect(itemDisagreement([{ item: 1, rater: 'a', value: 1 }])).toMatchObject({ ok: false, code: 'one-rater' });
	});
});

describe('per-rater agreement', () => {
	it.each(LEVELS)('%s: alpha = 1 − ratings-weighted mean of per-value disagreement', (level) => {
		const result = raterAgreement(KRIPPENDORFF_2011, { level });
		if (!result.ok) throw new Error(result.reason);
		expect(result.raters.map((x) => x.rater)).toEqual(['A', 'B', 'C', 'D']);
		const n = result.raters.reduce((s, x) => s + x.items, 0);
		const combined = result.raters.reduce((s, x) => s + (x.items / n) * (1 - x.alpha!), 0);
		expect(1 - combined).toBeCloseTo(alphaOf(level), 12);
	});

	it('ranks the outlier last: C differs from everyone on items 2, 6 and 8 (nominal)', () => {
		const result = raterAgreement(KRIPPENDORFF_2011);
		if (!result.ok) throw new Error(result.reason);
		expect(
			[...result.raters]
				.sort((a, b) => a.alpha! - b.alpha!)
				.map((x) => x.rater)
				.slice(0, 2)
		).toEqual(['C', 'A']);
	});

	it('counts and percent agreement with the others', () => {
		const result = raterAgreement(KRIPPENDORFF_2011);
		if (!result.ok) throw new Error(result.reason);
		const a = result.raters[0];
		// A rated items 1–9; every one has other ratings: 26 pairs, of which only item 2 (C: 3), 6 (B 2, C 3, D 4) and 8 (C: 2) differ.
		expect(a).toMatchObject({ rater: 'A', ratings: 9, items: 9, pairs: 26 });
		expect(a.percent).toBeCloseTo(21 / 26, 12);
	});

	it('against gold / consensus: accuracy, drift and alpha with the gold as a second coder', () => {
		const gold = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 1, 3].map((value, i) => ({ item: i + 1, value }));
		const result = raterAgreement(KRIPPENDORFF_2011, { level: 'interval', gold });
		if (!result.ok) throw new Error(result.reason);
		const [a, b, c] = result.raters;
		expect(b.gold).toMatchObject({
			items: 11,
			percent: 1,
			meanDifference: 0,
			meanAbsDifference: 0,
			alpha: { ok: true, value: 1 }
		});
		expect(a.gold).toMatchObject({ items: 9, meanDifference: -1 / 9, meanAbsDifference: 1 / 9 });
		expect(a.gold!.percent).toBeCloseTo(8 / 9, 12);
		expect(c.gold!.meanDifference).toBeCloseTo(3 / 10, 12);
		expect(c.gold!.alpha.ok && c.gold!.alpha.value).toBeLessThan(a.gold!.alpha.ok ? a.gold!.alpha.value : 1);
	});

	it('gold values must fit the data', () => {
		const labels = KRIPPENDORFF_2011.map((x) => ({ ...x, value: x.value === null ? null : `c${x.value}` }));
		expect(raterAgreement(labels, { gold: [{ item: 1, value: 'c9' }] })).toMatchObject({
			ok: false,
			code: 'invalid-input'
		});
		const ok = raterAgreement(labels, { gold: [{ item: 1, value: 'c1' }] });
		expect(ok.ok && ok.raters[0].gold).toMatchObject({ items: 1, percent: 1, meanDifference: null });
	});
});

describe('per dimension', () => {
	it('each dimension at its own level, in the listed order; unlisted dimensions are ignored', () => {
		const rows: DimensionRating[] = [
			...KRIPPENDORFF_2011.map((x) => ({ ...x, dimension: 'accuracy' })),
			...KRIPPENDORFF_2011.map((x) => ({
				...x,
				dimension: 'safety',
				value: typeof x.value === 'number' ? (x.value > 2 ? 'unsafe' : 'safe') : null
			})),
			{ item: 1, rater: 'A', value: 'free text', dimension: 'notes' }
		];
		const result = agreementByDimension(rows, [
			{ key: 'safety', level: 'nominal' },
			{ key: 'accuracy', level: 'interval' },
			{ key: 'empty', level: 'ordinal' }
		]);
		expect(result.map((d) => d.dimension)).toEqual(['safety', 'accuracy', 'empty']);
		expect(result[1].result).toMatchObject({ ok: true, value: alphaOf('interval'), level: 'interval' });
		expect(result[0].result).toMatchObject({ ok: true, level: 'nominal', metric: 'alpha' });
		expect(result[2].result).toMatchObject({ ok: false, code: 'no-ratings' });
	});
});

/** mulberry32, the seeded generator the engine documents for its draws (restated here, not imported). */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A straightforward percentile bootstrap: draw the pairable items (two or more ratings, in item order) with
 * replacement, the same draws as the engine, build each replicate as a new rating list, take its alpha, and read
 * the (1 − c)/2 and (1 + c)/2 percentiles (linear interpolation between order statistics).
 */
function referenceInterval(
	ratings: readonly { item: string | number; rater: string | number; value: unknown }[],
	level: Level,
	seed: number,
	samples: number,
	confidence: number
) {
	const byItem = new Map<string | number, typeof ratings>();
	for (const r of ratings)
		if (r.value !== null && r.value !== undefined) byItem.set(r.item, [...(byItem.get(r.item) ?? []), r]);
	const units = [...byItem.entries()]
		.filter(([, rs]) => rs.length >= 2)
		.sort(([a], [b]) => Number(a) - Number(b))
		.map(([, rs]) => rs);
	const random = seeded(seed);
	const found: number[] = [];
	for (let s = 0; s < samples; s++) {
		const replicate = Array.from({ length: units.length }, (_, i) =>
			units[Math.floor(random() * units.length)].map((r) => ({ ...r, item: `${i}` }))
		);
		const result = krippendorffAlpha(replicate.flat() as never, { level });
		if (result.ok) found.push(result.value);
	}
	found.sort((x, y) => x - y);
	const at = (p: number) => {
		const pos = (found.length - 1) * p;
		const lo = Math.floor(pos);
		const hi = Math.min(lo + 1, found.length - 1);
		return found[lo] + (found[hi] - found[lo]) * (pos - lo);
	};
	return { low: at((1 - confidence) / 2), high: at((1 + confidence) / 2), samples: found.length };
}

describe('bootstrap confidence interval', () => {
	it.each(LEVELS)('%s: contains the estimate and is reproducible with a seed', (level) => {
		const first = krippendorffAlpha(KRIPPENDORFF_2011, { level, ci: { seed: 42, samples: 2000 } });
		const again = krippendorffAlpha(KRIPPENDORFF_2011, { level, ci: { seed: 42, samples: 2000 } });
		const other = krippendorffAlpha(KRIPPENDORFF_2011, { level, ci: { seed: 43, samples: 2000 } });
		if (!first.ok || !first.ci || !other.ok || !other.ci) throw new Error('expected an interval');
		expect(first.ci.low).toBeLessThanOrEqual(first.value);
		expect(first.ci.high).toBeGreaterThanOrEqual(first.value);
		expect(first.ci.high).toBeLessThanOrEqual(1);
		expect(first.ci).toMatchObject({ level: 0.95, seed: 42 });
		expect(first.ci.samples).toBeGreaterThan(1900);
		expect(again).toEqual(first);
		expect(other.ci).not.toEqual(first.ci);
	});

	it.each([
		['interval', 0.95],
		['nominal', 0.95],
		['interval', 0.9]
	] as const)(
		'%s, %s: its ends are the percentiles a plain resampling of items gives (width matches the level)',
		(level, confidence) => {
			const result = krippendorffAlpha(KRIPPENDORFF_2011, { level, ci: { seed: 7, samples: 400, level: confidence } });
			if (!result.ok || !result.ci) throw new Error('expected an interval');
			const reference = referenceInterval(KRIPPENDORFF_2011, level, 7, 400, confidence);
			expect(result.ci.samples).toBe(reference.samples);
			expect(result.ci.low).toBeCloseTo(reference.low, 9);
			expect(result.ci.high).toBeCloseTo(reference.high, 9);
			expect(result.ci.level).toBe(confidence);
		}
	);

	it('is narrower with more items', () => {
		const random = mulberryTable(2000, 5);
		const wide = krippendorffAlpha(random.small, { level: 'interval', ci: true });
		const narrow = krippendorffAlpha(random.large, { level: 'interval', ci: true });
		if (!wide.ok || !narrow.ok || !wide.ci || !narrow.ci) throw new Error('expected intervals');
		expect(narrow.ci.high - narrow.ci.low).toBeLessThan(wide.ci.high - wide.ci.low);
	});
});

/** A large interval data set as typed arrays: every item has a true score, raters add noise, 10 % missing. */
function generated(items: number, raters: number, seed = 3): RatingTable {
	let state = seed;
	const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
	const n = items * raters;
	const itemIndex = new Int32Array(n);
	const raterIndex = new Int32Array(n);
	const values = new Float64Array(n);
	for (let i = 0, k = 0; i < items; i++) {
		const truth = random() * 10;
		for (let r = 0; r < raters; r++, k++) {
			itemIndex[k] = i;
			raterIndex[k] = r;
			values[k] = random() < 0.1 ? NaN : Math.round(truth + (random() - 0.5) * 6);
		}
	}
	return { itemIndex, raterIndex, values, itemCount: items, raterCount: raters };
}

function mulberryTable(items: number, raters: number) {
	return { small: generated(items / 20, raters), large: generated(items, raters) };
}

describe('scale', () => {
	// Speed is measured by bench/agreement.ts (npm run bench), not here: this checks that a million ratings are
	// handled and that the engine does not mutate its input (a copy of the table gives the identical value).
	it('computes alpha on 1,000,000 ratings (100,000 items × 10 raters)', () => {
		const table = generated(100_000, 10);
		for (const level of ['interval', 'nominal'] as const) {
			const result = krippendorffAlpha({ ...table }, { level });
			expect(result).toMatchObject({ ok: true, items: 100_000, raters: 10 });
			const again = krippendorffAlpha(
				{
					...table,
					itemIndex: table.itemIndex.slice(),
					raterIndex: table.raterIndex.slice(),
					values: table.values.slice()
				},
				{ level }
			);
			expect(again.ok && result.ok && again.value).toBe(result.ok && result.value);
		}
	});
});
