// The evaluator × evaluator agreement matrix for one dimension. Pure.
// Each cell compares two evaluators on the items both rated: Cohen's kappa (weights matched to the dimension's
// level: none for nominal, linear for ordinal, quadratic for interval/ratio) and percent agreement, both from the
// shared engine. The dimension is the one asked for, else the one with the most ratings.
import { cohenKappa, levelToMetric, percentAgreement, toTable, type Rating } from '#shared/agreement/index';
import type { AgreementFilters, AgreementMatrix, MatrixCell } from '#shared/agreement-report';
import { dimensionRef, type DimensionRatings, type RatingSet } from './agreement-ratings';
import { figure, type Person } from './agreement-report';

function matrixDimension(set: RatingSet): DimensionRatings | null {
	return set.dimensions.reduce<DimensionRatings | null>(
		(best, d) => (!best || d.ratings.length > best.ratings.length ? d : best),
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
	const byRater = new Map<string, Map<string, Rating>>();
	for (const r of d.ratings) {
		const rater = String(r.rater);
		const mine = byRater.get(rater) ?? new Map<string, Rating>();
		mine.set(String(r.item), r);
		byRater.set(rater, mine);
	}
	const evaluators = [...byRater.keys()]
		.map((id) => ({ id, name: people.get(id)?.name ?? id }))
		.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	const cells: MatrixCell[] = [];
	for (let i = 0; i < evaluators.length; i++) {
		for (let j = i + 1; j < evaluators.length; j++) {
			const a = byRater.get(evaluators[i].id)!;
			const b = byRater.get(evaluators[j].id)!;
			const rows: Rating[] = [];
			for (const [item, ra] of a) {
				const rb = b.get(item);
				if (rb) rows.push(ra, rb);
			}
			const table = toTable(rows, { categories: d.plan.spec.categories });
			const kappa = cohenKappa(table, { level: d.plan.level, weights, raters: [evaluators[i].id, evaluators[j].id] });
			cells.push({
				a: evaluators[i].id,
				b: evaluators[j].id,
				items: rows.length / 2,
				kappa: figure(kappa),
				percent: figure(percentAgreement(table, { level: d.plan.level }))
			});
		}
	}
	return { filters, dimension: { ...dimensionRef(d.plan), weights }, evaluators, cells };
}
