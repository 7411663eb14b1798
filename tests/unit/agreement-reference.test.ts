// The agreement engine against an independent implementation on seeded random data with missing ratings:
// tests/fixtures/agreement/reference.json, written by make-reference.py from nltk (alpha), scikit-learn (Cohen's
// kappa) and statsmodels (Fleiss' kappa). Each case is also run through the columnar typed-array path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	agreement,
	toTable,
	type AgreementOptions,
	type Level,
	type Metric,
	type Rating,
	type RatingTable,
	type Weights
} from '#shared/agreement/index';

interface ReferenceCase {
	name: string;
	metric: Metric;
	level?: Level;
	weights?: Weights;
	expected: number;
	source: string;
	ratings: [string, string, number | string][];
}

const reference = JSON.parse(
	readFileSync(new URL('../fixtures/agreement/reference.json', import.meta.url), 'utf8')
) as { versions: Record<string, string>; cases: ReferenceCase[] };

function rows(c: ReferenceCase): Rating[] {
	return c.ratings.map(([item, rater, value]) => ({ item, rater, value }));
}

/** The same ratings as typed arrays, with extra NaN rows standing for missing ratings. */
function columnar(c: ReferenceCase): RatingTable {
	const long = toTable(rows(c));
	const n = long.values.length;
	const extra = Math.ceil(n / 10);
	const itemIndex = new Int32Array(n + extra);
	const raterIndex = new Int32Array(n + extra);
	const values = new Float64Array(n + extra).fill(NaN);
	for (let i = 0; i < n; i++) {
		const at = i + Math.floor(i / 10);
		itemIndex[at] = long.itemIndex[i];
		raterIndex[at] = long.raterIndex[i];
		values[at] = long.values[i];
	}
	return { itemIndex, raterIndex, values, categories: long.categories };
}

function options(c: ReferenceCase): AgreementOptions {
	return { metric: c.metric, level: c.level, weights: c.weights };
}

describe(`reference values (nltk ${reference.versions.nltk}, scikit-learn ${reference.versions.sklearn}, statsmodels ${reference.versions.statsmodels})`, () => {
	it('covers every metric the libraries provide', () => {
		const kinds = new Set(reference.cases.map((c) => `${c.metric}:${c.level ?? c.weights ?? ''}`));
		expect([...kinds].sort()).toEqual(
			[
				'alpha:interval',
				'alpha:nominal',
				'alpha:ordinal',
				'alpha:ratio',
				'cohen:linear',
				'cohen:none',
				'cohen:quadratic',
				'fleiss:'
			].sort()
		);
	});

	it.each(reference.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
		const fromRows = agreement(rows(c), options(c));
		const fromColumns = agreement(columnar(c), options(c));
		expect(fromRows.ok, JSON.stringify(fromRows)).toBe(true);
		expect(fromColumns.ok).toBe(true);
		if (!fromRows.ok || !fromColumns.ok) return;
		expect(fromRows.value).toBeCloseTo(c.expected, 9);
		expect(fromColumns.value).toBeCloseTo(fromRows.value, 12);
		expect(fromColumns.ratings).toBe(c.ratings.length);
	});
});
