// The image-edit difference view, as a pure function over RGBA pixels: unchanged pixels are shown as a faded
// greyscale of the edited image and changed pixels in a strong colour whose opacity grows with the change, so
// edits outside the instructed area stand out. It also reports the share of pixels that changed.
export interface DiffResult {
	data: Uint8ClampedArray;
	/** Share of pixels (0–1) whose colour moved more than the threshold. */
	changed: number;
	/** Bounding box of the changed pixels in 0–1 coordinates, or null when nothing changed. */
	bounds: { x: number; y: number; w: number; h: number } | null;
}

/** Highlight colour of changed pixels (magenta reads on photos, and on both themes). */
const HIGHLIGHT = [236, 31, 128] as const;

/**
 * Compares two same-sized RGBA buffers. `threshold` is the per-pixel colour distance (0–441, Euclidean in RGB)
 * below which a pixel counts as unchanged; compression noise sits well under the default.
 */
export function diffPixels(
	a: Uint8ClampedArray,
	b: Uint8ClampedArray,
	width: number,
	height: number,
	threshold = 32
): DiffResult {
	if (a.length !== b.length || a.length !== width * height * 4)
		throw new Error('diffPixels needs two RGBA buffers of width × height');
	const out = new Uint8ClampedArray(a.length);
	let changed = 0;
	let [minX, minY, maxX, maxY] = [width, height, -1, -1];
	for (let i = 0, p = 0; i < a.length; i += 4, p++) {
		const dr = a[i] - b[i];
		const dg = a[i + 1] - b[i + 1];
		const db = a[i + 2] - b[i + 2];
		const dist = Math.sqrt(dr * dr + dg * dg + db * db);
		const grey = 0.299 * b[i] + 0.587 * b[i + 1] + 0.114 * b[i + 2];
		if (dist > threshold) {
			changed++;
			const x = p % width;
			const y = (p - x) / width;
			if (x < minX) minX = x;
			if (x > maxX) maxX = x;
			if (y < minY) minY = y;
			if (y > maxY) maxY = y;
			const k = Math.min(1, 0.55 + dist / 400);
			out[i] = HIGHLIGHT[0] * k + grey * (1 - k);
			out[i + 1] = HIGHLIGHT[1] * k + grey * (1 - k);
			out[i + 2] = HIGHLIGHT[2] * k + grey * (1 - k);
		} else {
			const faded = 128 + (grey - 128) * 0.35;
			out[i] = out[i + 1] = out[i + 2] = faded;
		}
		out[i + 3] = 255;
	}
	const pixels = width * height;
	const bounds =
		maxX < 0
			? null
			: { x: minX / width, y: minY / height, w: (maxX - minX + 1) / width, h: (maxY - minY + 1) / height };
	return { data: out, changed: pixels ? changed / pixels : 0, bounds };
}
