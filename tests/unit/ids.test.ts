import { describe, expect, it } from 'vitest';
import { newId } from '../../server/domain/ids';

describe('newId', () => {
	it('is 16 url-safe characters that never start with "-" or "_" (CSV-formula and flag safe)', () => {
		const ids = Array.from({ length: 5000 }, newId);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
		expect(new Set(ids).size).toBe(ids.length);
	});
});
