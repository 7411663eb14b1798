// The items evaluators disagree on most, for opening an adjudication. Pure.
// Per dimension the engine's item disagreement scores each item rated by two or more evaluators (0 = everyone
// agreed, about 1 = as much disagreement as chance pairing, above 1 worse than chance; comparable across
// dimensions because each is scaled by its dimension's expected disagreement). An item's score is the mean over
// its dimensions; its worst dimension is shown with every evaluator's value. Most disagreed first; ties by the
// worst dimension's score, then by id (bytewise), so the order is total and a page continues after a key.
// The ranking is kept in typed arrays indexed by item; the details of an item (values, evaluators) are built only
// for the items of the page asked for.
import { itemDisagreementScores } from '#shared/agreement/index';
import { prepare } from '#shared/agreement/units';
import type { DisagreedItemView } from '#shared/agreement-report';
import { displayValue, type RatingSet } from './agreement-ratings';
import type { Person } from './agreement-report';

export interface RankedItem {
	itemId: string;
	disagreement: number;
	evaluators: number;
	dimensions: { key: string; disagreement: number }[];
	worst: DisagreedItemView['worst'];
}

/** Where an item stands in the ranking: a page starts after such a key. */
export interface DisagreementKey {
	disagreement: number;
	worst: number;
	itemId: string;
}

/** The ranking of the set's items (indices into `set.itemIds`), with the scores behind it. */
export interface DisagreementRanking {
	set: RatingSet;
	/** Items rated by two or more evaluators on a dimension with spread, most disagreed first. */
	order: Int32Array;
	/** Per item: mean score, worst dimension's score and index; per dimension × item: the score (NaN: none). */
	mean: Float64Array;
	worst: Float64Array;
	worstDimension: Int32Array;
	scores: Float64Array;
}

const byKey = (a: DisagreementKey, b: DisagreementKey) =>
	b.disagreement - a.disagreement || b.worst - a.worst || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0);

function keyOf(r: DisagreementRanking, item: number): DisagreementKey {
	return { disagreement: r.mean[item], worst: r.worst[item], itemId: r.set.itemIds[item] };
}

export function disagreementRanking(set: RatingSet): DisagreementRanking {
	const I = set.itemIds.length;
	const sum = new Float64Array(I);
	const count = new Int32Array(I);
	const worst = new Float64Array(I).fill(-Infinity);
	const worstDimension = new Int32Array(I).fill(-1);
	const scores = new Float64Array(set.dimensions.length * I).fill(NaN);
	set.dimensions.forEach((d, di) => {
		const result = itemDisagreementScores(d.table, { level: d.plan.level });
		// A dimension with no spread at all says nothing about which items are contested.
		if (!result.ok || result.expected === 0) return;
		for (let k = 0; k < result.index.length; k++) {
			const item = d.itemColumn[result.index[k]];
			const v = result.disagreement[k];
			scores[di * I + item] = v;
			sum[item] += v;
			count[item]++;
			if (v > worst[item]) {
				worst[item] = v;
				worstDimension[item] = di;
			}
		}
	});
	const mean = new Float64Array(I);
	let n = 0;
	for (let i = 0; i < I; i++) if (count[i]) n++;
	const order = new Int32Array(n);
	for (let i = 0, k = 0; i < I; i++) {
		if (!count[i]) continue;
		mean[i] = sum[i] / count[i];
		order[k++] = i;
	}
	const ids = set.itemIds;
	order.sort((a, b) => mean[b] - mean[a] || worst[b] - worst[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
	return { set, order, mean, worst, worstDimension, scores };
}

/** The details of the listed items: their worst dimension's values and who rated them. */
function details(r: DisagreementRanking, items: ArrayLike<number>, people: ReadonlyMap<string, Person>): RankedItem[] {
	const { set } = r;
	const I = set.itemIds.length;
	const wanted = new Set(Array.from(items));
	const raters = new Map<number, Set<string>>();
	const values = new Map<number, DisagreedItemView['worst']['values']>();
	set.dimensions.forEach((d, di) => {
		const prepared = prepare(d.table);
		if (!prepared.ok) return;
		const { offsets, raters: raterOf, values: valueOf } = prepared.units;
		const ids = d.table.raterIds!;
		for (let u = 0; u < d.itemColumn.length; u++) {
			const item = d.itemColumn[u];
			if (!wanted.has(item)) continue;
			const who = raters.get(item) ?? new Set<string>();
			raters.set(item, who);
			const shown: DisagreedItemView['worst']['values'] = [];
			for (let j = offsets[u]; j < offsets[u + 1]; j++) {
				const id = String(ids[raterOf[j]]);
				who.add(id);
				if (r.worstDimension[item] !== di) continue;
				const v = d.table.categories ? d.table.categories[valueOf[j]] : valueOf[j];
				shown.push({ evaluatorId: id, name: people.get(id)?.name ?? id, value: displayValue(d.plan, v) });
			}
			if (r.worstDimension[item] === di)
				values.set(
					item,
					shown.sort((a, b) => a.name.localeCompare(b.name))
				);
		}
	});
	return Array.from(items, (item) => {
		const d = set.dimensions[r.worstDimension[item]];
		return {
			itemId: set.itemIds[item],
			disagreement: r.mean[item],
			evaluators: raters.get(item)?.size ?? 0,
			dimensions: set.dimensions.flatMap((x, di) => {
				const v = r.scores[di * I + item];
				return Number.isNaN(v) ? [] : [{ key: x.plan.key, disagreement: v }];
			}),
			worst: { key: d.plan.key, label: d.plan.label, disagreement: r.worst[item], values: values.get(item) ?? [] }
		};
	});
}

/** Every item rated by two or more evaluators on a dimension with spread, most disagreed first. */
export function rankDisagreedItems(set: RatingSet, people: ReadonlyMap<string, Person>): RankedItem[] {
	const ranking = disagreementRanking(set);
	return details(ranking, ranking.order, people);
}

export interface DisagreementPage {
	/** Items with some disagreement (everyone agreeing is not "disagreed"), in all pages. */
	total: number;
	items: RankedItem[];
	/** The key of the last item when more follow, else null. */
	next: DisagreementKey | null;
}

/** `limit` items with some disagreement, after the key `after` (from the start without one). */
export function disagreementPage(
	ranking: DisagreementRanking,
	people: ReadonlyMap<string, Person>,
	page: { after?: DisagreementKey; limit: number }
): DisagreementPage {
	const { order, mean } = ranking;
	// Disagreement is the first key, so the items with some form a prefix of the order.
	let total = 0;
	while (total < order.length && mean[order[total]] > 0) total++;
	let start = 0;
	if (page.after) {
		// The first item ranked after the key (binary search over the sorted order).
		let hi = total;
		while (start < hi) {
			const mid = (start + hi) >> 1;
			if (byKey(keyOf(ranking, order[mid]), page.after) <= 0) start = mid + 1;
			else hi = mid;
		}
	}
	const slice = order.subarray(start, Math.min(total, start + page.limit));
	const last = slice.length ? slice[slice.length - 1] : -1;
	return {
		total,
		items: details(ranking, slice, people),
		next: start + page.limit < total && last >= 0 ? keyOf(ranking, last) : null
	};
}
