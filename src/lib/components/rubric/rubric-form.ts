// Pure logic behind the rubric form: which dimensions are live (a pre-evaluation gate can skip the rest), the
// choices each scale offers, how a digit key maps to a value, progress, and what a submission sends.
// No DOM and no Svelte, so it is unit-tested directly and the form stays a thin view.
import { dimensionsFor, type RubricDefinition, type RubricDimension } from '$lib/shared/rubric';
import { gateStopped, type ScoreProblem, type Scores, type ScoreValue } from '$lib/shared/evaluation';

export interface FormDimension {
	dim: RubricDimension;
	/** A gate answered with a stop value skips every non-gate dimension (as validateScores does). */
	skipped: boolean;
}

export interface Choice {
	value: string | number | boolean;
	label: string;
	description?: string;
	/** The digit key that picks it ('1'…'9', '0' for the tenth), if any. */
	key?: string;
	/** For likert: whether the rubric labels this point (an anchor) or it is an unlabelled step between anchors. */
	anchor?: boolean;
}

/** Categorical dimensions with more options than digit keys (1–9, 0) get a search box. */
export const SEARCH_THRESHOLD = 10;

export function formDimensions(rubric: RubricDefinition, modality: string, scores: Scores): FormDimension[] {
	const stopped = gateStopped(rubric, modality, scores);
	return dimensionsFor(rubric, modality).map((dim) => ({ dim, skipped: stopped && !dim.gate }));
}

export const isEmpty = (v: ScoreValue | undefined): boolean => v === undefined || v === null || v === '';

const digitFor = (index: number): string | undefined => (index < 9 ? String(index + 1) : index === 9 ? '0' : undefined);

/** The choices a dimension offers, in display order. Text dimensions have none. */
export function choicesFor(dim: RubricDimension, yes = 'Yes', no = 'No'): Choice[] {
	switch (dim.scale) {
		case 'likert': {
			const min = dim.min ?? 1;
			const max = dim.max ?? 5;
			const out: Choice[] = [];
			for (let v = min; v <= max; v++) {
				const anchor = dim.options?.find((o) => o.value === v || o.value === String(v));
				out.push({
					value: v,
					label: anchor?.label ?? String(v),
					description: anchor?.description,
					anchor: !!anchor,
					key: likertKey(v, min, max)
				});
			}
			return out;
		}
		case 'binary': {
			const label = (v: boolean) => dim.options?.find((o) => o.value === (v ? 1 : 0) || o.value === String(v))?.label;
			return [
				{ value: true, label: label(true) ?? yes, key: '1' },
				{ value: false, label: label(false) ?? no, key: '2' }
			];
		}
		case 'categorical':
		case 'pairwise':
			return (dim.options ?? []).map((o, i) => ({
				value: o.value,
				label: o.label,
				description: o.description,
				key: digitFor(i)
			}));
		case 'text':
			return [];
	}
}

/** Likert points map to their own digit when the scale fits 0–10 (10 is typed as 0 when 0 is not a point). */
function likertKey(v: number, min: number, max: number): string | undefined {
	if (v >= 0 && v <= 9) return String(v);
	if (v === 10 && min > 0 && max <= 10) return '0';
	return undefined;
}

/** Whether a stored value is this choice (binary scores may be stored as 1/0 as well as true/false). */
export function sameValue(dim: RubricDimension, stored: ScoreValue | undefined, choice: Choice['value']): boolean {
	if (dim.scale === 'binary' && (stored === 1 || stored === 0)) return (stored === 1) === choice;
	return stored === choice;
}

/** The value a digit key gives a dimension, or undefined when that digit means nothing there. */
export function valueForDigit(dim: RubricDimension, digit: string): ScoreValue | undefined {
	if (dim.scale === 'binary' && digit === '0') return false;
	const choice = choicesFor(dim).find((c) => c.key === digit);
	return choice?.value;
}

/** The next or previous choice from the current value (arrow keys); starts at the first or last. */
export function stepValue(
	dim: RubricDimension,
	current: ScoreValue | undefined,
	delta: 1 | -1
): ScoreValue | undefined {
	const choices = choicesFor(dim);
	if (!choices.length) return current;
	const at = choices.findIndex((c) => sameValue(dim, current, c.value));
	if (at < 0) return choices[delta > 0 ? 0 : choices.length - 1].value;
	return choices[Math.min(choices.length - 1, Math.max(0, at + delta))].value;
}

/** The label shown for a stored value (e.g. in "compare with" chips and read-only views). */
export function valueLabel(dim: RubricDimension, value: ScoreValue | undefined, yes = 'Yes', no = 'No'): string {
	if (isEmpty(value)) return '—';
	if (dim.scale === 'text') return String(value);
	const choice = choicesFor(dim, yes, no).find((c) => sameValue(dim, value, c.value));
	if (!choice) return String(value);
	return dim.scale === 'likert' && choice.anchor ? `${choice.value} · ${choice.label}` : choice.label;
}

export interface FormProgress {
	answered: number;
	required: number;
	/** Every required, non-skipped dimension has a value. */
	complete: boolean;
}

