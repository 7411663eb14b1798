// The evaluator queue. Each item takes at most `overlap` evaluators: a live reservation, a finished assignment, a
// submitted evaluation or a recently touched draft holds one of its slots. Reservations are made inside an
// immediate transaction, so two evaluators asking at the same moment never exceed the overlap. A reservation (or
// draft) not touched within RESERVATION_TTL_MS frees its slot; when its owner comes back and the slot has been
// taken meanwhile, the stale reservation is dropped instead of pushing the item over its overlap.
// The caller's own list comes first: items sent back for re-review, then drafts, then reservations.
//
// At 100,000 items every query starts from the caller's own rows or from the project's wanted items
// (items.wanted, kept by project-counts.ts), through indexes; none scans the project. A request that changes
// nothing (the caller's list is full and was refreshed recently) writes nothing. Progress is cached per caller and
// filter under the project's evaluation seq, so it is recounted after a change that can move it, and at least
// every PROGRESS_TTL_MS for what moves without one (other people's reservations and drafts coming and going).
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import type { ItemRow } from './items';
import { assignments, evaluations, items, projects, type ProjectSettings } from '../../drizzle/schema';
import type { Role } from '#shared/roles';
import { decodeRow, exec, prepared, rows, row, serialize, tx } from './client';
import { bumpEvaluationSeq, SeqCache, touchItem } from './project-counts';
import { audit } from './audit';

const RESERVATION_TTL_MS = 2 * 3600 * 1000;
/** Reservations shown again are refreshed when older than this, so they do not expire while someone works. */
const REFRESH_AFTER_MS = 5 * 60 * 1000;
const PROGRESS_TTL_MS = 15_000;
const BATCH = 3;

export interface QueueFilter {
	modality?: string;
	language?: string;
}

/** An item of the caller's list, with their own evaluation's state ("draft", "sent back for re-review"). */
export interface QueueItem {
	item: ItemRow;
	myState: 'draft' | 'submitted' | null;
	reviewRequested: boolean;
	/** When its reservation was last refreshed (null: held by an evaluation, not a reservation). */
	reservedAt: number | null;
}

export interface QueueState {
	items: QueueItem[];
	done: number;
	total: number;
}

function filterSql(f: QueueFilter) {
	return sql`${f.modality ? sql`and i.modality = ${f.modality}` : sql``} ${f.language ? sql`and i.language = ${f.language}` : sql``}`;
}

/**
 * Slots held on item `i` by people other than `userId`: submitted evaluations, finished assignments, live
 * reservations and drafts touched within the TTL, counted once per person. Only for items `userId` has no
 * submitted evaluation of (every use): then the submitted ones are the item's kept count, and the two probes
 * count the other holders, each person once (a holder without a submitted evaluation, then a recent draft
 * without such a holding), so an item nobody touched costs two index probes instead of a union per item.
 */
const heldByOthers = (userId: string, now: number) => {
	const cutoff = now - RESERVATION_TTL_MS;
	const holding = (a: string) =>
		sql.raw(`(${a}.state = 'done' or (${a}.state = 'reserved' and ${a}.reserved_at > `).append(sql`${cutoff}))`);
	return sql`(i.submitted_count
		+ (select count(*) from assignments a where a.item_id = i.id and a.user_id != ${userId} and ${holding('a')}
			and not exists (select 1 from evaluations s where s.item_id = i.id and s.evaluator_id = a.user_id
				and s.state = 'submitted'))
		+ (select count(*) from evaluations e where e.item_id = i.id and e.evaluator_id != ${userId}
			and e.state = 'draft' and e.updated_at > ${cutoff}
			and not exists (select 1 from assignments h where h.item_id = i.id and h.user_id = e.evaluator_id
				and ${holding('h')})))`;
};

/** The caller's queue as it stands: what the queue needs of the project, the caller's role and own open items. */
export interface QueueStart {
	project: { settings: ProjectSettings; evaluationSeq: number };
	/** The caller's role in the project (null: not a member). */
	role: Role | null;
	mine: QueueItem[];
}

/**
 * The project's settings and evaluation seq, the caller's role in it and the caller's own open items in it (sent
 * back for re-review, drafts, then reservations; each with the item and when its reservation was last refreshed,
 * null: none), in one query: undefined when there is no such project. Every queue request starts here; a settled
 * list needs nothing more (on PostgreSQL a round trip is most of a request's cost). The items start from the
 * caller's rows: the cross join keeps SQLite from starting at the project's items instead.
 */
