// Judge score imports, the pure part: one record per JSONL line or Label Studio prediction, and the check every
// record passes before anything is stored. A record names its item and judge; its answer (scores, flags,
// rationale) is read against the rubric of that item, because Label Studio choices become rubric values only
// once the dimension is known. The check is the one a human submission passes (assertScoresFit, 'submitted'),
// plus: flags must be flags of the rubric.
import type { RubricDefinition, RubricDimension } from '#shared/rubric';
import type { Scores } from '#shared/evaluation';
import { judgeImportLineSchema } from '#shared/judge-import';
import { AppError } from './errors';
import { assertScoresFit } from './scores';
import { canonicalJson, jsonlRecord } from './item-import';

export interface JudgeAnswer {
	scores: Scores;
	flags: string[];
	rationale: string;
}

/** What a record holds before its item is known: its answer is read with the item's rubric dimensions. */
export interface JudgeRecord {
	line: number;
	externalId: string;
	judge: string;
	model: string | undefined;
	answer(
		dimensions: readonly RubricDimension[],
		flags: readonly { key: string; label: string }[]
	): JudgeAnswer | { problem: string };
}

export type JudgeImportEntry = JudgeRecord | { line: number; problem: string };

const issuesText = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
	issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');

/** One JSONL line: null when blank (skipped), else a record or why the line is bad. */
export function jsonlJudgeEntry(line: number, text: string): JudgeImportEntry | null {
	const parsed = jsonlRecord(text);
	if (!parsed) return null;
	if (!parsed.ok) return { line, problem: parsed.message };
	const fields = judgeImportLineSchema.safeParse(parsed.value);
	if (!fields.success) return { line, problem: issuesText(fields.error.issues) };
	const v = fields.data;
	return {
		line,
		externalId: v.externalId,
		judge: v.judge,
		model: v.model,
		answer: () => ({ scores: v.scores, flags: v.flags ?? [], rationale: v.rationale ?? '' })
	};
}

/**
 * Whether an answer may be stored for an item of `modality` under `rubric`: null when it fits, else why not
 * (each bad score as `scores.<dimension>: …`, then unknown flags).
 */
export function answerProblem(rubric: RubricDefinition, modality: string, answer: JudgeAnswer): string | null {
	try {
		assertScoresFit(rubric, modality, answer.scores, 'submitted');
	} catch (err) {
		if (!(err instanceof AppError)) throw err;
		const details = (err.details ?? []) as { path: string; message: string }[];
		return details.map((d) => `${d.path}: ${d.message}`).join('; ') || err.message;
	}
	const known = new Set(rubric.flags.map((f) => f.key));
	const unknown = answer.flags.filter((f) => !known.has(f));
	if (unknown.length)
		return `flags: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a flag' : 'are not flags'} of this rubric`;
	return null;
}

/** Equal answers store nothing on re-import (key order and the order of flags do not matter). */
export function sameAnswer(
	a: JudgeAnswer & { model: string },
	b: { scores: unknown; flags: readonly string[]; rationale: string; model: string }
): boolean {
	return (
		a.rationale === b.rationale &&
		a.model === b.model &&
		canonicalJson(a.scores) === canonicalJson(b.scores) &&
		canonicalJson([...a.flags].sort()) === canonicalJson([...b.flags].sort())
	);
}
