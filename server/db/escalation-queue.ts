// The escalation queue of a project: filters, sorting, counts per state, SLA age and turnaround medians, and
// "my escalations" (opened by the caller or on items the caller evaluated) with how their scores compare.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { escalations, evaluations, items } from '../../drizzle/schema';
import {
	compareWithVerdict,
	ESCALATION_STATES,
	type EscalationQueue,
	type EscalationState,
	type EscalationSummary,
	type MyEscalation,
	type QueueQuery
} from '#shared/escalation';
import type { Scores } from '#shared/evaluation';
import { escalationAge, median } from '../domain/escalation';
import { rowToView, selectViews } from './escalations';
import { itemExcerpt } from '#shared/item-excerpt';

type Filter = Omit<QueueQuery, 'mine' | 'sort' | 'state'>;

async function summaries(db: Db, projectId: string, now: number, itemIds?: string[]): Promise<EscalationSummary[]> {
	const conds = [eq(escalations.projectId, projectId)];
	if (itemIds) conds.push(inArray(escalations.itemId, itemIds.length ? itemIds : ['']));
	const rows = await selectViews(db).where(and(...conds));
	if (!rows.length) return [];
	const itemRows = await db
		.select({ id: items.id, modality: items.modality, language: items.language, payload: items.payload })
		.from(items)
		.where(inArray(items.id, [...new Set(rows.map((r) => r.e.itemId))]));
	const byId = new Map(itemRows.map((i) => [i.id, i]));
	return rows.map((r) => {
		const item = byId.get(r.e.itemId)!;
		return {
			...rowToView(r),
			modality: item.modality,
			language: item.language,
			excerpt: itemExcerpt({ modality: item.modality as never, payload: item.payload }, 120),
			ageMs: escalationAge(r.e, now)
		};
	});
}

function matches(s: EscalationSummary, f: Filter, now: number): boolean {
	if (f.reason && s.reason !== f.reason) return false;
	if (f.modality && s.modality !== f.modality) return false;
	if (f.language && s.language !== f.language) return false;
	if (f.dimension && s.dimension !== f.dimension) return false;
	if (f.age !== undefined && now - s.createdAt < f.age * 3600_000) return false;
	return true;
}

const STATE_ORDER: Record<EscalationState, number> = { open: 0, in_review: 1, resolved: 2, dismissed: 3 };

function sortSummaries<T extends EscalationSummary>(list: T[], sort: QueueQuery['sort']): T[] {
	const byAge = (a: T, b: T) => a.createdAt - b.createdAt;
	if (sort === 'newest') return list.sort((a, b) => byAge(b, a));
	if (sort === 'state') return list.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || byAge(a, b));
	return list.sort(byAge);
}

const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();

/** The lead's and manager's queue: every escalation of the project matching the filters. */
export async function escalationQueue(
	db: Db,
	projectId: string,
	q: QueueQuery,
	now = Date.now()
): Promise<EscalationQueue> {
	const all = await summaries(db, projectId, now);
	const filtered = all.filter((s) => matches(s, q, now));
	const counts = Object.fromEntries(ESCALATION_STATES.map((s) => [s, 0])) as Record<EscalationState, number>;
	for (const s of filtered) counts[s.state]++;
	const claimed = filtered.filter((s) => s.claimedAt !== null).map((s) => s.claimedAt! - s.createdAt);
	const closed = filtered.filter((s) => s.closedAt !== null).map((s) => s.closedAt! - s.createdAt);
	return {
		escalations: sortSummaries(q.state ? filtered.filter((s) => s.state === q.state) : filtered, q.sort),
		counts,
		turnaround: {
			medianClaimMs: median(claimed),
			medianResolveMs: median(closed),
			claimed: claimed.length,
			closed: closed.length
		},
		facets: {
			reasons: distinct(all.map((s) => s.reason)),
			modalities: distinct(all.map((s) => s.modality)),
			languages: distinct(all.map((s) => s.language)),
			dimensions: distinct(all.map((s) => s.dimension))
		}
	};
}

/** The caller's own escalations: ones they opened, and ones on items they submitted an evaluation of. */
export async function myEscalations(
	db: Db,
	projectId: string,
	userId: string,
	q: QueueQuery,
	now = Date.now()
): Promise<MyEscalation[]> {
	const mine = await db
		.select({ itemId: evaluations.itemId, scores: evaluations.scores })
		.from(evaluations)
		.innerJoin(items, eq(items.id, evaluations.itemId))
		.where(
			and(eq(items.projectId, projectId), eq(evaluations.evaluatorId, userId), eq(evaluations.state, 'submitted'))
		);
	const myScores = new Map(mine.map((m) => [m.itemId, m.scores as Scores]));
	const opened = await db
		.select({ itemId: escalations.itemId })
		.from(escalations)
		.where(and(eq(escalations.projectId, projectId), eq(escalations.openedBy, userId)));
	const itemIds = [...new Set([...myScores.keys(), ...opened.map((o) => o.itemId)])];
	const list = (await summaries(db, projectId, now, itemIds))
		.filter((s) => s.openedBy?.id === userId || myScores.has(s.itemId))
		.filter((s) => matches(s, q, now) && (!q.state || s.state === q.state))
		.map((s) => {
			const scores = myScores.get(s.itemId);
			return {
				...s,
				involvement: s.openedBy?.id === userId ? ('opened' as const) : ('evaluated' as const),
				comparison: s.verdict && scores ? compareWithVerdict(scores, s.verdict.scores) : []
			};
		});
	return sortSummaries(list, q.sort);
}