export async function readQueue(
	db: Db,
	projectId: string,
	userId: string,
	f: QueueFilter
): Promise<QueueStart | undefined> {
	type Found = Record<string, unknown> & {
		settings: unknown;
		evaluationSeq: number;
		role: Role | null;
		id: string | null;
		reservedAt: number | null;
		myState: QueueItem['myState'];
		rank: number;
	};
	const found = await rows<Found>(
		db,
		sql`
		select p.settings as "settings", p.evaluation_seq as "evaluationSeq", mb.role as "role", x.*
		from projects p
		left join memberships mb on mb.project_id = p.id and mb.user_id = ${userId}
		left join (
			select i.*, m.state as "myState", m.rank, (select r.reserved_at from assignments r where r.item_id = i.id
				and r.user_id = ${userId} and r.state = 'reserved') as "reservedAt"
			from (
				select e.item_id, 0 as rank, e.state from evaluations e
					where e.evaluator_id = ${userId} and e.project_id = ${projectId} and e.review_requested_at is not null
				union all
				select e.item_id, 1, e.state from evaluations e
					where e.project_id = ${projectId} and e.evaluator_id = ${userId} and e.state = 'draft'
						and e.review_requested_at is null
				union all
				select a.item_id, 2, null from assignments a
					where a.user_id = ${userId} and a.state = 'reserved'
						and not exists (select 1 from evaluations e where e.item_id = a.item_id and e.evaluator_id = ${userId})
			) m
			cross join items i
			where i.id = m.item_id and i.project_id = ${projectId} ${filterSql(f)}
				and not exists (select 1 from assignments s where s.item_id = i.id and s.user_id = ${userId} and s.state = 'skipped')
		) x on true
		where p.id = ${projectId}
		order by x.rank, x.created_at, x.id`
	);
	if (!found.length) return undefined;
	return {
		project: {
			settings: projects.settings.mapFromDriverValue(found[0].settings) as ProjectSettings,
			evaluationSeq: found[0].evaluationSeq
		},
		role: found[0].role,
		// No item of the caller's: the one row is the project's, with nulls for the item.
		mine: found
			.filter((r) => r.id !== null)
			.map((r) => ({
				item: decodeRow(items, r),
				myState: r.myState,
				reviewRequested: r.rank === 0,
				reservedAt: r.reservedAt
			}))
	};
}

/** The caller's own open items in the project (readQueue's). */
async function myItems(db: Db, projectId: string, userId: string, f: QueueFilter): Promise<QueueItem[]> {
	return (await readQueue(db, projectId, userId, f))?.mine ?? [];
}

/**
 * The caller's list, reserving fresh items up to the batch when it is short (or refreshing reservations about to
 * expire), and progress. `mine` is the list readQueue read for this request.
 */
export async function nextItems(
	db: Db,
	projectId: string,
	userId: string,
	overlap: number,
	mine: QueueItem[],
	f: QueueFilter = {},
	seq?: number
): Promise<QueueState> {
	const now = Date.now();
	// Nothing to change (a full list, every reservation shown refreshed lately, so none expired): no write. An
	// expired reservation outside the filter is given up the next time the queue reserves.
	const settled =
		mine.length >= BATCH && mine.every((m) => m.reservedAt === null || m.reservedAt > now - REFRESH_AFTER_MS);
	if (!settled) {
		await reserve(db, projectId, userId, overlap, f, now);
		mine = await myItems(db, projectId, userId, f);
	}
	return { items: mine, ...(await progress(db, projectId, userId, overlap, f, seq)) };
}

/** Gives up lost reservations, reserves fresh items up to the batch and refreshes the ones shown. */
function reserve(
	db: Db,
	projectId: string,
	userId: string,
	overlap: number,
	f: QueueFilter,
	now: number
): Promise<void> {
	return tx(db, async (t) => {
		// Counting an item's holders and then reserving it is one decision per project at a time.
		await serialize(t, `queue:${projectId}`);
		const filter = filterSql(f);
		// My reservations that expired while someone else filled the item: give them up.
		await exec(
			t,
			sql`
			delete from assignments where user_id = ${userId} and state = 'reserved' and reserved_at <= ${now - RESERVATION_TTL_MS}
				and exists (select 1 from items i where i.id = assignments.item_id and i.project_id = ${projectId}
					and ${heldByOthers(userId, now)} >= ${overlap})
				and not exists (select 1 from evaluations e where e.item_id = assignments.item_id and e.evaluator_id = ${userId})`
		);
		const mine = await myItems(t, projectId, userId, f);
		const need = Math.max(0, BATCH - mine.length);
		const fresh = need
			? await rows<{ id: string }>(
					t,
					sql`
				select i.id from items i
				where i.project_id = ${projectId} and i.wanted = true ${filter}
					and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${userId})
					and not exists (select 1 from evaluations e where e.item_id = i.id and e.evaluator_id = ${userId})
					and ${heldByOthers(userId, now)} < ${overlap}
				order by i.created_at, i.id limit ${need}`
				)
			: [];
		for (const { id } of fresh) {
			await touchItem(t, id);
			await t
				.insert(assignments)
				.values({ itemId: id, userId, state: 'reserved', reservedAt: now, updatedAt: now })
				.onConflictDoUpdate({
					target: [assignments.itemId, assignments.userId],
					set: { state: 'reserved', reservedAt: now, updatedAt: now }
				});
		}
		// Refresh the reservations I am shown so they do not expire while I work through them (the fresh ones were
		// just made).
		if (mine.length) {
			await t
				.update(assignments)
				.set({ reservedAt: now })
				.where(
					and(
						eq(assignments.userId, userId),
						eq(assignments.state, 'reserved'),
						inArray(
							assignments.itemId,
							mine.map((m) => m.item.id)
						)
					)
				);
		}
	});
}

