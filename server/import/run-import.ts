// Runs one item import end to end: the body is spooled to disk, read back record by record (JSONL as a stream,
// CSV through the record file csv-parse makes of it, a Label Studio file as one JSON array), validated, and inserted in ONE transaction. Any bad record
// rolls the whole transaction back and the error lists every bad line (up to MAX_LISTED_PROBLEMS): nothing is
// half-imported. Re-importing a file skips the items already there (stable external ids). A zip archive is
// validated completely (archive limits, then every record, without writing) before its media enter the store,
// and the files it put there are taken back if the transaction fails; its temporary files are always removed.
import { readFileSync } from 'node:fs';
import type { AppDeps } from '../deps';
import { tx } from '../db/client';
import { createItemWriter, finishImport } from '../db/items';
import { readableMediaLookup, recordMedia } from '../db/media';
import { Validation } from '../domain/errors';
import { ImportBatch, jsonlRecord, MAX_LISTED_PROBLEMS, type BatchOptions } from '../domain/item-import';
import { referencedMedia } from '../domain/media-refs';
import type { ItemInput } from '#shared/items';
import type { Db } from '../db/client';
import { csvLayout, csvRowToItem, labelStudioToItem, type CsvLayout } from '../domain/item-import-formats';
import { csvImportRecords, csvRecordFile } from './csv-records';
import { readLines } from './line-reader';
import { prepareArchive, type PreparedArchive } from './archive';
import { spoolBody, type TempPath } from './spool';
import { ZipError } from './zip-archive';
import { settleFailedPublication, type MediaPublication } from '../db/media-store';
import { IMPORT_FORMATS, type ImportFormat, type ImportResult } from '#shared/imports';

export { IMPORT_FORMATS };

type ImportRecord = { line: number; value: unknown } | { line: number; problem: string };

function* jsonlRecords(path: string): Generator<ImportRecord> {
	for (const { line, text } of readLines(path)) {
		const parsed = jsonlRecord(text);
		if (parsed) yield parsed.ok ? { line, value: parsed.value } : { line, problem: parsed.message };
	}
}

/** `path` is the record file csvRecordFile made of the upload. */
function* csvRecords(path: string): Generator<ImportRecord> {
	let layout: CsvLayout | null = null;
	for (const record of csvImportRecords(path)) {
		if ('problem' in record) yield record;
		else if (!layout) {
			const read = csvLayout(record.fields, record.line);
			if ('problem' in read) {
				yield { line: read.problem.line, problem: read.problem.message };
				return;
			}
			layout = read.layout;
		} else {
			const row = csvRowToItem(layout, record.fields);
			yield 'value' in row ? { line: record.line, value: row.value } : { line: record.line, problem: row.message };
		}
	}
}

/** A Label Studio export: one JSON array of tasks (its size is bounded by the upload limit), or why it is not. */
export function readLabelStudioTasks(path: string): { tasks: unknown[] } | { problem: string } {
	let tasks: unknown;
	try {
		tasks = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
	} catch {
		return { problem: 'not valid JSON' };
	}
	return Array.isArray(tasks) ? { tasks } : { problem: 'expected a JSON array of Label Studio tasks' };
}

function* labelStudioRecords(path: string): Generator<ImportRecord> {
	const read = readLabelStudioTasks(path);
	if ('problem' in read) {
		yield { line: 1, problem: read.problem };
		return;
	}
	// "line" is the task's position in the array (1-based).
	for (const [i, task] of read.tasks.entries()) yield { line: i + 1, value: labelStudioToItem(task) };
}

function records(format: ImportFormat, path: string): Generator<ImportRecord> {
	if (format === 'csv') return csvRecords(path);
	if (format === 'labelstudio') return labelStudioRecords(path);
	return jsonlRecords(path);
}

export interface Importer {
	id: string;
	isAdmin: boolean;
}

interface MediaCheck {
	options: BatchOptions;
	/** Looks up the stored media a raw record references, so the batch's synchronous check can answer. */
	prefetch(raw: unknown): Promise<void>;
}

