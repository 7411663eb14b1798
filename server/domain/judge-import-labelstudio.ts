// Label Studio predictions as judge score records. A Label Studio JSON export is an array of tasks; each task's
// `data` names the item (`data.externalId`, else `ls-<task id>`: the rule items imported from Label Studio got
// their external ids by), and each of its `predictions: [{ model_version, score?, result: [...] }]` is one
// judge's answer. Results map to the rubric by `from_name`:
//   - `from_name` = a dimension key: `choices` (one choice: an option's value or label; for a yes/no dimension
//     also yes/no/true/false), `rating` and `number` (the number), `textarea` (the text lines, joined);
//   - `from_name` = "flags": `choices` are rubric flags (by key or label);
//   - `from_name` = "rationale": a `textarea` is the rationale.
// The judge is the `?judge=` name the import was given, else the prediction's `model_version` (also its model).
// `score` (Label Studio's overall confidence) has no rubric meaning and is ignored; `annotations` are people's
// work and are ignored too. Anything else is reported as a problem of the task's line (its 1-based position).
import type { RubricDimension } from '#shared/rubric';
import type { ScoreValue } from '#shared/evaluation';
import { labelStudioExternalId } from './item-import-formats';
import type { JudgeAnswer, JudgeImportEntry } from './judge-import';

interface LabelStudioResult {
	from_name?: unknown;
	type?: unknown;
	value?: { choices?: unknown; rating?: unknown; number?: unknown; text?: unknown };
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** A choice as the dimension's value: an option by value or label, yes/no for binary, else the choice as given. */
function choiceValue(dim: RubricDimension | undefined, choice: string): ScoreValue {
	const option =
		dim?.options?.find((o) => String(o.value) === choice) ?? dim?.options?.find((o) => same(o.label, choice));
	if (option) return option.value;
	if (dim?.scale === 'binary') {
		if (/^(yes|true)$/i.test(choice.trim())) return true;
		if (/^(no|false)$/i.test(choice.trim())) return false;
	}
	if (dim?.scale === 'likert' && /^-?\d+$/.test(choice.trim())) return Number(choice);
	return choice;
}

const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null);

/** Reads one prediction's results against the item's dimensions and flags. */
function labelStudioAnswer(
	results: readonly LabelStudioResult[],
	dimensions: readonly RubricDimension[],
	flags: readonly { key: string; label: string }[]
): JudgeAnswer | { problem: string } {
	const answer: JudgeAnswer = { scores: {}, flags: [], rationale: '' };
	for (const r of results) {
		const name = typeof r?.from_name === 'string' ? r.from_name : null;
		const type = typeof r?.type === 'string' ? r.type : null;
		if (!name || !type) return { problem: 'a result has no from_name or type' };
		const where = `result "${name}" (${type})`;
		const value = r.value ?? {};
		if (type === 'textarea') {
			const text = strings(value.text);
			if (!text) return { problem: `${where}: value.text must be a list of strings` };
			if (name === 'rationale') answer.rationale = text.join('\n');
			else answer.scores[name] = text.join('\n');
		} else if (type === 'choices') {
			const choices = strings(value.choices);
			if (!choices) return { problem: `${where}: value.choices must be a list of strings` };
			if (name === 'flags') {
				answer.flags = choices.map((c) => flags.find((f) => f.key === c || same(f.label, c))?.key ?? c);
				continue;
			}
			if (choices.length !== 1) return { problem: `${where}: a dimension takes one choice, found ${choices.length}` };
			answer.scores[name] = choiceValue(
				dimensions.find((d) => d.key === name),
				choices[0]
			);
		} else if (type === 'rating' || type === 'number') {
			const n = type === 'rating' ? value.rating : value.number;
			if (typeof n !== 'number') return { problem: `${where}: value.${type} must be a number` };
			answer.scores[name] = n;
		} else {
			return { problem: `${where}: only choices, rating, number and textarea results map to a rubric` };
		}
	}
	return answer;
}

/** The records of one task (its position `line`), one per prediction; a task without predictions has none. */
export function labelStudioJudgeEntries(
	task: unknown,
	line: number,
	judgeName: string | undefined
): JudgeImportEntry[] {
	if (typeof task !== 'object' || task === null || Array.isArray(task))
		return [{ line, problem: 'a Label Studio task is an object with data and predictions' }];
	const t = task as { id?: unknown; data?: Record<string, unknown>; predictions?: unknown };
	const externalId = labelStudioExternalId({ id: t.id, data: typeof t.data === 'object' && t.data ? t.data : {} });
	if (t.predictions === undefined) return [];
	if (!Array.isArray(t.predictions)) return [{ line, problem: 'predictions must be a list' }];
	if (!externalId) return [{ line, problem: 'the task has neither data.externalId nor an id' }];
	return t.predictions.map((p: unknown, i): JudgeImportEntry => {
		const at = t.predictions && (t.predictions as unknown[]).length > 1 ? `prediction ${i + 1}: ` : '';
		const pred = (typeof p === 'object' && p !== null ? p : {}) as { model_version?: unknown; result?: unknown };
		const model =
			typeof pred.model_version === 'string' && pred.model_version.trim() ? pred.model_version.trim() : undefined;
		const judge = judgeName ?? model;
		if (!judge) return { line, problem: `${at}no model_version: name the judge for this file (judge=…)` };
		if (judge.length > 80) return { line, problem: `${at}the judge name is longer than 80 characters` };
		if (model && model.length > 200) return { line, problem: `${at}model_version is longer than 200 characters` };
		if (!Array.isArray(pred.result)) return { line, problem: `${at}result must be a list` };
		const results = pred.result as LabelStudioResult[];
		return {
			line,
			externalId,
			judge,
			model,
			answer: (dimensions, flags) => {
				const read = labelStudioAnswer(results, dimensions, flags);
				return 'problem' in read ? { problem: at + read.problem } : read;
			}
		};
	});
}
