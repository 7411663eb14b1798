// The items evaluators disagree on most, for opening an adjudication. Pure.
// Per dimension the engine's itemDisagreement scores each item rated by two or more evaluators (0 = everyone
// agreed, about 1 = as much disagreement as chance pairing, above 1 worse than chance; comparable across
// dimensions because each is scaled by its dimension's expected disagreement). An item's score is the mean over
// its dimensions; its worst dimension is shown with every evaluator's value. Most disagreed first; ties by the
// worst dimension's score, then by id (bytewise), so the order is total and a page continues after a key.
// Ranking costs typed arrays per dimension; the details of an item (values, evaluators) are built only for the
// items of the page asked for.
import { itemDisagreement } from '#shared/agreement/index';
import { prepare, type Units } from '#shared/agreement/units';
import type { DisagreedItemView } from '#shared/agreement-report';
import { displayValue, type DimensionRatings, type RatingSet } from './agreement-ratings';
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

interface Entry extends DisagreementKey {
	/** Per dimension of the set: the item's score there (a hole where it has none). */
	scores: number[];
	worstDimension: number;
}

const byRank = (a: DisagreementKey, b: DisagreementKey) =>
	b.disagreement - a.disagreement || b.worst - a.worst || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0);

function rank(set: RatingSet): Entry[] {
	const entries = new Map<string, Entry>();
	set.dimensions.forEach((d, di) => {
		const result = itemDisagreement(d.table, { level: d.plan.level });
		// A dimension with no spread at all says nothing about which items are contested.
		if (!result.ok || result.expected === 0) return;
		for (const it of result.items) {
			const id = String(it.item);
			let e = entries.get(id);
			if (!e) {
				e = { itemId: id, disagreement: 0, worst: -Infinity, worstDimension: -1, scores: [] };
				entries.set(id, e);
			}
			e.scores[di] = it.disagreement;
			if (it.disagreement > e.worst) {
				e.worst = it.disagreement;
				e.worstDimension = di;
			}
		}
	});
	const out = [...entries.values()];
	for (const e of out) {
		let sum = 0;
		let n = 0;
		for (const s of e.scores) {
			if (s === undefined) continue;
			sum += s;
			n++;
		}
		e.disagreement = sum / n;
	}
	return out.sort(byRank);
}

/** The grouped ratings of each dimension and where the listed items sit in them (a scan per dimension, no index). */
function lookup(set: RatingSet, ids: ReadonlySet<string>): { units: Units | null; at: Map<string, number> }[] {
	return set.dimensions.map((d: DimensionRatings) => {
		const prepared = prepare(d.table);
		const at = new Map<string, number>();
		d.table.itemIds?.forEach((id, i) => {
			if (ids.has(String(id))) at.set(String(id), i);
		});
		return { units: prepared.ok ? prepared.units : null, at };
	});
}

function detail(
	set: RatingSet,
	groups: ReturnType<typeof lookup>,
	e: Entry,
	people: ReadonlyMap<string, Person>
): RankedItem {
	const raters = new Set<string>();
	let worstValues: DisagreedItemView['worst']['values'] = [];
	set.dimensions.forEach((d, di) => {
		const { units, at } = groups[di];
		const u = at.get(e.itemId);
		if (!units || u === undefined) return;
		const ids = d.table.raterIds!;
		const values: DisagreedItemView['worst']['values'] = [];
		for (let j = units.offsets[u]; j < units.offsets[u + 1]; j++) {
			const id = String(ids[units.raters[j]]);
			raters.add(id);
			if (di !== e.worstDimension) continue;
			const v = d.table.categories ? d.table.categories[units.values[j]] : units.values[j];
			values.push({ evaluatorId: id, name: people.get(id)?.name ?? id, value: displayValue(d.plan, v) });
		}
		if (di === e.worstDimension) worstValues = values.sort((a, b) => a.name.localeCompare(b.name));
	});
	const d = set.dimensions[e.worstDimension];
	return {
		itemId: e.itemId,
		disagreement: e.disagreement,
		evaluators: raters.size,
		dimensions: set.dimensions.flatMap((x, di) =>
			e.scores[di] === undefined ? [] : [{ key: x.plan.key, disagreement: e.scores[di] }]
		),
		worst: { key: d.plan.key, label: d.plan.label, disagreement: e.worst, values: worstValues }
	};
}

/** Every item rated by two or more evaluators on a dimension with spread, most disagreed first. */
export function rankDisagreedItems(set: RatingSet, people: ReadonlyMap<string, Person>): RankedItem[] {
	const ranked = rank(set);
	const groups = lookup(set, new Set(ranked.map((e) => e.itemId)));
	return ranked.map((e) => detail(set, groups, e, people));
}

/** The ranking of the items with some disagreement (everyone agreeing is not "disagreed"), ready to page. */
export interface DisagreementRanking {
	set: RatingSet;
	entries: Entry[];
}

export function disagreementRanking(set: RatingSet): DisagreementRanking {
	return { set, entries: rank(set).filter((e) => e.disagreement > 0) };
}

export interface DisagreementPage {
	/** Items with some disagreement, in all pages. */
	total: number;
	items: RankedItem[];
	/** The key of the last item when more follow, else null. */
	next: DisagreementKey | null;
}

/** `limit` items of the ranking after the key `after` (from the start without one). */
export function disagreementPage(
	ranking: DisagreementRanking,
	people: ReadonlyMap<string, Person>,
	page: { after?: DisagreementKey; limit: number }
): DisagreementPage {
	const ranked = ranking.entries;
	let start = 0;
	if (page.after) {
		const after = page.after;
		// The first entry ranked after the key (binary search: the ranking is sorted by byRank).
		let lo = 0;
		let hi = ranked.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (byRank(ranked[mid], after) <= 0) lo = mid + 1;
			else hi = mid;
		}
		start = lo;
	}
	const slice = ranked.slice(start, start + page.limit);
	const groups = lookup(ranking.set, new Set(slice.map((e) => e.itemId)));
	const last = slice.at(-1);
	return {
		total: ranked.length,
		items: slice.map((e) => detail(ranking.set, groups, e, people)),
		next:
			start + page.limit < ranked.length && last
				? { disagreement: last.disagreement, worst: last.worst, itemId: last.itemId }
				: null
	};
}
