// Agreement split by whether a judge's suggestion was shown to the evaluator while she scored. Pure.
// Suggestions anchor people: evaluations made with one tend to agree with the judge (and with each other) more
// than those made without, which says nothing about whether they are right. Per dimension, each side reports the
// people's own agreement (alpha at the level over that side's evaluations, items rated by two or more of them) and
// each judge against that side's evaluations (one unit per evaluation, with the judge's newest score of the item).
import type { SuggestionSide, SuggestionSplit } from '#shared/judge-agreement';
import { agreement, levelToMetric } from '#shared/agreement/index';
import { pickRatings, type DimensionRatings, type RatingValue } from './agreement-ratings';
import { figure } from './agreement-report';
import { pairAlpha, Pairs } from './judge-pairs';
import type { ComparedDimension } from './judge-agreement';

/** The key of an evaluation: its item and evaluator (one evaluation per item and evaluator). */
export const evaluationKey = (itemId: string, evaluatorId: string) => `${itemId}\u0000${evaluatorId}`;

export interface SplitInput {
	/** Per compared dimension: the people's ratings (for pickRatings), when anyone scored it. */
	dimensions: readonly { compared: ComparedDimension; ratings: DimensionRatings | undefined }[];
	/** Evaluation keys (evaluationKey) of submitted evaluations made with a suggestion shown. */
	suggested: ReadonlySet<string>;
	/** Per judge: its value per item on each dimension (by key). */
	judges: readonly { id: string; values: ReadonlyMap<string, ReadonlyMap<string, RatingValue>> }[];
}

function side(
	c: ComparedDimension,
	ratings: DimensionRatings | undefined,
	positions: number[],
	judges: SplitInput['judges']
): SuggestionSide {
	const h = c.humans;
	const humans = ratings
		? agreement(pickRatings(ratings, positions), { metric: levelToMetric(c.plan.level).metric, level: c.plan.level })
		: null;
	return {
		evaluations: positions.length,
		humans: humans ? figure(humans) : { value: null, code: 'no-ratings', reason: 'no ratings' },
		humanItems: humans?.itemsUsed ?? 0,
		judges: judges.map((j) => {
			const values = j.values.get(c.plan.key);
			const pairs = new Pairs();
			for (const k of positions) {
				const v = values?.get(h.item[k]);
				if (v !== undefined) pairs.add(evaluationKey(h.item[k], h.rater[k]), v, h.value[k]);
			}
			return { id: j.id, alpha: pairAlpha(c.plan, pairs), n: pairs.size };
		})
	};
}

/** The split, or null when no evaluation was made with a suggestion shown. */
export function suggestionSplit(input: SplitInput): SuggestionSplit | null {
	if (!input.suggested.size) return null;
	return {
		shown: input.suggested.size,
		dimensions: input.dimensions.map(({ compared: c, ratings }) => {
			const shown: number[] = [];
			const without: number[] = [];
			const h = c.humans;
			for (let k = 0; k < h.item.length; k++)
				(input.suggested.has(evaluationKey(h.item[k], h.rater[k])) ? shown : without).push(h.row[k]);
			return {
				key: c.plan.key,
				label: c.plan.label,
				withSuggestion: side(c, ratings, shown, input.judges),
				without: side(c, ratings, without, input.judges)
			};
		})
	};
}