export function formProgress(rubric: RubricDefinition, modality: string, scores: Scores): FormProgress {
	const live = formDimensions(rubric, modality, scores).filter((d) => !d.skipped);
	const required = live.filter((d) => d.dim.required);
	const answered = required.filter((d) => !isEmpty(scores[d.dim.key])).length;
	return { answered, required: required.length, complete: answered === required.length };
}

/**
 * Where focus goes after answering `key`: the next required dimension still open (looking forward, then from
 * the top), else the next open optional one that takes a key press (optional free text is never forced on the
 * evaluator), else it stays.
 */
export function nextDimensionKey(
	rubric: RubricDefinition,
	modality: string,
	scores: Scores,
	key: string | null
): string | null {
	const live = formDimensions(rubric, modality, scores)
		.filter((d) => !d.skipped)
		.map((d) => d.dim);
	if (!live.length) return null;
	const at = key ? live.findIndex((d) => d.key === key) : -1;
	const after = [...live.slice(at + 1), ...live.slice(0, at + 1)];
	const open = after.filter((d) => isEmpty(scores[d.key]));
	const next = open.find((d) => d.required) ?? open.find((d) => d.scale !== 'text');
	return next?.key ?? (at >= 0 ? live[at].key : live[0].key);
}

/** Moves focus by `delta` among live dimensions, clamped at both ends. */
export function moveDimensionKey(
	rubric: RubricDefinition,
	modality: string,
	scores: Scores,
	key: string | null,
	delta: number
): string | null {
	const live = formDimensions(rubric, modality, scores)
		.filter((d) => !d.skipped)
		.map((d) => d.dim.key);
	if (!live.length) return null;
	const at = key ? live.indexOf(key) : -1;
	if (at < 0) return live[delta >= 0 ? 0 : live.length - 1];
	return live[Math.min(live.length - 1, Math.max(0, at + delta))];
}

/** What a submission sends: empty values dropped, and nothing for dimensions a gate skipped. */
export function scoresForSubmit(rubric: RubricDefinition, modality: string, scores: Scores): Scores {
	const out: Scores = {};
	for (const { dim, skipped } of formDimensions(rubric, modality, scores)) {
		const v = scores[dim.key];
		if (!skipped && !isEmpty(v)) out[dim.key] = v;
	}
	return out;
}

/** Case- and accent-insensitive option search (so "saude" finds "Saúde"). */
export function filterChoices(choices: Choice[], query: string): Choice[] {
	const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
	const q = fold(query.trim());
	if (!q) return choices;
	return choices.filter((c) => fold(`${c.label} ${c.description ?? ''} ${String(c.value)}`).includes(q));
}

/** Which side a pairwise option favours, for colour and layout: A, B or a tie (graded options like 'A>>B'). */
export function pairwiseSide(value: string | number | boolean): 'a' | 'b' | 'tie' {
	const v = String(value).trim().toLowerCase();
	if (/^(tie|equal|same|=|none|both)/.test(v)) return 'tie';
	if (/^a\b|^a[>_\-\s]|^a$|^left/.test(v) || /b\s*<+\s*a/.test(v)) return 'a';
	if (/^b\b|^b[>_\-\s]|^b$|^right/.test(v) || /a\s*<+\s*b/.test(v)) return 'b';
	return 'tie';
}

export interface ProblemSplit {
	/** Problems of one score, by dimension key. */
	byKey: Record<string, string>;
	/** Everything else (flags, spans, rationale…), as "path: message". */
	general: string[];
}

/** Turns an API error's details ([{path:'scores.key', message}]) into per-dimension and general problems. */
export function splitProblems(details: unknown): ProblemSplit {
	const out: ProblemSplit = { byKey: {}, general: [] };
	if (!Array.isArray(details)) return out;
	for (const d of details as { path?: unknown; message?: unknown }[]) {
		const path = typeof d?.path === 'string' ? d.path : '';
		const message =
			typeof d?.message === 'string'
				? d.message
				: d?.message === undefined || d.message === null
					? ''
					: JSON.stringify(d.message);
		const m = /^scores\.([a-z][a-z0-9_]*)$/.exec(path);
		if (m) out.byKey[m[1]] = out.byKey[m[1]] ? `${out.byKey[m[1]]}; ${message}` : message;
		else out.general.push(path ? `${path}: ${message}` : message);
	}
	return out;
}

/** A known server problem message as a message key and its parameters, so it can be shown translated. */
export function problemMessage(message: string): { key: string; params: Record<string, string> } | null {
	const between = /^must be between (-?\d+) and (-?\d+)$/.exec(message);
	if (between) return { key: 'ws.problem.between', params: { min: between[1], max: between[2] } };
	const oneOf = /^must be one of (.*)$/.exec(message);
	if (oneOf) return { key: 'ws.problem.oneOf', params: { values: oneOf[1] } };
	const fixed: Record<string, string> = {
		'is required': 'ws.problem.required',
		'is not a dimension of this rubric': 'ws.problem.unknown',
		'must be a whole number': 'ws.problem.whole',
		'must be yes or no': 'ws.problem.yesNo',
		'must be text': 'ws.problem.text'
	};
	return fixed[message] ? { key: fixed[message], params: {} } : null;
}

export function problemsToList(byKey: Record<string, string>): ScoreProblem[] {
	return Object.entries(byKey).map(([key, message]) => ({ key, message }));
}
