// When does a model judge disagree with the people on an item? Pure. Per rubric dimension (free text aside), the
// human majority is the median of the submitted scores on ordered dimensions (ordinal, interval, ratio; options
// count by their position, yes/no as 1/0) and the most frequent value on nominal ones. The judge disagrees when it
// is more than `threshold` scale points from the median, or, on a nominal dimension, gives another value than
// the majority's. A nominal tie has no majority: the people disagree among themselves (low agreement escalates
// that), and the judge is not held against either side.
import type { RubricDimension } from '#shared/rubric';
import type { Scores, ScoreValue } from '#shared/evaluation';
import { median } from './escalation';
import { orderedValue } from './item-agreement';

export interface JudgeDisagreement {
	key: string;
	judge: ScoreValue;
	/** The human majority: the median (ordered dimensions) or the most frequent value (nominal). */
	majority: ScoreValue;
	/** Scale points between them (ordered); 1 for a nominal difference. */
	distance: number;
}

const given = (v: unknown): v is ScoreValue => v !== undefined && v !== null && v !== '';
/** Nominal values compared as people mean them: yes/no given as 1/0 or true/false are the same answer. */
const nominalKey = (v: ScoreValue) => (typeof v === 'boolean' ? String(v ? 1 : 0) : String(v));

function nominalMajority(values: ScoreValue[]): ScoreValue | null {
	const counts = new Map<string, { value: ScoreValue; n: number }>();
	for (const v of values) {
		const k = nominalKey(v);
		const seen = counts.get(k);
		counts.set(k, { value: seen?.value ?? v, n: (seen?.n ?? 0) + 1 });
	}
	const sorted = [...counts.values()].sort((a, b) => b.n - a.n);
	return sorted.length && (sorted.length === 1 || sorted[0].n > sorted[1].n) ? sorted[0].value : null;
}

function one(
	dim: RubricDimension,
	humans: ScoreValue[],
	judge: ScoreValue,
	threshold: number
): JudgeDisagreement | null {
	if (dim.level === 'nominal') {
		const majority = nominalMajority(humans);
		if (majority === null || nominalKey(majority) === nominalKey(judge)) return null;
		return { key: dim.key, judge, majority, distance: 1 };
	}
	const nums = humans.map((v) => orderedValue(dim, v)).filter((n): n is number => n !== null);
	const mid = median(nums);
	const j = orderedValue(dim, judge);
	if (mid === null || j === null) return null;
	const distance = Math.abs(j - mid);
	return distance > threshold ? { key: dim.key, judge, majority: mid, distance } : null;
}

/** The dimensions on which the judge differs from the human majority, most distant first. */
export function judgeDisagreements(
	dims: readonly RubricDimension[],
	humanScores: readonly Scores[],
	judgeScores: Scores,
	threshold: number
): JudgeDisagreement[] {
	const out: JudgeDisagreement[] = [];
	for (const dim of dims) {
		const judge = judgeScores[dim.key];
		if (dim.scale === 'text' || !given(judge)) continue;
		const humans = humanScores.map((s) => s[dim.key]).filter(given);
		if (!humans.length) continue;
		const found = one(dim, humans, judge, threshold);
		if (found) out.push(found);
	}
	return out.sort((a, b) => b.distance - a.distance);
}

/** The escalation's note: the dimension(s) and both values, e.g. "Judge “Gpt” differs … correctness: judge 5, people 2". */
export function judgeDisagreementNote(judgeName: string, found: readonly JudgeDisagreement[], humans: number): string {
	const parts = found.map((d) => `${d.key}: judge ${String(d.judge)}, people ${String(d.majority)}`);
	return `Judge “${judgeName}” differs from the majority of ${humans} evaluations: ${parts.join('; ')}`;
}
