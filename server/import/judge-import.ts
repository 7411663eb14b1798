// Imports judge scores produced elsewhere from a file (an upload spooled to disk, or the demo's own file): the
// format is told from the first characters (#shared/judge-import), the line count is checked before anything is
// parsed, then records are stored in batches of JUDGE_IMPORT_BATCH, one transaction each (a large import does not
// hold the database for its whole length). After each batch commits, `judge.scored` is emitted per judge with the
// items it scored (domain/ports.ts), so listeners read committed scores.
//
// Idempotence: a score is keyed by (judge, item, 'import:jsonl' | 'import:label-studio', guideline version current
// at import). Importing the same file again stores nothing and counts its lines as `skipped`; a line whose key was
// imported before with other scores, flags, rationale or model REPLACES them and counts as `imported` (and
// `replaced`): a corrected export is re-imported as it is.
import type { AppDeps } from '../deps';
import { tx } from '../db/client';
import { currentGuidelineVersion } from '../db/evaluations';
import { storeJudgeBatch, type JudgeImportRun } from '../db/judge-import';
import { AppError, Validation } from '../domain/errors';
import { MAX_LISTED_PROBLEMS } from '../domain/item-import';
import { jsonlJudgeEntry, type JudgeImportEntry } from '../domain/judge-import';
import { labelStudioJudgeEntries } from '../domain/judge-import-labelstudio';
import {
	detectJudgeImportFormat,
	MAX_JUDGE_IMPORT_LINES,
	type JudgeImportFormat,
	type JudgeImportResult
} from '#shared/judge-import';
import { countLines, readHead, readLines } from './line-reader';
import { readLabelStudioTasks } from './run-import';

/** Lines (or predictions) stored per transaction. */
const JUDGE_IMPORT_BATCH = 1000;

const PROMPT_REF: Record<JudgeImportFormat, string> = { jsonl: 'import:jsonl', labelstudio: 'import:label-studio' };

const tooManyLines = (what: string) =>
	new AppError(
		'payload_too_large',
		`The import has more than ${MAX_JUDGE_IMPORT_LINES.toLocaleString('en')} ${what}; split it into smaller files`
	);

function* jsonlEntries(path: string): Generator<JudgeImportEntry> {
	for (const { line, text } of readLines(path)) {
		const entry = jsonlJudgeEntry(line, text);
		if (entry) yield entry;
	}
}

/** Label Studio tasks are parsed whole (bounded by the upload limit); their predictions are counted before use. */
function labelStudioEntries(path: string, judgeName: string | undefined): JudgeImportEntry[] {
	const read = readLabelStudioTasks(path);
	if ('problem' in read)
		throw Validation(`The file cannot be imported: ${read.problem}`, [{ line: 1, message: read.problem }]);
	const predictions = read.tasks.reduce<number>((n, task) => {
		const p = (task as { predictions?: unknown } | null)?.predictions;
		return n + (Array.isArray(p) ? p.length : 1);
	}, 0);
	if (predictions > MAX_JUDGE_IMPORT_LINES) throw tooManyLines('predictions');
	return read.tasks.flatMap((task, i) => labelStudioJudgeEntries(task, i + 1, judgeName));
}

function* batches<T>(entries: Iterable<T>, size: number): Generator<T[]> {
	let batch: T[] = [];
	for (const e of entries) {
		batch.push(e);
		if (batch.length === size) {
			yield batch;
			batch = [];
		}
	}
	if (batch.length) yield batch;
}

export interface JudgeImportOptions {
	/** Label Studio: the judge the predictions are from (else each prediction's model_version names it). */
	judge?: string;
}

export async function importJudgeScores(
	deps: AppDeps,
	projectId: string,
	actorId: string,
	path: string,
	options: JudgeImportOptions = {}
): Promise<JudgeImportResult> {
	const format = detectJudgeImportFormat(readHead(path));
	if (format === 'jsonl' && countLines(path) > MAX_JUDGE_IMPORT_LINES) throw tooManyLines('lines');
	const entries = format === 'jsonl' ? jsonlEntries(path) : labelStudioEntries(path, options.judge);
	const run: JudgeImportRun = {
		projectId,
		actorId,
		format,
		promptRef: PROMPT_REF[format],
		guidelineVersionId: (await currentGuidelineVersion(deps.db, projectId))?.id ?? '',
		judges: new Map(),
		seen: new Map()
	};
	const result: JudgeImportResult = {
		format,
		imported: 0,
		replaced: 0,
		skipped: 0,
		newJudges: [],
		problems: [],
		problemCount: 0
	};
	let records = 0;
	for (const batch of batches(entries, JUDGE_IMPORT_BATCH)) {
		records += batch.length;
		const out = await tx(deps.db, (t) => storeJudgeBatch(t, run, batch));
		result.imported += out.imported;
		result.replaced += out.replaced;
		result.skipped += out.skipped;
		result.newJudges.push(...out.newJudges);
		result.problemCount += out.problems.length;
		result.problems.push(...out.problems.slice(0, MAX_LISTED_PROBLEMS - result.problems.length));
		for (const [judgeId, itemIds] of out.stored)
			await deps.events.emit('judge.scored', { projectId, judgeId, itemIds, source: 'import' });
	}
	if (records === 0)
		throw Validation('The file holds no judge scores', [
			{ line: 0, message: 'no JSONL lines and no Label Studio predictions' }
		]);
	return result;
}