function mediaCheck(db: Db, actor: Importer, archive: PreparedArchive | null): MediaCheck {
	const readable = readableMediaLookup(db, actor);
	const known = new Map<string, boolean>();
	return {
		// A reference not prefetched (it was not in the raw record) counts as missing: the check fails closed.
		options: {
			resolveMedia: archive?.resolveMedia,
			mediaExists: (sha) => archive?.has(sha) === true || !!known.get(sha)
		},
		async prefetch(raw) {
			const payload = typeof raw === 'object' && raw !== null ? (raw as { payload?: unknown }).payload : undefined;
			for (const sha of referencedMedia(payload))
				if (!known.has(sha) && archive?.has(sha) !== true) known.set(sha, await readable(sha));
		}
	};
}

/** Validates every record (and inserts the good ones while all are good); throws Validation listing bad lines. */
async function checkRecords(
	format: ImportFormat,
	path: string,
	media: MediaCheck,
	insert: (item: ItemInput, n: number) => Promise<boolean>
) {
	const batch = new ImportBatch(media.options);
	let imported = 0;
	for (const record of records(format, path)) {
		if ('problem' in record) {
			batch.fail(record.line, record.problem);
			continue;
		}
		await media.prefetch(record.value);
		const item = batch.add(record.line, record.value);
		// After the first bad record nothing will be kept; keep validating to report every bad line.
		if (item && batch.ok && (await insert(item, batch.accepted))) imported++;
	}
	batch.finish();
	if (!batch.ok) {
		const listed = batch.badLines > MAX_LISTED_PROBLEMS ? ` (the first ${MAX_LISTED_PROBLEMS} are listed)` : '';
		throw Validation(
			`The import has ${batch.badLines} bad ${batch.badLines === 1 ? 'line' : 'lines'}${listed}; nothing was imported`,
			batch.problems
		);
	}
	return { batch, imported };
}

function insertAll(
	deps: AppDeps,
	projectId: string,
	actor: Importer,
	format: ImportFormat,
	path: string,
	archive: PreparedArchive | null
): Promise<ImportResult> {
	return tx(deps.db, async (t) => {
		const writer = createItemWriter(t, projectId);
		const now = Date.now();
		const { batch, imported } = await checkRecords(format, path, mediaCheck(t, actor, archive), (item, n) =>
			writer.insert(item, now + n)
		);
		for (const m of archive?.referenced() ?? []) await recordMedia(t, m.sha256, m.mime, m.size);
		const result = {
			imported,
			skipped: batch.accepted - imported + batch.repeats,
			total: batch.accepted + batch.repeats
		};
		await finishImport(t, projectId, actor.id, { format, ...result });
		return result;
	});
}

async function prepare(deps: AppDeps, uploadPath: string): Promise<PreparedArchive> {
	const { dataDir, maxImportBytes, maxMediaBytes, archive } = deps.config;
	try {
		return await prepareArchive(uploadPath, dataDir, { ...archive, maxMediaBytes, maxItemsBytes: maxImportBytes * 4 });
	} catch (err) {
		if (err instanceof ZipError)
			throw Validation(`The archive cannot be imported: ${err.message}; nothing was imported`, [
				{ line: 0, message: err.message }
			]);
		throw err;
	}
}

export async function importItems(
	deps: AppDeps,
	projectId: string,
	actor: Importer,
	format: ImportFormat,
	body: ReadableStream<Uint8Array> | null
): Promise<ImportResult> {
	const upload = await spoolBody(body, deps.config.dataDir, deps.config.maxImportBytes);
	let csv: TempPath | null = null;
	let archive: PreparedArchive | null = null;
	let publication: MediaPublication | null = null;
	try {
		if (format === 'zip') {
			archive = await prepare(deps, upload.path);
			// A dry run first: the media store stays untouched unless every record is good.
			await checkRecords(format, archive.itemsPath, mediaCheck(deps.db, actor, archive), () => Promise.resolve(false));
			publication = archive.publish();
		}
		if (format === 'csv') csv = await csvRecordFile(upload.path, deps.config.dataDir);
		const path = archive?.itemsPath ?? csv?.path ?? upload.path;
		const result = await insertAll(deps, projectId, actor, format, path, archive);
		publication?.settle(() => true);
		return result;
	} catch (err) {
		if (publication) {
			try {
				await settleFailedPublication(deps.db, publication);
			} catch (settleErr) {
				deps.logger.error({ err: settleErr }, 'could not settle the media of a failed import');
			}
		}
		throw err;
	} finally {
		archive?.remove();
		csv?.remove();
		upload.remove();
	}
}
