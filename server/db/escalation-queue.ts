// The escalation queue of a project, one page at a time: filters and sort in SQL (modality and language through
// a join with the item), keyset pages (server/db/paging.ts), counts per state and turnaround medians as SQL
// aggregates over the filtered set (joined with items only when a filter needs them), facets as SQL `distinct`
// over the project's escalations and from its facet counts. "My escalations" (opened by the caller or on an item
// the caller submitted an evaluation of) page the same way, each with how the caller's scores compare with the
// verdict; and one item's escalations. No query takes a list that grows with the data.
import { and, count, eq, isNotNull, lte, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './client';
import { escalations, evaluations, items } from '../../drizzle/schema';
import {
	ACTIVE_STATES,
	compareWithVerdict,
	ESCALATION_STATES,
	isActiveState,
	type EscalationQueue,
	type EscalationState,
	type EscalationSummary,
	type ItemEscalationPage,
	type MyEscalationPage,
	type QueueQuery
} from '#shared/escalation';
import type { PageRequest } from '#shared/paging';
import type { Scores } from '#shared/evaluation';
import { escalationAge, median } from '../domain/escalation';
import { rowToView, viewColumns } from './escalations';
import { itemExcerpt } from '#shared/item-excerpt';
import { keysetPage, ordered, type Keyset } from './paging';
import { projectFacetValues } from './project-counts';
import type { SQLiteSelect } from 'drizzle-orm/sqlite-core';

type ViewRow = Parameters<typeof rowToView>[0];
type SummaryRow = ViewRow & { item: { modality: string; language: string; payload: unknown } };

/** The queue's order of states (the order they are declared in): the `state` sort, then oldest first. */
const stateRank = sql<number>`case ${escalations.state} ${sql.raw(
	ESCALATION_STATES.map((s, i) => `when '${s}' then ${i}`).join(' ')
)} end`;
const rankOf = (state: EscalationState) => ESCALATION_STATES.indexOf(state);

const createdAt = { expr: escalations.createdAt, type: 'number' as const, of: (r: ViewRow) => r.e.createdAt };
const byId = { expr: escalations.id, type: 'text' as const, of: (r: ViewRow) => r.e.id };
const SORTS: Record<QueueQuery['sort'], Keyset<ViewRow>> = {
	oldest: ordered('escalations:oldest', 'asc', createdAt, byId),
	newest: ordered('escalations:newest', 'desc', createdAt, byId),
	state: {
		name: 'escalations:state',
		keys: [
			{ expr: stateRank, type: 'number', dir: 'asc', of: (r) => rankOf(r.e.state) },
			{ ...createdAt, dir: 'asc' },
			{ ...byId, dir: 'asc' }
		]
	}
};

/** The filters other than state, as SQL over escalations joined with their items. */
function filterConditions(projectId: string, q: QueueQuery, now: number): SQL[] {
	const conds: SQL[] = [eq(escalations.projectId, projectId)];
	if (q.reason) conds.push(eq(escalations.reason, q.reason));
	if (q.dimension) conds.push(eq(escalations.dimension, q.dimension));
	if (q.modality) conds.push(eq(items.modality, q.modality));
	if (q.language) conds.push(eq(items.language, q.language));
	if (q.age !== undefined) conds.push(lte(escalations.createdAt, now - q.age * 3600_000));
	return conds;
}

function toSummary(r: SummaryRow, now: number): EscalationSummary {
	return {
		...rowToView(r),
		modality: r.item.modality,
		language: r.item.language,
		excerpt: itemExcerpt({ modality: r.item.modality as never, payload: r.item.payload }, 120),
		ageMs: escalationAge(r.e, now)
	};
}

const itemColumns = { modality: items.modality, language: items.language, payload: items.payload };

/**
 * An aggregate over escalations, joined with their items only when a filter reads the item (modality, language):
 * the join costs a lookup of every escalation's item.
 */
function joinedIfFiltered<T extends SQLiteSelect>(query: T, q: QueueQuery): T {
	// A dynamic query keeps its type through a join (drizzle's types do not say so).
	return q.modality || q.language ? (query.innerJoin(items, eq(items.id, escalations.itemId)) as unknown as T) : query;
}

/** The median of `span` over the rows matching `where` where it is not null (`n` of them): the middle one or two. */
async function medianOf(db: Db, q: QueueQuery, span: SQLWrapper, where: SQL | undefined, n: number) {
	if (!n) return null;
	const middle = await joinedIfFiltered(
		db
			.select({ v: sql<number>`${span}` })
			.from(escalations)
			.$dynamic(),
		q
	)
		.where(where)
		.orderBy(sql`${span} asc nulls last`)
		.limit(n % 2 ? 1 : 2)
		.offset((n - 1) >> 1);
	return median(middle.map((m) => Number(m.v)));
}

const sortedValues = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();

/**
 * Filter values: reasons and dimensions present among the project's escalations (SQL distinct); modalities and
 * languages from the project's facet counts (every value its items have, kept up to date on import), which spares
 * looking up the item of every escalation.
 */
async function queueFacets(db: Db, projectId: string): Promise<EscalationQueue['facets']> {
	const found = await db
		.selectDistinct({ reason: escalations.reason, dimension: escalations.dimension })
		.from(escalations)
		.where(eq(escalations.projectId, projectId));
	const { modalities, languages } = await projectFacetValues(db, projectId);
	return {
		reasons: sortedValues(found.map((f) => f.reason)),
		modalities,
		languages,
		dimensions: sortedValues(found.map((f) => f.dimension))
	};
}

/** The lead's and manager's queue: one page of the escalations matching the filters, with counts and facets. */
export async function escalationQueue(
	db: Db,
	projectId: string,
	q: QueueQuery,
	now = Date.now()
): Promise<EscalationQueue> {
	const filters = filterConditions(projectId, q, now);
	const keyset = keysetPage(db, SORTS[q.sort], q);
	const found = await db
		.select({ ...viewColumns, item: itemColumns })
		.from(escalations)
		.innerJoin(items, eq(items.id, escalations.itemId))
		.where(and(...filters, q.state ? eq(escalations.state, q.state) : undefined, keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const page = keyset.finish(found);

	const perState = await joinedIfFiltered(
		db
			.select({
				state: escalations.state,
				n: count(),
				claimed: count(escalations.claimedAt),
				closed: count(escalations.closedAt),
				oldest: sql<number | null>`min(${escalations.createdAt})`
			})
			.from(escalations)
			.$dynamic(),
		q
	)
		.where(and(...filters))
		.groupBy(escalations.state);
	const counts = Object.fromEntries(ESCALATION_STATES.map((s) => [s, 0])) as Record<EscalationState, number>;
	let claimed = 0;
	let closed = 0;
	let oldestWaiting: number | null = null;
	for (const s of perState) {
		counts[s.state] = Number(s.n);
		claimed += Number(s.claimed);
		closed += Number(s.closed);
		if (isActiveState(s.state) && s.oldest !== null)
			oldestWaiting = Math.min(oldestWaiting ?? Infinity, Number(s.oldest));
	}
	const claimSpan = sql`${escalations.claimedAt} - ${escalations.createdAt}`;
	const closeSpan = sql`${escalations.closedAt} - ${escalations.createdAt}`;
	return {
		escalations: page.rows.map((r) => toSummary(r, now)),
		nextCursor: page.nextCursor,
		counts,
		turnaround: {
			medianClaimMs: await medianOf(db, q, claimSpan, and(...filters, isNotNull(escalations.claimedAt)), claimed),
			medianResolveMs: await medianOf(db, q, closeSpan, and(...filters, isNotNull(escalations.closedAt)), closed),
			claimed,
			closed,
			waiting: ACTIVE_STATES.reduce((n, state) => n + counts[state], 0),
			oldestWaitingMs: oldestWaiting === null ? null : now - oldestWaiting
		},
		facets: await queueFacets(db, projectId)
	};
}

/** The caller's own escalations, a page at a time: ones they opened, and ones on items they submitted. */
export async function myEscalations(
	db: Db,
	projectId: string,
	userId: string,
	q: QueueQuery,
	now = Date.now()
): Promise<MyEscalationPage> {
	const keyset = keysetPage(db, SORTS[q.sort], q);
	// The caller's submitted evaluation of the escalated item (at most one: one evaluation per item and evaluator).
	const mine = and(
		eq(evaluations.itemId, escalations.itemId),
		eq(evaluations.evaluatorId, userId),
		eq(evaluations.state, 'submitted')
	);
	const found = await db
		.select({ ...viewColumns, item: itemColumns, myScores: evaluations.scores })
		.from(escalations)
		.innerJoin(items, eq(items.id, escalations.itemId))
		.leftJoin(evaluations, mine)
		.where(
			and(
				...filterConditions(projectId, q, now),
				or(eq(escalations.openedBy, userId), isNotNull(evaluations.id)),
				q.state ? eq(escalations.state, q.state) : undefined,
				keyset.after
			)
		)
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const page = keyset.finish(found);
	return {
		escalations: page.rows.map((r) => {
			const s = toSummary(r, now);
			const scores = r.myScores as Scores | null;
			return {
				...s,
				involvement: s.openedBy?.id === userId ? ('opened' as const) : ('evaluated' as const),
				comparison: s.verdict && scores ? compareWithVerdict(scores, s.verdict.scores) : []
			};
		}),
		nextCursor: page.nextCursor
	};
}

const itemOrder = ordered('item-escalations', 'asc', createdAt, byId);

/** One item's escalations, oldest first, a page at a time; `openedBy`: only those this user opened. */
export async function itemEscalationPage(
	db: Db,
	itemId: string,
	only: { openedBy?: string },
	page: PageRequest
): Promise<ItemEscalationPage> {
	const keyset = keysetPage(db, itemOrder, page);
	const found = await db
		.select(viewColumns)
		.from(escalations)
		.where(
			and(
				eq(escalations.itemId, itemId),
				only.openedBy ? eq(escalations.openedBy, only.openedBy) : undefined,
				keyset.after
			)
		)
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	return { escalations: rows.map(rowToView), nextCursor };
}
