// Assembles the "Humans and judges" report from the people's rating set, the gold answers and the judges' scores.
// Pure. The people's ratings are the same human-only rating set as the agreement dashboard's (judges never enter
// it); each judge is compared with them here (./judge-agreement.ts), and the split by suggestion is added when any
// evaluation was made with a suggestion shown (./judge-suggestions.ts).
import type { JudgeAgreementReport } from '#shared/judge-agreement';
import { JUDGE_MIN_ITEMS, JUDGE_THRESHOLDS } from '#shared/judge-agreement';
import type { Rubric } from '#shared/rubric';
import { dimensionPlans, dimensionRef, type RatingSet } from './agreement-ratings';
import { dimensionView, type Person } from './agreement-report';
import {
	headlineScores,
	judgeFigures,
	judgeValues,
	type ComparedDimension,
	type JudgeFigures,
	type JudgeScoreRow
} from './judge-agreement';
import { humanValues, itemReferences, type GoldAnswer } from './judge-reference';
import { suggestionSplit } from './judge-suggestions';

export interface JudgeReportInput {
	/** The people's ratings of the whole project (the dimension filter applied). */
	set: RatingSet;
	rubrics: readonly Rubric[];
	dimension: string | null;
	gold: ReadonlyMap<string, GoldAnswer>;
	judges: readonly { id: string; name: string; archived: boolean }[];
	/** Every judge score of the project, oldest first. */
	scores: readonly JudgeScoreRow[];
	people: ReadonlyMap<string, Person>;
	versionLabels: ReadonlyMap<string, string>;
	suggested: ReadonlySet<string>;
	guidelineVersionId: string | null;
	bucket: 'week' | 'month';
	filters: JudgeAgreementReport['filters'];
}

export type JudgeReportFigures = Omit<JudgeAgreementReport, 'judges'> & { judges: JudgeFigures[] };

export function judgeAgreementReport(input: JudgeReportInput): JudgeReportFigures {
	const ratedBy = new Map(input.set.dimensions.map((d) => [d.plan.key, d]));
	// Dimensions someone scored: the people (those that apply to their items) or a judge.
	const plans = dimensionPlans(input.rubrics).filter(
		(p) =>
			(!input.dimension || p.key === input.dimension) &&
			(ratedBy.has(p.key) || input.scores.some((s) => p.normalize(s.scores[p.key]) !== null))
	);
	const compared = plans.map((plan) => {
		const ratings = ratedBy.get(plan.key);
		const humans = humanValues(ratings);
		const c: ComparedDimension = { plan, humans, references: itemReferences(plan, humans, input.gold) };
		return { compared: c, ratings };
	});
	const scoresOf = new Map<string, JudgeScoreRow[]>();
	for (const s of input.scores) {
		const list = scoresOf.get(s.judgeId);
		if (list) list.push(s);
		else scoresOf.set(s.judgeId, [s]);
	}
	// Judges with scores only: a registered judge that never scored anything has nothing to measure.
	const judges = input.judges.filter((j) => scoresOf.has(j.id));
	const figures = judges.map((judge) =>
		judgeFigures({
			judge,
			scores: scoresOf.get(judge.id)!,
			dimensions: compared.map((x) => x.compared),
			people: input.people,
			versionLabels: input.versionLabels,
			guidelineVersionId: input.guidelineVersionId,
			bucket: input.bucket
		})
	);
	const split = suggestionSplit({
		dimensions: compared,
		suggested: input.suggested,
		judges: judges.map((j) => {
			const newest = headlineScores(scoresOf.get(j.id)!, input.guidelineVersionId);
			return {
				id: j.id,
				values: new Map(compared.map(({ compared: c }) => [c.plan.key, judgeValues(c.plan, newest)]))
			};
		})
	});
	return {
		filters: input.filters,
		thresholds: { minItems: JUDGE_MIN_ITEMS, ...JUDGE_THRESHOLDS },
		bucket: input.bucket,
		dimensions: compared.map(({ compared: c, ratings }) => {
			const view = ratings ? dimensionView(ratings) : null;
			return {
				...dimensionRef(c.plan),
				humans: view?.agreement ?? { value: null, code: 'no-ratings', reason: 'no human ratings' },
				humanItems: view?.itemsUsed ?? 0
			};
		}),
		judges: figures,
		suggestions: split
	};
}
