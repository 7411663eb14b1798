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
import { decode, encode, keysetPage, ordered, type CursorShape, type Keyset } from './paging';
import { projectFacetValues } from './project-counts';
import type { SQLiteSelect } from 'drizzle-orm/sqlite-core';

type ViewRow = Parameters<typeof rowToView>[0];
type SummaryRow = ViewRow & { item: { modality: string; language: string; payload: unknown } };

const createdAt = { expr: escalations.createdAt, type: 'number' as const, of: (r: ViewRow) => r.e.createdAt };
const byId = { expr: escalations.id, type: 'text' as const, of: (r: ViewRow) => r.e.id };
const BY_TIME: Record<'oldest' | 'newest', Keyset<ViewRow>> = {
	oldest: ordered('escalations:oldest', 'asc', createdAt, byId),
	newest: ordered('escalations:newest', 'desc', createdAt, byId)
};
/** The `state` sort: states in the order they are declared (open first), each oldest first. */
const BY_STATE: CursorShape<ViewRow> = {
	name: 'escalations:state',
	keys: [
		{ type: 'number', of: (r) => ESCALATION_STATES.indexOf(r.e.state) },
		{ type: 'number', of: (r) => r.e.createdAt },
		{ type: 'text', of: (r) => r.e.id }
	]
};
/** Within one state of the `state` sort: oldest first. */
const WITHIN_STATE = ordered<{ createdAt: number; id: string }>(
	'escalations:within-state',
	'asc',
	{ expr: escalations.createdAt, type: 'number', of: (r) => r.createdAt },
	{ expr: escalations.id, type: 'text', of: (r) => r.id }
);

/** Runs a page query: the extra WHERE, the ORDER BY and the LIMIT to apply. */
type PageQuery<R> = (where: SQL | undefined, orderBy: SQL[], limit: number) => Promise<R[]>;

/**
 * One page in the queue's order (`state` filter included). Oldest and newest are one keyset query. The state sort
 * walks the states in order, each oldest first through the (project, state, created, id) index, instead of
 * sorting every matching escalation by a computed rank; its cursor carries the state's rank.
 */
async function queuePage<R extends ViewRow>(
	db: Db,
	q: QueueQuery,
	run: PageQuery<R>
): Promise<{ rows: R[]; nextCursor: string | null }> {
	const onlyState = q.state ? eq(escalations.state, q.state) : undefined;
	if (q.sort !== 'state') {
		const keyset = keysetPage(db, BY_TIME[q.sort], q);
		return keyset.finish(await run(and(onlyState, keyset.after), keyset.orderBy, keyset.limit));
	}
	const from = q.cursor === undefined ? null : decode(BY_STATE, q.cursor);
	const fromRank = from ? Math.max(0, Math.ceil(from[0] as number)) : 0;
	const rows: R[] = [];
	for (let rank = fromRank; rank < ESCALATION_STATES.length && rows.length <= q.limit; rank++) {
		const state = ESCALATION_STATES[rank];
		if (q.state && q.state !== state) continue;
		// In the cursor's own state, after its row; in the states after it, from their first.
		const after =
			from && from[0] === rank
				? encode(WITHIN_STATE, { createdAt: from[1] as number, id: from[2] as string })
				: undefined;
		const keyset = keysetPage(db, WITHIN_STATE, { cursor: after, limit: q.limit - rows.length });
		rows.push(...(await run(and(eq(escalations.state, state), keyset.after), keyset.orderBy, keyset.limit)));
	}
	const kept = rows.slice(0, q.limit);
	return { rows: kept, nextCursor: rows.length > q.limit ? encode(BY_STATE, kept[kept.length - 1]) : null };
}

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
	const page = await queuePage(db, q, (where, orderBy, limit) =>
		db
			.select({ ...viewColumns, item: itemColumns })
			.from(escalations)
			.innerJoin(items, eq(items.id, escalations.itemId))
			.where(and(...filters, where))
			.orderBy(...orderBy)
			.limit(limit)
	);

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
	// The caller's submitted evaluation of the escalated item (at most one: one evaluation per item and evaluator).
	const mine = and(
		eq(evaluations.itemId, escalations.itemId),
		eq(evaluations.evaluatorId, userId),
		eq(evaluations.state, 'submitted')
	);
	const page = await queuePage(db, q, (where, orderBy, limit) =>
		db
			.select({ ...viewColumns, item: itemColumns, myScores: evaluations.scores })
			.from(escalations)
			.innerJoin(items, eq(items.id, escalations.itemId))
			.leftJoin(evaluations, mine)
			.where(
				and(
					...filterConditions(projectId, q, now),
					or(eq(escalations.openedBy, userId), isNotNull(evaluations.id)),
					where
				)
			)
			.orderBy(...orderBy)
			.limit(limit)
	);
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
