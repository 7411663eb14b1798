// CSV imports are read by csv-parse, a stream, while an import pulls its records one at a time from a plain
// (synchronous) generator inside its transaction. So the upload is first turned into a file of records, one JSON
// line each (`[line, fields]`, or `{ line, problem }` for a syntax error, which ends the file), and the transaction
// reads that file back line by line: bounded memory both times, and every record keeps the line it starts on.
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvLineError, readCsv } from '../domain/csv';
import { readLines } from './line-reader';
import { tempPath, type TempPath } from './spool';

export type CsvImportRecord = { line: number; fields: string[] } | { line: number; problem: string };

async function* encoded(csvPath: string): AsyncGenerator<string> {
	try {
		for await (const { line, fields } of readCsv(createReadStream(csvPath)))
			yield JSON.stringify([line, fields]) + '\n';
	} catch (err) {
		if (!(err instanceof CsvLineError)) throw err;
		yield JSON.stringify({ line: err.line, problem: err.reason }) + '\n';
	}
}

/** Parses the CSV at `csvPath` into a temporary record file under DATA_DIR/tmp; the caller removes it. */
export async function csvRecordFile(csvPath: string, dataDir: string): Promise<TempPath> {
	const file = tempPath(dataDir, 'records');
	try {
		await pipeline(Readable.from(encoded(csvPath)), createWriteStream(file.path));
	} catch (err) {
		file.remove();
		throw err;
	}
	return file;
}

/** The records of a file written by csvRecordFile, in order (synchronous: read inside a transaction). */
export function* csvImportRecords(path: string): Generator<CsvImportRecord> {
	for (const { text } of readLines(path)) {
		const record = JSON.parse(text) as [number, string[]] | { line: number; problem: string };
		yield Array.isArray(record) ? { line: record[0], fields: record[1] } : record;
	}
}
