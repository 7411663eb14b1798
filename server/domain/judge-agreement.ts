// "Humans and judges": each judge against the people, per rubric dimension. Pure: the route reads, this computes.
// Per judge and dimension: against each item's human reference (./judge-reference.ts) and against each evaluator
// on the items both scored, with the judge's newest scores per item (within the guideline version asked for, if
// any); the same against the reference per guideline version the judge was given (every stamp: the newest score
// per item within each) and per week or month of when the headline scores were made; and the items where the
// judge and the reference differ most. Judge scores are normalised exactly as human ones (planDimension), so a
// value outside the scale is left out, never counted.
import type {
	JudgeAgreementView,
	JudgeDimensionAgreement,
	JudgeSeriesPoint,
	JudgeVersionAgreement,
	ReferenceKind
} from '#shared/judge-agreement';
import { JUDGE_DIFFERING_MAX } from '#shared/judge-agreement';
import { levelToMetric } from '#shared/agreement/index';
import { displayValue, type DimensionPlan, type RatingValue } from './agreement-ratings';
import type { Person } from './agreement-report';
import { pairAgreement, pairAlpha, Pairs } from './judge-pairs';
import { scaledDistance, type HumanValues, type Reference } from './judge-reference';
import { bucketEnd, bucketRange, bucketStart } from './time-buckets';
import { scopeRule, type ScopeFilter } from './agreement-scope';

/** One stored judge evaluation, as read for agreement (scores still as stored). */
export interface JudgeScoreRow {
	judgeId: string;
	itemId: string;
	guidelineVersionId: string;
	scores: Record<string, unknown>;
	createdAt: number;
	/** The item's modality and language (the dashboard's filters choose by them). */
	modality: string;
	language: string;
}

/** The scores the dashboard's filters keep (agreement-scope.ts, the rule the people's figures obey too). */
export function judgeScoresInScope(scores: readonly JudgeScoreRow[], f: ScopeFilter): JudgeScoreRow[] {
	const rule = scopeRule(f);
	return scores.filter((s) => rule.madeIn(s.createdAt) && rule.about(s.modality, s.language));
}

/** A dimension ready for comparison: its plan, the people's values and each item's reference. */
export interface ComparedDimension {
	plan: DimensionPlan;
	humans: HumanValues;
	references: Map<string, Reference>;
}

export interface JudgeInput {
	judge: { id: string; name: string; archived: boolean };
	/** The judge's scores, oldest first (the last of an item is its newest). */
	scores: readonly JudgeScoreRow[];
	dimensions: readonly ComparedDimension[];
	people: ReadonlyMap<string, Person>;
	/** Guideline version id → "Title vN". */
	versionLabels: ReadonlyMap<string, string>;
	/** Only scores stamped with this version count in the headline ('' = no guideline), or all when null. */
	guidelineVersionId: string | null;
	bucket: 'week' | 'month';
}

/** Each item's newest score among `scores` (oldest first). */
export function newestPerItem(scores: readonly JudgeScoreRow[]): Map<string, JudgeScoreRow> {
	const out = new Map<string, JudgeScoreRow>();
	for (const s of scores) out.set(s.itemId, s);
	return out;
}

/** The judge's value per item on one dimension (items without a value of the scale left out). */
export function judgeValues(plan: DimensionPlan, newest: ReadonlyMap<string, JudgeScoreRow>): Map<string, RatingValue> {
	const out = new Map<string, RatingValue>();
	for (const [item, s] of newest) {
		const v = plan.normalize(s.scores[plan.key]);
		if (v !== null) out.set(item, v);
	}
	return out;
}

function againstReference(d: ComparedDimension, values: ReadonlyMap<string, RatingValue>, items?: Set<string>) {
	const pairs = new Pairs();
	const uses: Partial<Record<ReferenceKind, number>> = {};
	for (const [item, v] of values) {
		if (items && !items.has(item)) continue;
		const ref = d.references.get(item);
		if (!ref) continue;
		pairs.add(item, v, ref.value);
		uses[ref.kind] = (uses[ref.kind] ?? 0) + 1;
	}
	return { pairs, uses };
}

function dimensionAgreement(
	d: ComparedDimension,
	values: ReadonlyMap<string, RatingValue>,
	people: ReadonlyMap<string, Person>
): JudgeDimensionAgreement {
	const { plan, humans } = d;
	const { pairs, uses } = againstReference(d, values);
	const byRater = new Map<string, Pairs>();
	for (const [item, v] of values)
		for (const k of humans.byItem.get(item) ?? []) {
			let p = byRater.get(humans.rater[k]);
			if (!p) byRater.set(humans.rater[k], (p = new Pairs()));
			p.add(item, v, humans.value[k]);
		}
	const evaluators = [...byRater]
		.map(([id, p]) => ({ id, name: people.get(id)?.name ?? id, ...pairAgreement(plan, p) }))
		.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	return {
		key: plan.key,
		label: plan.label,
		scale: plan.scale,
		level: plan.level,
		weights: levelToMetric(plan.level).weights,
		reference: { ...pairAgreement(plan, pairs), uses },
		evaluators
	};
}

