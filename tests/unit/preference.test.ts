// Preference pairs: reading preference values, the strict plurality rule (ties skipped), and pair building.
import { describe, expect, it } from 'vitest';
import type { RubricDimension } from '#shared/rubric';
import { majority, pairsFor, preferenceDimension, readPreference, TIE } from '../../server/domain/preference';

describe('readPreference', () => {
	const ids = ['A', 'B'];
	it('reads ids, strength markers, tie words and signed numbers', () => {
		expect(readPreference('A', ids)).toBe('A');
		expect(readPreference('b', ids)).toBe('B');
		expect(readPreference('A+', ids)).toBe('A');
		expect(readPreference('B_much', ids)).toBe('B');
		expect(readPreference('tie', ids)).toBe(TIE);
		expect(readPreference('Equal', ids)).toBe(TIE);
		expect(readPreference(-2, ids)).toBe('A');
		expect(readPreference(1, ids)).toBe('B');
		expect(readPreference(0, ids)).toBe(TIE);
	});
	it('returns null for what it cannot read', () => {
		expect(readPreference('C', ids)).toBeNull();
		expect(readPreference(true, ids)).toBeNull();
		expect(readPreference(2, ['A', 'B', 'C'])).toBeNull();
		expect(readPreference('about A', ids)).toBeNull();
	});
});

describe('majority', () => {
	it('needs a strict plurality that is not a tie', () => {
		expect(majority(['A', 'A', 'B']).winner).toBe('A');
		expect(majority(['A', 'B']).winner).toBeNull();
		expect(majority(['tie', 'tie', 'A']).winner).toBeNull();
		expect(majority(['A', 'A', 'tie', 'tie']).winner).toBeNull();
		expect(majority([]).winner).toBeNull();
		expect(majority(['B', 'A', 'B', 'C']).votes).toEqual({ B: 2, A: 1, C: 1 });
	});
});

describe('pairsFor and preferenceDimension', () => {
	it('pairs the chosen response with every other one', () => {
		const payload = {
			prompt: 'p',
			responses: [
				{ id: 'A', text: 'a' },
				{ id: 'B', text: 'b' },
				{ id: 'C', text: 'c' }
			]
		};
		expect(pairsFor(payload, 'B')).toEqual([
			{ prompt: 'p', chosen: 'b', rejected: 'a', chosenId: 'B', rejectedId: 'A' },
			{ prompt: 'p', chosen: 'b', rejected: 'c', chosenId: 'B', rejectedId: 'C' }
		]);
		expect(pairsFor(payload, 'Z')).toEqual([]);
	});
	it('finds the pairwise-scale dimension that applies to pairwise items', () => {
		const dimensions: RubricDimension[] = [
			{ key: 'q', label: 'Q', scale: 'likert', level: 'ordinal', required: true },
			{ key: 'other', label: 'O', scale: 'pairwise', level: 'nominal', required: true, modalities: ['text'] },
			{ key: 'pref', label: 'P', scale: 'pairwise', level: 'ordinal', required: true }
		];
		expect(preferenceDimension({ dimensions, flags: [], tags: [], spanLabels: [] })?.key).toBe('pref');
	});
});
