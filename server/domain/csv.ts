// RFC 4180 CSV, both ways. Writing: fields with a comma, quote, CR or LF are quoted (quotes doubled), rows end
// with CRLF, and text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
// leading apostrophe. Reading: an incremental parser fed chunk by chunk (bounded memory: one record at a time),
// reporting each record with the physical line it starts on, and a clear problem for an unterminated quote.
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
	/** 1-based physical line where the record starts (a quoted field may span lines). */
	line: number;
	fields: string[];
	/** Set when the record is malformed (e.g. text after a closing quote). */
	problem?: string;
}

/** Incremental parser: push text chunks, collect complete records; call end() once at the end. */
export class CsvReader {
	#field = '';
	#fields: string[] = [];
	#quoted = false;
	/** Inside a quoted field. */
	#inQuotes = false;
	/** A quote was just seen inside a quoted field: either the closing quote or the first of a doubled pair. */
	#quotePending = false;
	#afterCr = false;
	#line = 1;
	#recordLine = 1;
	#recordHasContent = false;
	#recordProblem: string | null = null;

	push(chunk: string): CsvRecord[] {
		const out: CsvRecord[] = [];
		for (let i = 0; i < chunk.length; i++) {
			const ch = chunk[i];
			if (this.#afterCr) {
				this.#afterCr = false;
				if (ch === '\n') {
					// CRLF counts as one line break; inside quotes both characters belong to the field.
					if (this.#inQuotes && !this.#quotePending) this.#field += ch;
					continue;
				}
			}
			if (this.#inQuotes) {
				if (this.#quotePending) {
					this.#quotePending = false;
					if (ch === '"') {
						this.#field += '"';
						continue;
					}
					this.#inQuotes = false;
				} else if (ch === '"') {
					this.#quotePending = true;
					continue;
				} else {
					if (ch === '\n' || ch === '\r') this.#newline(ch);
					this.#field += ch;
					continue;
				}
			}
			this.#plain(ch, out);
		}
		return out;
	}

	/** Flushes the last record (a file need not end with a newline). */
	end(): CsvRecord[] {
		const records: CsvRecord[] = [];
		if (this.#inQuotes && !this.#quotePending) this.#recordProblem = 'a quoted field is never closed';
		this.#inQuotes = false;
		this.#quotePending = false;
		if (this.#recordHasContent || this.#fields.length) this.#emit(records);
		return records;
	}

	#newline(ch: string) {
		this.#line++;
		if (ch === '\r') this.#afterCr = true;
	}

	#plain(ch: string, out: CsvRecord[]) {
		if (ch === ',') {
			this.#fields.push(this.#field);
			this.#field = '';
			this.#quoted = false;
			this.#recordHasContent = true;
		} else if (ch === '\n' || ch === '\r') {
			this.#newline(ch);
			if (this.#recordHasContent || this.#fields.length) this.#emit(out);
			this.#recordLine = this.#line;
		} else if (ch === '"' && this.#field === '' && !this.#quoted) {
			this.#inQuotes = true;
			this.#quoted = true;
			this.#recordHasContent = true;
		} else {
			if (this.#quoted) this.#recordProblem ??= 'text after a closing quote';
			this.#field += ch;
			this.#recordHasContent = true;
		}
	}

	#emit(out: CsvRecord[]) {
		this.#fields.push(this.#field);
		out.push(
			this.#recordProblem
				? { line: this.#recordLine, fields: this.#fields, problem: this.#recordProblem }
				: { line: this.#recordLine, fields: this.#fields }
		);
		this.#recordProblem = null;
		this.#fields = [];
		this.#field = '';
		this.#quoted = false;
		this.#recordHasContent = false;
	}
}
