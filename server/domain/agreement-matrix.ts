// The evaluator × evaluator agreement matrix for one dimension. Pure.
// Each cell compares two evaluators on the items both rated: Cohen's kappa (weights matched to the dimension's
// level: none for nominal, linear for ordinal, quadratic for interval/ratio) and percent agreement, both from the
// shared engine. The dimension is the one asked for, else the one with the most ratings.
import { cohenKappa, levelToMetric, percentAgreement } from '#shared/agreement/index';
import type { AgreementFilters, AgreementMatrix, MatrixCell } from '#shared/agreement-report';
import { dimensionRef, pickRatings, type DimensionRatings, type RatingSet } from './agreement-ratings';
import { figure, type Person } from './agreement-report';

function matrixDimension(set: RatingSet): DimensionRatings | null {
	return set.dimensions.reduce<DimensionRatings | null>(
		(best, d) => (!best || d.table.values.length > best.table.values.length ? d : best),
		null
	);
}

export function agreementMatrix(
	set: RatingSet,
	filters: AgreementFilters,
	people: ReadonlyMap<string, Person>
): AgreementMatrix {
	const d = matrixDimension(set);
	if (!d) return { filters, dimension: null, evaluators: [], cells: [] };
	const { weights } = levelToMetric(d.plan.level);
	const t = d.table;
	const itemCount = t.itemIds!.length;
	// Per evaluator: the position of its rating of each item (-1: none), one typed array per evaluator.
	const byRater = new Map<string, Int32Array>();
	t.raterIds!.forEach((id) => byRater.set(String(id), new Int32Array(itemCount).fill(-1)));
	const ratedBy = t.raterIds!.map((id) => byRater.get(String(id))!);
	for (let i = 0; i < t.values.length; i++) ratedBy[t.raterIndex[i]][t.itemIndex[i]] = i;
	const evaluators = [...byRater.keys()]
		.map((id) => ({ id, name: people.get(id)?.name ?? id }))
		.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	const cells: MatrixCell[] = [];
	for (let i = 0; i < evaluators.length; i++) {
		for (let j = i + 1; j < evaluators.length; j++) {
			const a = byRater.get(evaluators[i].id)!;
			const b = byRater.get(evaluators[j].id)!;
			const positions: number[] = [];
			for (let item = 0; item < itemCount; item++) if (a[item] >= 0 && b[item] >= 0) positions.push(a[item], b[item]);
			const table = pickRatings(d, positions);
			const kappa = cohenKappa(table, { level: d.plan.level, weights, raters: [evaluators[i].id, evaluators[j].id] });
			cells.push({
				a: evaluators[i].id,
				b: evaluators[j].id,
				items: positions.length / 2,
				kappa: figure(kappa),
				percent: figure(percentAgreement(table, { level: d.plan.level }))
			});
		}
	}
	return { filters, dimension: { ...dimensionRef(d.plan), weights }, evaluators, cells };
}
