// The items evaluators disagree on most, for opening an adjudication. Pure.
// Per dimension the engine's itemDisagreement scores each item rated by two or more evaluators (0 = everyone
// agreed, about 1 = as much disagreement as chance pairing, above 1 worse than chance; comparable across
// dimensions because each is scaled by its dimension's expected disagreement). An item's score is the mean over
// its dimensions; its worst dimension is shown with every evaluator's value. Most disagreed first; ties by id.
import { itemDisagreement, type Rating } from '#shared/agreement/index';
import type { DisagreedItemView } from '#shared/agreement-report';
import { displayValue, type RatingSet } from './agreement-ratings';
import { tableOf, type Person } from './agreement-report';

export interface RankedItem {
	itemId: string;
	disagreement: number;
	evaluators: number;
	dimensions: { key: string; disagreement: number }[];
	worst: DisagreedItemView['worst'];
}

export function rankDisagreedItems(set: RatingSet, people: ReadonlyMap<string, Person>): RankedItem[] {
	const perItem = new Map<string, { key: string; disagreement: number }[]>();
	for (const d of set.dimensions) {
		const result = itemDisagreement(tableOf(d), { level: d.plan.level });
		// A dimension with no spread at all says nothing about which items are contested.
		if (!result.ok || result.expected === 0) continue;
		for (const it of result.items) {
			const id = String(it.item);
			const list = perItem.get(id) ?? [];
			list.push({ key: d.plan.key, disagreement: it.disagreement });
			perItem.set(id, list);
		}
	}
	const raters = new Map<string, Set<string>>();
	const ratingsOf = new Map<string, Map<string, Rating[]>>();
	for (const d of set.dimensions) {
		const byItem = new Map<string, Rating[]>();
		ratingsOf.set(d.plan.key, byItem);
		for (const r of d.ratings) {
			const item = String(r.item);
			raters.set(item, (raters.get(item) ?? new Set()).add(String(r.rater)));
			const list = byItem.get(item);
			if (list) list.push(r);
			else byItem.set(item, [r]);
		}
	}
	const byKey = new Map(set.dimensions.map((d) => [d.plan.key, d]));
	const ranked: RankedItem[] = [];
	for (const [itemId, dims] of perItem) {
		const worst = dims.reduce((a, b) => (b.disagreement > a.disagreement ? b : a));
		const d = byKey.get(worst.key)!;
		const values = (ratingsOf.get(worst.key)?.get(itemId) ?? [])
			.map((r) => ({
				evaluatorId: String(r.rater),
				name: people.get(String(r.rater))?.name ?? String(r.rater),
				value: displayValue(d.plan, r.value as string | number)
			}))
			.sort((a, b) => a.name.localeCompare(b.name));
		ranked.push({
			itemId,
			disagreement: dims.reduce((s, x) => s + x.disagreement, 0) / dims.length,
			evaluators: raters.get(itemId)?.size ?? 0,
			dimensions: dims,
			worst: { key: worst.key, label: d.plan.label, disagreement: worst.disagreement, values }
		});
	}
	return ranked.sort(
		(a, b) =>
			b.disagreement - a.disagreement ||
			b.worst.disagreement - a.worst.disagreement ||
			(a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0)
	);
}