interface Progress {
	done: number;
	total: number;
}

/** Progress per caller and filter, counted once under the project's seq (concurrent askers share the count). */
const progressCache = new SeqCache<Progress>(10_000, PROGRESS_TTL_MS);

/**
 * How many items the caller finished, and how many they finished or can still take (items they are involved in,
 * or with a slot free), in the filter. Counted under the project's seq when the caller passes it (cached while
 * the seq stands, up to PROGRESS_TTL_MS); counted afresh otherwise.
 */
function progress(
	db: Db,
	projectId: string,
	userId: string,
	overlap: number,
	f: QueueFilter,
	seq: number | undefined
): Promise<Progress> {
	const count = () => countProgress(db, projectId, userId, overlap, f, Date.now());
	if (seq === undefined) return count();
	return progressCache.get(
		db,
		`${projectId}\u0000${userId}\u0000${f.modality ?? ''}\u0000${f.language ?? ''}`,
		seq,
		count
	);
}

async function countProgress(
	db: Db,
	projectId: string,
	userId: string,
	overlap: number,
	f: QueueFilter,
	now: number
): Promise<Progress> {
	const filter = filterSql(f);
	const notDoneOrSkipped = sql`
		not exists (select 1 from evaluations e where e.item_id = i.id and e.evaluator_id = ${userId} and e.state = 'submitted' and e.review_requested_at is null)
		and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${userId} and a.state = 'skipped')`;
	const counts = await row<{ done: number; untouched: number; wanted: number; full: number }>(
		db,
		sql`
		select
			(select count(*) from evaluations e ${f.modality || f.language ? sql`join items i on i.id = e.item_id` : sql``}
				where e.project_id = ${projectId} and e.evaluator_id = ${userId} and e.state = 'submitted'
					and e.review_requested_at is null ${filter}) as done,
			(select count(*) from items i where i.project_id = ${projectId} and i.wanted = true and i.touched = false
				${filter}) as untouched,
			(select count(*) from items i where i.project_id = ${projectId} and i.wanted = true and i.touched = true ${filter}
				and ${notDoneOrSkipped}
				and (exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${userId})
					or exists (select 1 from evaluations e where e.item_id = i.id and e.evaluator_id = ${userId})
					or ${heldByOthers(userId, now)} < ${overlap})) as wanted,
			(select count(*) from (
					select a.item_id from assignments a where a.user_id = ${userId} and a.state = 'reserved'
					union
					select e.item_id from evaluations e where e.project_id = ${projectId} and e.evaluator_id = ${userId}
						and e.state = 'draft'
					union
					select e.item_id from evaluations e where e.evaluator_id = ${userId} and e.project_id = ${projectId}
						and e.review_requested_at is not null
				) m cross join items i
				where i.id = m.item_id and i.project_id = ${projectId} and i.wanted = false ${filter}
					and ${notDoneOrSkipped}) as full`
	);
	const done = counts?.done ?? 0;
	return { done, total: done + (counts?.untouched ?? 0) + (counts?.wanted ?? 0) + (counts?.full ?? 0) };
}

/** The caller skips an item, saying why: it leaves their queue and frees its slot; audited. */
export function skipItem(db: Db, item: { id: string; projectId: string }, userId: string, reason: string) {
	return tx(db, async (t) => {
		await markAssignment(t, item.id, userId, 'skipped', reason);
		await touchItem(t, item.id);
		await bumpEvaluationSeq(t, item.projectId);
		await audit(t, {
			actorId: userId,
			projectId: item.projectId,
			action: 'item.skip',
			entityType: 'item',
			entityId: item.id,
			data: { reason }
		});
	});
}

export async function markAssignment(
	db: Db,
	itemId: string,
	userId: string,
	state: 'done' | 'skipped',
	skipReason?: string
): Promise<void> {
	await upsertAssignment(db, { itemId, userId, state, skipReason: skipReason ?? null, now: Date.now() });
}

const upsertAssignment = prepared((db) =>
	db
		.insert(assignments)
		.values({
			itemId: sql.placeholder('itemId'),
			userId: sql.placeholder('userId'),
			state: sql.placeholder('state'),
			skipReason: sql.placeholder('skipReason'),
			reservedAt: sql.placeholder('now'),
			updatedAt: sql.placeholder('now')
		})
		.onConflictDoUpdate({
			target: [assignments.itemId, assignments.userId],
			set: {
				state: sql.raw('excluded.state'),
				skipReason: sql.raw('excluded.skip_reason'),
				updatedAt: sql.raw('excluded.updated_at')
			}
		})
		.prepare()
);

/** When a lead sent each evaluation of an item back for re-review (null when not), by evaluation id. */
export async function reviewRequests(db: Db, itemId: string): Promise<Map<string, number | null>> {
	const found = await db
		.select({ id: evaluations.id, at: evaluations.reviewRequestedAt })
		.from(evaluations)
		.where(eq(evaluations.itemId, itemId));
	return new Map(found.map((r) => [r.id, r.at]));
}
