// Per-dimension agreement among the evaluators of ONE item, on a 0..1 scale (1 = everyone agrees), used for
// automatic escalation, for highlighting conflicts in the adjudication room, and by calibration figures. Pure.
// Nominal dimensions: the share of evaluator pairs giving the same value (Gwet's per-item percent agreement).
// Ordered dimensions: one minus the mean pairwise distance divided by the scale's range. Free text is not compared.
// Deliberately observed, not chance-corrected: the engine's per-item disagreement (itemDisagreement) is scaled by
// the whole data set's expected disagreement, so early in a project, with one or two items rated, any difference
// at all would read as chance-level and escalate; the project threshold is documented on this 0..1 scale.
import type { RubricDimension } from '#shared/rubric';
import type { Scores } from '#shared/evaluation';

export interface RawAgreement {
	key: string;
	value: number | null;
	ratings: number;
}

/** A value's place on an ordered scale: numbers as given, yes/no as 1/0, options by their position. */
export function orderedValue(dim: RubricDimension, v: unknown): number | null {
	if (typeof v === 'number') return v;
	if (typeof v === 'boolean') return v ? 1 : 0;
	const index = (dim.options ?? []).findIndex((o) => o.value === v);
	return index >= 0 ? index : null;
}

function range(dim: RubricDimension, values: number[]): number {
	if (dim.scale === 'likert') return (dim.max ?? 5) - (dim.min ?? 1);
	if (dim.scale === 'binary') return 1;
	if (dim.options?.length) return dim.options.length - 1;
	return Math.max(...values) - Math.min(...values);
}

export function dimensionAgreement(dim: RubricDimension, raw: unknown[]): RawAgreement {
	const values = raw.filter((v) => v !== undefined && v !== null && v !== '');
	if (dim.scale === 'text' || values.length < 2) return { key: dim.key, value: null, ratings: values.length };
	let pairs = 0;
	let total = 0;
	const ordered = dim.level !== 'nominal';
	const nums = ordered ? values.map((v) => orderedValue(dim, v)) : [];
	const span = ordered
		? range(
				dim,
				nums.filter((n): n is number => n !== null)
			)
		: 0;
	for (let i = 0; i < values.length; i++) {
		for (let j = i + 1; j < values.length; j++) {
			pairs++;
			if (ordered && span > 0 && nums[i] !== null && nums[j] !== null)
				total += 1 - Math.abs(nums[i]! - nums[j]!) / span;
			else total += values[i] === values[j] ? 1 : 0;
		}
	}
	return { key: dim.key, value: total / pairs, ratings: values.length };
}

/** Agreement for every dimension, from the submitted scores of one item. */
export function itemAgreement(dims: readonly RubricDimension[], scores: readonly Scores[]): RawAgreement[] {
	return dims.map((d) =>
		dimensionAgreement(
			d,
			scores.map((s) => s[d.key])
		)
	);
}
