// Converts long-format ratings into the columnar `RatingTable` every metric runs on. Item and rater ids become dense
// indices in first-seen order. Numbers stay numbers; as soon as any value is a string or boolean, all values are
// treated as category labels and coded by their position in `categories` (given, or sorted: numeric labels
// numerically first, then the rest alphabetically). Never throws: unusable rows mark the table `invalid`.
import type { Rating, RatingInput, RatingTable } from './types';

export interface TableOptions {
	/** The ordered category labels (ordinal order, kappa weight order); values outside it make the table invalid. */
	categories?: readonly (string | number)[];
}

function isMissing(v: Rating['value']): boolean {
	return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function labelOf(v: Rating['value']): string {
	return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

/** Sorts labels numerically when they look like numbers, then the others alphabetically. */
export function sortLabels(labels: Iterable<string>): string[] {
	const num = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : null);
	return [...labels].sort((a, b) => {
		const x = num(a);
		const y = num(b);
		if (x !== null && y !== null) return x - y || (a < b ? -1 : a > b ? 1 : 0);
		if (x !== null) return -1;
		if (y !== null) return 1;
		return a < b ? -1 : a > b ? 1 : 0;
	});
}

function indexer<K>(): { ids: K[]; of: (k: K) => number } {
	const map = new Map<K, number>();
	const ids: K[] = [];
	return {
		ids,
		of(k) {
			let i = map.get(k);
			if (i === undefined) {
				i = ids.length;
				map.set(k, i);
				ids.push(k);
			}
			return i;
		}
	};
}

export function toTable(rows: readonly Rating[], options: TableOptions = {}): RatingTable {
	let n = 0;
	let labelled = options.categories !== undefined;
	for (let i = 0; i < rows.length; i++) {
		const v = rows[i].value;
		if (isMissing(v)) continue;
		n++;
		if (typeof v !== 'number') labelled = true;
	}
	const items = indexer<string | number>();
	const raters = indexer<string | number>();
	const itemIndex = new Int32Array(n);
	const raterIndex = new Int32Array(n);
	const values = new Float64Array(n);
	const kept: Rating[] = [];
	let invalid: string | undefined;
	for (let i = 0, k = 0; i < rows.length; i++) {
		const row = rows[i];
		if (isMissing(row.value)) continue;
		itemIndex[k] = items.of(row.item);
		raterIndex[k] = raters.of(row.rater);
		if (labelled) kept.push(row);
		else {
			const v = row.value as number;
			if (!Number.isFinite(v)) invalid ??= `item ${String(row.item)}: value ${v} is not a finite number`;
			values[k] = v;
		}
		k++;
	}
	const base: RatingTable = {
		itemIndex,
		raterIndex,
		values,
		itemCount: items.ids.length,
		raterCount: raters.ids.length,
		itemIds: items.ids,
		raterIds: raters.ids
	};
	if (!labelled) return invalid ? { ...base, invalid } : base;
	const categories = options.categories ?? sortLabels(new Set(kept.map((r) => labelOf(r.value))));
	const code = new Map<string, number>();
	categories.forEach((c, i) => code.set(labelOf(c), i));
	for (let i = 0; i < n; i++) {
		const c = code.get(labelOf(kept[i].value));
		if (c === undefined)
			return {
				...base,
				categories,
				invalid: `item ${String(kept[i].item)}: value "${labelOf(kept[i].value)}" is not one of the categories`
			};
		values[i] = c;
	}
	return { ...base, categories };
}

function isTable(input: RatingInput): input is RatingTable {
	return !Array.isArray(input) && typeof input === 'object' && input !== null && 'itemIndex' in input;
}

/** The table for any input shape (long rows are converted; tables pass through). */
export function asTable(input: RatingInput, options: TableOptions = {}): RatingTable {
	return isTable(input) ? input : toTable(input, options);
}
