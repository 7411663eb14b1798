// Streams a long-format ratings CSV (header naming item, rater and value columns, in any order; other columns are
// ignored) line by line into a columnar RatingTable, so millions of rows stay in typed arrays. An empty value is a
// missing rating. Values stay numbers while every value parses as one; the first non-numeric value turns all values
// into category labels. Malformed input throws CsvLineError with the 1-based line number. Parsing is readCsv's
// (csv-parse, streamed).
import { createReadStream } from 'node:fs';
import { CsvLineError, readCsv } from '../domain/csv';
import { sortLabels, type RatingTable } from '#shared/agreement/index';

class Growable<T extends Int32Array | Float64Array> {
	length = 0;
	constructor(private data: T) {}
	push(v: number): void {
		if (this.length === this.data.length) {
			const next = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
			next.set(this.data);
			this.data = next;
		}
		this.data[this.length++] = v;
	}
	get(i: number): number {
		return this.data[i];
	}
	set(i: number, v: number): void {
		this.data[i] = v;
	}
	done(): T {
		return this.data.slice(0, this.length) as T;
	}
}

function ids() {
	const map = new Map<string, number>();
	const list: string[] = [];
	return {
		list,
		of(id: string): number {
			let i = map.get(id);
			if (i === undefined) {
				i = list.length;
				map.set(id, i);
				list.push(id);
			}
			return i;
		}
	};
}

export async function readRatingsCsv(path: string): Promise<RatingTable> {
	const items = ids();
	const raters = ids();
	const itemIndex = new Growable(new Int32Array(1024));
	const raterIndex = new Growable(new Int32Array(1024));
	const values = new Growable(new Float64Array(1024));
	const labels = ids();
	let numeric = true;
	let columns: { item: number; rater: number; value: number; count: number } | null = null;
	for await (const { line: lineNo, fields } of readCsv(createReadStream(path))) {
		if (!columns) {
			const names = fields.map((f) => f.trim().toLowerCase());
			const [item, rater, value] = ['item', 'rater', 'value'].map((n) => names.indexOf(n));
			if (item < 0 || rater < 0 || value < 0)
				throw new CsvLineError(
					lineNo,
					`the header must name the columns item, rater and value (found: ${fields.join(',')})`
				);
			columns = { item, rater, value, count: fields.length };
			continue;
		}
		if (fields.length !== columns.count)
			throw new CsvLineError(lineNo, `expected ${columns.count} fields, found ${fields.length}`);
		const item = fields[columns.item].trim();
		const rater = fields[columns.rater].trim();
		const text = fields[columns.value].trim();
		if (!item) throw new CsvLineError(lineNo, 'the item is empty');
		if (!rater) throw new CsvLineError(lineNo, 'the rater is empty');
		if (!text) continue;
		itemIndex.push(items.of(item));
		raterIndex.push(raters.of(rater));
		const number = Number(text);
		if (numeric && Number.isFinite(number)) values.push(number);
		else {
			if (numeric) {
				for (let i = 0; i < values.length; i++) values.set(i, labels.of(String(values.get(i))));
				numeric = false;
			}
			values.push(labels.of(Number.isFinite(number) ? String(number) : text));
		}
	}
	if (!columns) throw new CsvLineError(0, 'the file is empty (expected a header naming item, rater, value)');
	const table: RatingTable = {
		itemIndex: itemIndex.done(),
		raterIndex: raterIndex.done(),
		values: values.done(),
		itemCount: items.list.length,
		raterCount: raters.list.length,
		itemIds: items.list,
		raterIds: raters.list
	};
	if (numeric) return table;
	const categories = sortLabels(labels.list);
	const position = new Map(categories.map((c, i) => [c, i]));
	const recode = labels.list.map((l) => position.get(l)!);
	for (let i = 0; i < table.values.length; i++) table.values[i] = recode[table.values[i]];
	return { ...table, categories };
}
