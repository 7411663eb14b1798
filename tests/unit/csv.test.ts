// RFC 4180 CSV: writing (quoting, CRLF, formula-injection guard) and reading it back with csv-parse (quoted line
// breaks, chunk borders anywhere, the line each record starts on, where a broken record starts).
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { csvCell, csvRow, CsvLineError, readCsv, type CsvRecord } from '../../server/domain/csv';

describe('csvCell', () => {
	it('quotes only what needs quoting and doubles quotes', () => {
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('two\nlines')).toBe('"two\nlines"');
		expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
		expect(csvCell(null)).toBe('');
		expect(csvCell(undefined)).toBe('');
		expect(csvCell(3.5)).toBe('3.5');
		expect(csvCell(-2)).toBe('-2');
		expect(csvCell(Number.NaN)).toBe('');
		expect(csvCell(false)).toBe('false');
	});

	it('neutralises text a spreadsheet would run as a formula', () => {
		for (const start of ['=', '+', '-', '@', '\t', '\r'])
			expect(csvCell(`${start}SUM(A1)`).replace(/^"/, '')).toMatch(/^'/);
		expect(csvCell('=1+1')).toBe("'=1+1");
		expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
		expect(csvCell('a=b')).toBe('a=b');
	});

	it('ends rows with CRLF', () => {
		expect(csvRow(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
	});
});

async function read(chunks: string[]): Promise<CsvRecord[]> {
	const records: CsvRecord[] = [];
	for await (const record of readCsv(Readable.from(chunks))) records.push(record);
	return records;
}

/** Reads until the syntax error it expects; returns the error and the records read before it. */
async function failure(chunks: string[]): Promise<{ err: CsvLineError; before: CsvRecord[] }> {
	const before: CsvRecord[] = [];
	let err: unknown = null;
	try {
		for await (const record of readCsv(Readable.from(chunks))) before.push(record);
	} catch (e) {
		err = e;
	}
	expect(err).toBeInstanceOf(CsvLineError);
	return { err: err as CsvLineError, before };
}

describe('readCsv', () => {
	it('reads back what csvRow writes, whatever the chunking', async () => {
		const rows = [
			['id', 'text'],
			['1', 'with, comma'],
			['2', 'with "quotes"\r\nand a CRLF, and\ra CR'],
			['3', ''],
			['4', "'=SUM(A1)"]
		];
		const text = rows.map((r) => csvRow(r)).join('');
		for (const size of [1, 2, 3, 7, text.length]) {
			const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
			expect((await read(chunks)).map((r) => r.fields)).toEqual(rows);
		}
	});

	it('numbers records by the line they start on, skipping blank lines', async () => {
		const records = await read(['\uFEFFa,b\n\n"x\ny",z\r\n"p\r\nq\r\nr",s\r\nlast,row']);
		expect(records.map((r) => [r.line, r.fields])).toEqual([
			[1, ['a', 'b']],
			[3, ['x\ny', 'z']],
			[5, ['p\r\nq\r\nr', 's']],
			[8, ['last', 'row']]
		]);
	});

	it('names the line where a broken record starts, and reads nothing after it', async () => {
		const open = await failure(['a,b\n"two\nlines",ok\n\n\n"never closed,z\nmore\n']);
		expect([open.err.line, open.err.reason]).toEqual([6, 'a quoted field is never closed']);
		expect(open.before.map((r) => r.line)).toEqual([1, 2]);
		const after = await failure(['a,b\r\nfine,row\r\n"ok"x,y\r\nc,d\r\n"e",f\r\n']);
		expect([after.err.line, after.err.reason]).toEqual([3, 'text after a closing quote']);
		expect(after.err.message).toBe('line 3: text after a closing quote');
		expect(after.before.map((r) => r.fields)).toEqual([
			['a', 'b'],
			['fine', 'row']
		]);
		// csv-parse resumes after a bad quote wherever it can; what it reads there is not trusted.
		const resumed = await failure(['a,b\n"ok"x"\nc,d\ne,f\n']);
		expect(resumed.before.map((r) => r.fields)).toEqual([['a', 'b']]);
	});

	it('keeps empty fields, including a trailing one, and rows of any length', async () => {
		expect((await read(['a,,\nb\n'])).map((r) => r.fields)).toEqual([['a', '', ''], ['b']]);
	});
});
