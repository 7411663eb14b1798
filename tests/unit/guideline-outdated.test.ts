// The one rule of the "outdated guideline" flag (domain/guideline.ts: guidelineIsOutdated), case by case.
import { describe, expect, it } from 'vitest';
import { guidelineIsOutdated } from '../../server/domain/guideline';

const v1 = { id: 'v1', number: 1 };
const v2 = { id: 'v2', number: 2 };

describe('guidelineIsOutdated', () => {
	it('flags work given an older version than the current one, not the current one', () => {
		expect(guidelineIsOutdated(v1, v2)).toBe(true);
		expect(guidelineIsOutdated(v2, v2)).toBe(false);
	});

	it('flags nothing while the project has no published version', () => {
		expect(guidelineIsOutdated({ id: '', number: null }, null)).toBe(false);
		expect(guidelineIsOutdated(v1, null)).toBe(false);
	});

	it('work given no guideline, or one no longer known, is behind any published version', () => {
		expect(guidelineIsOutdated({ id: '', number: null }, v1)).toBe(true);
		expect(guidelineIsOutdated({ id: 'gone', number: null }, v1)).toBe(true);
	});

	it('a version of the same number under another id is not older (another guideline document)', () => {
		expect(guidelineIsOutdated({ id: 'other', number: 2 }, v2)).toBe(false);
	});
});
