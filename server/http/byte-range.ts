// Reads an HTTP Range header (RFC 9110 §14) against a representation of `size` bytes. One range is served; a
// header that is not a single well-formed bytes range is ignored (the whole file is sent, as the RFC allows), and
// so is a range whose If-Range validator does not match. A well-formed range that starts beyond the end is
// unsatisfiable (416).

export interface ByteRange {
	start: number;
	/** Inclusive. */
	end: number;
}

export function byteRange(
	header: string | undefined,
	size: number,
	ifRange?: { header: string | undefined; etag: string }
): ByteRange | 'unsatisfiable' | null {
	if (!header) return null;
	if (ifRange?.header !== undefined && ifRange.header !== ifRange.etag) return null;
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!m || (!m[1] && !m[2])) return null;
	if (!m[1]) {
		const suffix = Number(m[2]);
		if (suffix === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(m[1]);
	const last = m[2] ? Number(m[2]) : Infinity;
	if (last < start) return null;
	if (start >= size) return 'unsatisfiable';
	return { start, end: Math.min(last, size - 1) };
}

/** Whether an If-None-Match header matches the (strong) `etag`: then the client's copy is current (304). */
export function etagMatches(header: string | undefined, etag: string): boolean {
	if (!header) return false;
	return header.split(',').some((tag) => {
		const t = tag.trim();
		return t === '*' || t === etag || t === `W/${etag}`;
	});
}
