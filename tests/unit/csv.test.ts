// RFC 4180 CSV: writing (quoting, CRLF, formula-injection guard) and the incremental reader (quoted newlines,
// CRLF across chunk borders, line numbers, malformed records).
import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, CsvReader, type CsvRecord } from '../../server/domain/csv';

function parse(chunks: string[]): CsvRecord[] {
	const reader = new CsvReader();
	return [...chunks.flatMap((c) => reader.push(c)), ...reader.end()];
}

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

describe('CsvReader', () => {
	it('reads back what csvRow writes, whatever the chunking', () => {
		const rows = [
			['id', 'text'],
			['1', 'with, comma'],
			['2', 'with "quotes"\nand a newline'],
			['3', '']
		];
		const text = rows.map((r) => csvRow(r)).join('');
		for (const size of [1, 2, 3, 7, text.length]) {
			const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
			expect(parse(chunks).map((r) => r.fields)).toEqual(rows);
		}
	});

	it('numbers records by the line they start on, skipping blank lines', () => {
		const records = parse(['a,b\n\n"x\ny",z\r\nlast,row']);
		expect(records.map((r) => [r.line, r.fields])).toEqual([
			[1, ['a', 'b']],
			[3, ['x\ny', 'z']],
			[5, ['last', 'row']]
		]);
	});

	it('keeps CRLF inside quoted fields and counts it as one line', () => {
		const records = parse(['"a\r', '\nb",c\r\n', 'd,e\r\n']);
		expect(records).toEqual([
			{ line: 1, fields: ['a\r\nb', 'c'] },
			{ line: 3, fields: ['d', 'e'] }
		]);
	});

	it('reports text after a closing quote and an unterminated quote', () => {
		const records = parse(['"ok"x,y\n', 'fine,row\n', '"never closed,z\n']);
		expect(records[0]).toMatchObject({ line: 1, problem: 'text after a closing quote' });
		expect(records[1]).toEqual({ line: 2, fields: ['fine', 'row'] });
		expect(records[2]).toMatchObject({ line: 3, problem: 'a quoted field is never closed' });
	});

	it('keeps empty fields, including a trailing one', () => {
		expect(parse(['a,,\n']).map((r) => r.fields)).toEqual([['a', '', '']]);
	});
});