function byVersion(input: JudgeInput): JudgeVersionAgreement[] {
	const stamps = new Map<string, JudgeScoreRow[]>();
	for (const s of input.scores) {
		const list = stamps.get(s.guidelineVersionId);
		if (list) list.push(s);
		else stamps.set(s.guidelineVersionId, [s]);
	}
	return [...stamps]
		.map(([version, scores]) => {
			const newest = newestPerItem(scores);
			return {
				guidelineVersionId: version,
				label: version ? (input.versionLabels.get(version) ?? null) : null,
				items: newest.size,
				first: scores[0].createdAt,
				dimensions: input.dimensions.map((d) => ({
					key: d.plan.key,
					...pairAgreement(d.plan, againstReference(d, judgeValues(d.plan, newest)).pairs)
				}))
			};
		})
		.sort((a, b) => a.first - b.first)
		.map(({ first: _first, ...v }) => v);
}

function timeline(input: JudgeInput, newest: ReadonlyMap<string, JudgeScoreRow>): JudgeSeriesPoint[] {
	if (!newest.size) return [];
	let min = Infinity;
	let max = -Infinity;
	for (const s of newest.values()) {
		min = Math.min(min, s.createdAt);
		max = Math.max(max, s.createdAt);
	}
	const starts = bucketRange(min, max, input.bucket);
	const index = new Map(starts.map((s, i) => [s, i]));
	const itemsOf = starts.map(() => new Set<string>());
	for (const s of newest.values()) itemsOf[index.get(bucketStart(s.createdAt, input.bucket))!].add(s.itemId);
	const values = input.dimensions.map((d) => judgeValues(d.plan, newest));
	return starts.map((start, i) => ({
		start,
		end: bucketEnd(start, input.bucket),
		dimensions: input.dimensions.map((d, di) => {
			const { pairs } = againstReference(d, values[di], itemsOf[i]);
			return { key: d.plan.key, alpha: pairAlpha(d.plan, pairs), n: pairs.size };
		})
	}));
}

/** The items where the judge and the reference differ most (mean scaled distance over the dimensions compared). */
export interface DifferingItem {
	itemId: string;
	distance: number;
	dimensions: {
		key: string;
		judge: RatingValue;
		reference: RatingValue;
		referenceKind: ReferenceKind;
		distance: number;
	}[];
}

function differing(dimensions: readonly ComparedDimension[], values: Map<string, RatingValue>[]): DifferingItem[] {
	const byItem = new Map<string, DifferingItem['dimensions']>();
	dimensions.forEach((d, di) => {
		const seen = [...d.humans.value, ...values[di].values()];
		const distance = scaledDistance(d.plan, seen);
		for (const [item, v] of values[di]) {
			const ref = d.references.get(item);
			if (!ref) continue;
			const entry = {
				key: d.plan.key,
				judge: displayValue(d.plan, v),
				reference: displayValue(d.plan, ref.value),
				referenceKind: ref.kind,
				distance: distance(v, ref.value)
			};
			const list = byItem.get(item);
			if (list) list.push(entry);
			else byItem.set(item, [entry]);
		}
	});
	const out: DifferingItem[] = [];
	for (const [itemId, dims] of byItem) {
		const distance = dims.reduce((s, x) => s + x.distance, 0) / dims.length;
		if (distance > 0) out.push({ itemId, distance, dimensions: dims.sort((a, b) => b.distance - a.distance) });
	}
	// Most different first; then the worst dimension, then the id (bytewise), so the order is total.
	out.sort(
		(a, b) =>
			b.distance - a.distance ||
			b.dimensions[0].distance - a.dimensions[0].distance ||
			(a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0)
	);
	return out.slice(0, JUDGE_DIFFERING_MAX);
}

export type JudgeFigures = Omit<JudgeAgreementView, 'differing'> & { differing: DifferingItem[] };

/** The scores the headline figures use: each item's newest, within the guideline version asked for (if any). */
export function headlineScores(
	scores: readonly JudgeScoreRow[],
	guidelineVersionId: string | null
): Map<string, JudgeScoreRow> {
	return newestPerItem(
		guidelineVersionId === null ? scores : scores.filter((s) => s.guidelineVersionId === guidelineVersionId)
	);
}

export function judgeFigures(input: JudgeInput): JudgeFigures {
	const newest = headlineScores(input.scores, input.guidelineVersionId);
	const values = input.dimensions.map((d) => judgeValues(d.plan, newest));
	return {
		id: input.judge.id,
		name: input.judge.name,
		archived: input.judge.archived,
		scoredItems: newest.size,
		dimensions: input.dimensions.map((d, di) => dimensionAgreement(d, values[di], input.people)),
		versions: byVersion(input),
		timeline: timeline(input, newest),
		differing: differing(input.dimensions, values)
	};
}
