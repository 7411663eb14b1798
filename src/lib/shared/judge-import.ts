// Importing judge scores produced elsewhere (POST /api/projects/:pid/judges/import): the two file formats, how a
// file's format is told from its first characters (the server and the import form use the same rule), one JSONL
// line's shape, and the answer. Bad lines are listed with their line number and change nothing; good lines are
// stored. Re-importing a file is idempotent (see server/import/judge-import.ts for the key).
import { z } from 'zod';
import { scoresSchema } from './evaluation';
import type { LineProblem } from './imports';

export const JUDGE_IMPORT_FORMATS = ['jsonl', 'labelstudio'] as const;
export type JudgeImportFormat = (typeof JUDGE_IMPORT_FORMATS)[number];

/** An import holds at most this many lines (JSONL) or predictions (Label Studio); split larger files. */
export const MAX_JUDGE_IMPORT_LINES = 100_000;

/**
 * A Label Studio export is one JSON array; JSONL lines are objects. So the first character that is not white space
 * (or a byte order mark) tells them apart: `[` is Label Studio, anything else is read as JSONL.
 */
export function detectJudgeImportFormat(head: string): JudgeImportFormat {
	return head.replace(/^[\uFEFF\s]+/, '').startsWith('[') ? 'labelstudio' : 'jsonl';
}

/** One JSONL line: the item (by its external id in the project), the judge (by name), and what it gave. */
export const judgeImportLineSchema = z.strictObject({
	externalId: z.string().min(1).max(200),
	judge: z.string().trim().min(1).max(80),
	scores: scoresSchema,
	rationale: z.string().max(20_000).optional(),
	flags: z.array(z.string().max(64)).max(50).optional(),
	/** The model that produced the scores (stamped on them; a new judge takes it as its model). */
	model: z.string().trim().min(1).max(200).optional()
});

export interface JudgeImportResult {
	format: JudgeImportFormat;
	/** Lines whose scores were stored: new ones, and changed ones that replaced what an earlier import stored. */
	imported: number;
	/** Of `imported`, how many replaced earlier scores of the same judge, item and guideline version. */
	replaced: number;
	/** Lines already imported with the same scores: nothing changed. */
	skipped: number;
	/** Judges the import registered (names it did not know), as kind 'imported'. */
	newJudges: string[];
	/** Bad lines (at most MAX_LISTED_PROBLEMS; `problemCount` says how many in all); none of them changed anything. */
	problems: LineProblem[];
	problemCount: number;
}
