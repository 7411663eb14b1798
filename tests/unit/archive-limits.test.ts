// The archive limits on declared sizes alone: what is refused (and why), and that small entries which compress
// very well (a short JSONL of similar lines) are not mistaken for a zip bomb.
import { describe, expect, it } from 'vitest';
import { archiveProblem, RATIO_FLOOR_BYTES, type ArchiveLimits } from '../../server/domain/archive-limits';

const MiB = 1024 * 1024;
const limits: ArchiveLimits = {
	maxEntries: 3,
	maxTotalBytes: 40 * MiB,
	maxRatio: 100,
	maxMediaBytes: 25 * MiB,
	maxItemsBytes: 30 * MiB
};
const entry = (name: string, size: number, compressedSize = size) => ({ name, size, compressedSize });

describe('archiveProblem', () => {
	it('accepts an archive within every limit, including a small entry compressed 1000 times', () => {
		expect(
			archiveProblem([entry('items.jsonl', RATIO_FLOOR_BYTES, 1024), entry('a.png', 20 * MiB)], 'items.jsonl', limits)
		).toBeNull();
	});

	it.each([
		['too many entries', [entry('items.jsonl', 10), entry('a', 1), entry('b', 1), entry('c', 1)], 'at most 3'],
		['a media entry over the media limit', [entry('items.jsonl', 10), entry('a.png', 26 * MiB)], 'a.png is 26 MiB'],
		['items.jsonl over its own limit', [entry('items.jsonl', 31 * MiB)], 'items.jsonl is 31 MiB'],
		[
			'a large entry compressed beyond the ratio',
			[entry('items.jsonl', 10), entry('a.png', 2 * MiB, 2 * 1024)],
			'zip bomb'
		],
		['a total over the limit', [entry('items.jsonl', 20 * MiB), entry('a.png', 21 * MiB)], 'expands to 41 MiB'],
		[
			'an archive compressed beyond the ratio as a whole',
			[entry('items.jsonl', 10), entry('a', 0.9 * MiB, 1), entry('b', 0.9 * MiB, 1)],
			'zip bomb'
		]
	])('refuses %s', (_what, entries, message) => {
		expect(archiveProblem(entries, 'items.jsonl', limits)).toContain(message);
	});
});
