// Bootstrap intervals kept beside the figures (server/domain/agreement-intervals.ts): asking for one never computes
// it inside the asking request (its answer goes out first, marked refreshing); the interval arrives in the
// background, computed on the figures' version it was asked for.
import { describe, expect, it } from 'vitest';
import { toTable } from '#shared/agreement/index';
import { AgreementIntervals } from '../../server/domain/agreement-intervals';

/** 40 items × 3 raters, mostly agreeing. */
function ratings() {
	const rows = [];
	for (let i = 0; i < 40; i++)
		for (const [r, rater] of ['a', 'b', 'c'].entries())
			rows.push({ item: `i${i}`, rater, value: 1 + ((i + (r === 2 && i % 4 === 0 ? 1 : 0)) % 5) });
	return toTable(rows);
}

describe('bootstrap intervals', () => {
	it('are not computed while the request that asks waits, and arrive in the background', async () => {
		const failures: unknown[] = [];
		const intervals = new AgreementIntervals((err) => failures.push(err));
		let read = 0;
		const input = () => {
			read++;
			return { table: ratings(), level: 'ordinal' as const };
		};
		const first = intervals.view('scope quality', 1, 1000, input);
		expect(first).toMatchObject({ low: null, high: null, refreshing: true });
		expect(read).toBe(0);
		await intervals.settled();
		expect(read).toBe(1);
		const held = intervals.view('scope quality', 1, 1000, input);
		expect(held.refreshing).toBe(false);
		expect(held.samples).toBeGreaterThan(0);
		expect(held.low).toBeLessThanOrEqual(held.high!);
		expect(held.computedAt).toBe(1000);
		expect(failures).toEqual([]);
	});
});
