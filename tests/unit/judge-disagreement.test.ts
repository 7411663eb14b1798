// When a judge differs from the human majority (server/domain/judge-disagreement.ts): median on ordered
// dimensions (options by position), the most frequent value on nominal ones, no majority on a tie.
import { describe, expect, it } from 'vitest';
import { judgeDisagreements } from '../../server/domain/judge-disagreement';
import type { RubricDimension } from '../../src/lib/shared/rubric';

const likert: RubricDimension = {
	key: 'q',
	label: 'Quality',
	scale: 'likert',
	level: 'ordinal',
	min: 1,
	max: 5
} as RubricDimension;
const binary = { key: 'safe', label: 'Safe', scale: 'binary', level: 'nominal' } as RubricDimension;
const graded = {
	key: 'pref',
	label: 'Preference',
	scale: 'categorical',
	level: 'ordinal',
	options: [
		{ value: 'A', label: 'A' },
		{ value: 'tie', label: 'Tie' },
		{ value: 'B', label: 'B' }
	]
} as RubricDimension;
const text = { key: 'why', label: 'Why', scale: 'text', level: 'nominal' } as RubricDimension;

describe('judgeDisagreements', () => {
	it('measures ordered dimensions from the median, strictly over the threshold', () => {
		const people = [{ q: 1 }, { q: 2 }, { q: 4 }];
		expect(judgeDisagreements([likert], people, { q: 3 }, 1)).toEqual([]);
		expect(judgeDisagreements([likert], people, { q: 4 }, 1)).toEqual([
			{ key: 'q', judge: 4, majority: 2, distance: 2 }
		]);
		expect(judgeDisagreements([likert], [{ q: 1 }, { q: 4 }], { q: 4 }, 1)).toEqual([
			{ key: 'q', judge: 4, majority: 2.5, distance: 1.5 }
		]);
	});

	it('counts options by their position', () => {
		const people = [{ pref: 'A' }, { pref: 'A' }, { pref: 'tie' }];
		expect(judgeDisagreements([graded], people, { pref: 'tie' }, 1)).toEqual([]);
		expect(judgeDisagreements([graded], people, { pref: 'B' }, 1)).toMatchObject([{ key: 'pref', distance: 2 }]);
	});

	it('on nominal dimensions any difference from the majority counts, yes/no however given', () => {
		expect(judgeDisagreements([binary], [{ safe: true }, { safe: 1 }, { safe: false }], { safe: 1 }, 5)).toEqual([]);
		expect(judgeDisagreements([binary], [{ safe: true }, { safe: 1 }, { safe: false }], { safe: 0 }, 5)).toMatchObject([
			{ key: 'safe', judge: 0, majority: true }
		]);
		// A tie has no majority: nothing to hold against the judge.
		expect(judgeDisagreements([binary], [{ safe: true }, { safe: false }], { safe: false }, 0)).toEqual([]);
	});

	it('ignores free text, dimensions the judge left out, and orders the rest by distance', () => {
		const people = [{ q: 1, safe: true, why: 'a' }];
		const found = judgeDisagreements([text, binary, likert], people, { q: 5, safe: false, why: 'b' }, 0);
		expect(found.map((d) => d.key)).toEqual(['q', 'safe']);
		expect(judgeDisagreements([likert], people, {}, 0)).toEqual([]);
	});
});
