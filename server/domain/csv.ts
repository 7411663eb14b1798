// RFC 4180 CSV, both ways. Writing: fields with a comma, quote, CR or LF are quoted (quotes doubled), rows end
// with CRLF, and text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
// leading apostrophe. Reading is csv-parse's, streamed (one record in memory at a time; a BOM, CRLF and quoted
// line breaks are read; blank lines are skipped), each record with the line it starts on as an editor numbers
// lines; a syntax error ends the reading with CsvLineError naming the line where the broken record starts.
import type { Readable } from 'node:stream';
import { parse, type CsvError, type Info, type Options } from 'csv-parse';
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers and booleans as written; text made formula-safe, then quoted if it must be. */
export function csvCell(value: CsvValue): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	const safe = FORMULA_START.test(value) ? `'${value}` : value;
	return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(values: readonly CsvValue[]): string {
	return values.map(csvCell).join(',') + '\r\n';
}

export interface CsvRecord {
	/** 1-based line where the record starts (a quoted field may span lines; CRLF counts as one break). */
	line: number;
	fields: string[];
}

/** A problem at a line of a CSV file (0: the file as a whole). */
export class CsvLineError extends Error {
	constructor(
		readonly line: number,
		readonly reason: string
	) {
		super(line > 0 ? `line ${line}: ${reason}` : reason);
	}
}

const REASONS: Record<string, string> = {
	CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
	CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote'
};

/** Line breaks inside a record's fields as an editor counts them (CRLF is one); csv-parse counts CR and LF. */
const breaksIn = (fields: string[]) => {
	let editor = 0;
	let parser = 0;
	for (const field of fields) {
		editor += field.match(/\r\n|[\r\n]/g)?.length ?? 0;
		parser += field.match(/[\r\n]/g)?.length ?? 0;
	}
	return { editor, parser };
};

/**
 * Reads every record of a CSV stream, in order, each with the line it starts on; a syntax error ends the reading
 * (what follows it cannot be trusted) with CsvLineError naming the line where the broken record starts: after the
 * last good record and the blank lines since. Any record delimiter (CRLF, LF, CR) is accepted, mixed too.
 */
export async function* readCsv(input: Readable): AsyncGenerator<CsvRecord> {
	let lastEnd = 0; // editor line where the last good record ends
	let emptyLines = 0;
	let overcount = 0; // CRLFs inside quoted fields so far: csv-parse counted each as two lines
	const broken: CsvLineError[] = []; // the first syntax error, if any
	const starts: number[] = []; // start lines of the records parsed but not yet read, in order
	const options: Options = {
		bom: true,
		skip_empty_lines: true,
		relax_column_count: true,
		record_delimiter: ['\r\n', '\n', '\r'],
		// Hooks run synchronously in input order, so the line arithmetic sees every record and error in turn.
		skip_records_with_error: true,
		on_skip: (err?: CsvError) => {
			if (broken.length || !err) return undefined;
			const blank = (err as CsvError & { empty_lines?: number }).empty_lines ?? emptyLines;
			broken.push(new CsvLineError(lastEnd + 1 + blank - emptyLines, REASONS[err.code] ?? err.message));
			return undefined;
		},
		on_record: (fields: string[], info: Info) => {
			if (broken.length) return null;
			const breaks = breaksIn(fields);
			overcount += breaks.parser - breaks.editor;
			lastEnd = info.lines - overcount;
			emptyLines = info.empty_lines;
			starts.push(lastEnd - breaks.editor);
			return fields;
		}
	};
	const parser = input.pipe(parse(options));
	// pipe() does not forward a read error (a missing file, a directory): the parser fails with it instead.
	input.on('error', (err) => parser.destroy(err));
	for await (const fields of parser as AsyncIterable<string[]>) yield { line: starts.shift()!, fields };
	if (broken.length) throw broken[0];
}
