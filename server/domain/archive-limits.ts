// The limits an import archive must meet, checked on its central directory alone (declared sizes) before any
// entry is inflated or anything is written: entry count, size per entry, total uncompressed size, and the
// compression ratio that gives a zip bomb away. Inflation then enforces the declared sizes (a lying archive
// fails as damaged), so nothing larger than what is checked here is ever written.

export interface ArchiveLimits {
	maxEntries: number;
	/** Sum of the declared uncompressed sizes of all entries. */
	maxTotalBytes: number;
	/** Uncompressed / compressed, for entries (and the archive) above RATIO_FLOOR_BYTES. */
	maxRatio: number;
	maxMediaBytes: number;
	maxItemsBytes: number;
}

/** Small entries may compress very well (a short JSONL of similar lines); only large ones are ratio-checked. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface ArchiveEntryInfo {
	name: string;
	size: number;
	compressedSize: number;
}

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

function ratioOf(size: number, compressedSize: number): number {
	return size / Math.max(1, compressedSize);
}

/** Why the archive's entry count is refused, or null; checked before its directory is read. */
export function entryCountProblem(count: number, limits: Pick<ArchiveLimits, 'maxEntries'>): string | null {
	return count > limits.maxEntries
		? `The archive has ${count} entries; at most ${limits.maxEntries} are allowed`
		: null;
}

/** The first reason to refuse the archive, or null. `itemsName` is the entry holding items.jsonl. */
export function archiveProblem(entries: ArchiveEntryInfo[], itemsName: string, limits: ArchiveLimits): string | null {
	const count = entryCountProblem(entries.length, limits);
	if (count) return count;
	let total = 0;
	let compressed = 0;
	for (const e of entries) {
		const max = e.name === itemsName ? limits.maxItemsBytes : limits.maxMediaBytes;
		if (e.size > max) return `${e.name} is ${mib(e.size)}; at most ${mib(max)} is allowed`;
		if (e.size > RATIO_FLOOR_BYTES && ratioOf(e.size, e.compressedSize) > limits.maxRatio) {
			return `${e.name} expands ${Math.round(ratioOf(e.size, e.compressedSize))} times (at most ${limits.maxRatio}); it looks like a zip bomb`;
		}
		total += e.size;
		compressed += e.compressedSize;
	}
	if (total > limits.maxTotalBytes)
		return `The archive expands to ${mib(total)}; at most ${mib(limits.maxTotalBytes)} is allowed`;
	if (total > RATIO_FLOOR_BYTES && ratioOf(total, compressed) > limits.maxRatio) {
		return `The archive expands ${Math.round(ratioOf(total, compressed))} times (at most ${limits.maxRatio}); it looks like a zip bomb`;
	}
	return null;
}
