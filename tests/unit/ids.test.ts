import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../server/domain/ids';

describe('newId', () => {
	it('is 16 url-safe characters that never start with "-" or "_" (CSV-formula and flag safe)', () => {
		const ids = Array.from({ length: 5000 }, newId);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('begins with its creation time, so rows written together sit together in every index keyed by id', () => {
		const at = Date.UTC(2031, 4, 17, 9, 30, 0, 123);
		vi.spyOn(Date, 'now').mockReturnValue(at);
		try {
			const ids = Array.from({ length: 1000 }, newId);
			for (const id of ids) expect(Buffer.from(id, 'base64url').readUIntBE(0, 6)).toBe(at);
			// The same moment, different ids: what follows the time is random.
			expect(new Set(ids.map((id) => id.slice(8))).size).toBe(ids.length);
		} finally {
			vi.restoreAllMocks();
		}
	});
});
