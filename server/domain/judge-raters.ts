// Judges as raters in the people's agreement figures, only when a lead asks for it (`includeJudges=1` on the
// agreement endpoint): human agreement figures are the people's alone by default. Pure.
// Each included judge joins each dimension's ratings as one more rater (`judge:<id>`) with its newest value per
// item, on the items the people's ratings in scope already cover (the filters choose the people's evaluations;
// a judge is added beside them, never on items outside the scope).
import { toTable, type Rating } from '#shared/agreement/index';
import type { DimensionRatings, RatingSet } from './agreement-ratings';
import { judgeValues, type JudgeScoreRow } from './judge-agreement';

const judgeRaterId = (judgeId: string) => `judge:${judgeId}`;

/** The dimension's ratings with the judges' values added (a new table; the set's own is left as it is). */
function withJudges(
	d: DimensionRatings,
	judges: readonly { id: string; newest: ReadonlyMap<string, JudgeScoreRow> }[]
): DimensionRatings {
	const t = d.table;
	const rows: Rating[] = [];
	for (let k = 0; k < t.values.length; k++)
		rows.push({
			item: t.itemIds![t.itemIndex[k]],
			rater: t.raterIds![t.raterIndex[k]],
			value: t.categories ? t.categories[t.values[k]] : t.values[k]
		});
	for (const j of judges) {
		const values = judgeValues(d.plan, j.newest);
		for (const item of t.itemIds!) {
			const v = values.get(String(item));
			if (v !== undefined) rows.push({ item, rater: judgeRaterId(j.id), value: v });
		}
	}
	const table = toTable(rows, { categories: d.plan.spec.categories });
	return {
		plan: d.plan,
		table,
		applicable: d.applicable,
		itemColumn: d.itemColumn,
		get ratings() {
			return rows;
		}
	};
}

/** The set with each judge added as a rater on every dimension. */
export function withJudgeRaters(
	set: RatingSet,
	judges: readonly { id: string; newest: ReadonlyMap<string, JudgeScoreRow> }[]
): RatingSet {
	return { ...set, dimensions: set.dimensions.map((d) => withJudges(d, judges)) };
}
