// The evaluator queue. Each item takes at most `overlap` evaluators: a live reservation, a finished assignment, a
// submitted evaluation or a recently touched draft holds one of its slots. Reservations are made inside an
// immediate transaction, so two evaluators asking at the same moment never exceed the overlap. A reservation (or
// draft) not touched within RESERVATION_TTL_MS frees its slot; when its owner comes back and the slot has been
// taken meanwhile, the stale reservation is dropped instead of pushing the item over its overlap.
// The caller's own list comes first: items sent back for re-review, then drafts, then reservations.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { assignments, evaluations, items } from '../../drizzle/schema';
import { exec, rows, row, serialize, tx } from './client';

const RESERVATION_TTL_MS = 2 * 3600 * 1000;
const BATCH = 3;

export interface QueueFilter {
	modality?: string;
	language?: string;
}

export interface QueueState {
	itemIds: string[];
	done: number;
	total: number;
}

function filterSql(f: QueueFilter) {
	return sql`${f.modality ? sql`and i.modality = ${f.modality}` : sql``} ${f.language ? sql`and i.language = ${f.language}` : sql``}`;
}

/** Slots held on an item by people other than `userId`: live reservations, finished assignments, submitted
 * evaluations and drafts touched within the TTL (counted once per person). */
const heldByOthers = (userId: string, now: number) => sql`(
	select count(*) from (
		select a.user_id from assignments a where a.item_id = i.id and a.user_id != ${userId}
			and (a.state = 'done' or (a.state = 'reserved' and a.reserved_at > ${now - RESERVATION_TTL_MS}))
		union
		select e.evaluator_id from evaluations e where e.item_id = i.id and e.evaluator_id != ${userId}
			and (e.state = 'submitted' or e.updated_at > ${now - RESERVATION_TTL_MS})
	) as held
)`;

export function nextItems(
	db: Db,
	projectId: string,
	userId: string,
	overlap: number,
	f: QueueFilter = {}
): Promise<QueueState> {
	return tx(db, async (t) => {
		// Counting an item's holders and then reserving it is one decision per project at a time.
		await serialize(t, `queue:${projectId}`);
		const now = Date.now();
		const filter = filterSql(f);
		// My reservations that expired while someone else filled the item: give them up.
		await exec(
			t,
			sql`
			delete from assignments where user_id = ${userId} and state = 'reserved' and reserved_at <= ${now - RESERVATION_TTL_MS}
				and item_id in (select i.id from items i where i.project_id = ${projectId} and ${heldByOthers(userId, now)} >= ${overlap})
				and not exists (select 1 from evaluations e where e.item_id = assignments.item_id and e.evaluator_id = ${userId})`
		);
		const mine = await rows<{ id: string }>(
			t,
			sql`
			select i.id from items i
			left join evaluations e on e.item_id = i.id and e.evaluator_id = ${userId}
			left join assignments a on a.item_id = i.id and a.user_id = ${userId}
			where i.project_id = ${projectId} ${filter}
				and (a.state is null or a.state != 'skipped')
				and (e.review_requested_at is not null or e.state = 'draft' or (e.id is null and a.state = 'reserved'))
			order by case when e.review_requested_at is not null then 0 when e.state = 'draft' then 1 else 2 end, i.created_at, i.id`
		);
		const need = Math.max(0, BATCH - mine.length);
		const fresh = need
			? await rows<{ id: string }>(
					t,
					sql`
				select i.id from items i
				where i.project_id = ${projectId} ${filter}
					and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${userId})
					and not exists (select 1 from evaluations e where e.item_id = i.id and e.evaluator_id = ${userId})
					and ${heldByOthers(userId, now)} < ${overlap}
				order by i.created_at, i.id limit ${need}`
				)
			: [];
		for (const { id } of fresh) {
			await t
				.insert(assignments)
				.values({ itemId: id, userId, state: 'reserved', reservedAt: now, updatedAt: now })
				.onConflictDoUpdate({
					target: [assignments.itemId, assignments.userId],
					set: { state: 'reserved', reservedAt: now, updatedAt: now }
				});
		}
		// Refresh the reservations I am shown so they do not expire while I work through them.
		const shown = [...mine, ...fresh].map((r) => r.id);
		if (shown.length) {
			await t
				.update(assignments)
				.set({ reservedAt: now })
				.where(
					and(eq(assignments.userId, userId), eq(assignments.state, 'reserved'), inArray(assignments.itemId, shown))
				);
		}
		const counts = await row<{ done: number; open: number }>(
			t,
			sql`
			select
				(select count(*) from evaluations e join items i on i.id = e.item_id
					where i.project_id = ${projectId} ${filter} and e.evaluator_id = ${userId} and e.state = 'submitted' and e.review_requested_at is null) as done,
				(select count(*) from items i where i.project_id = ${projectId} ${filter}
					and not exists (select 1 from evaluations e where e.item_id = i.id and e.evaluator_id = ${userId} and e.state = 'submitted' and e.review_requested_at is null)
					and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${userId} and a.state = 'skipped')
					and (exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ${userId})
						or exists (select 1 from evaluations e where e.item_id = i.id and e.evaluator_id = ${userId})
						or ${heldByOthers(userId, now)} < ${overlap})) as open`
		);
		return { itemIds: shown, done: counts?.done ?? 0, total: (counts?.done ?? 0) + (counts?.open ?? 0) };
	});
}

export async function markAssignment(
	db: Db,
	itemId: string,
	userId: string,
	state: 'done' | 'skipped',
	skipReason?: string
): Promise<void> {
	const now = Date.now();
	await db
		.insert(assignments)
		.values({ itemId, userId, state, skipReason: skipReason ?? null, reservedAt: now, updatedAt: now })
		.onConflictDoUpdate({
			target: [assignments.itemId, assignments.userId],
			set: { state, skipReason: skipReason ?? null, updatedAt: now }
		});
}

/** The caller's evaluation state on each of `itemIds` (only items they have an evaluation of). */
export async function evaluationStates(db: Db, itemIds: string[], userId: string) {
	if (!itemIds.length) return [];
	return db
		.select({ itemId: evaluations.itemId, state: evaluations.state, reviewRequestedAt: evaluations.reviewRequestedAt })
		.from(evaluations)
		.where(and(eq(evaluations.evaluatorId, userId), inArray(evaluations.itemId, itemIds)));
}

/** The modalities and languages a project's items have, for the queue's filter menus. */
export async function queueFacets(db: Db, projectId: string): Promise<{ modalities: string[]; languages: string[] }> {
	const found = await db
		.selectDistinct({ modality: items.modality, language: items.language })
		.from(items)
		.where(eq(items.projectId, projectId));
	return {
		modalities: [...new Set(found.map((r) => r.modality))].sort(),
		languages: [...new Set(found.map((r) => r.language))].sort()
	};
}

/** When a lead sent each evaluation of an item back for re-review (null when not), by evaluation id. */
export async function reviewRequests(db: Db, itemId: string): Promise<Map<string, number | null>> {
	const found = await db
		.select({ id: evaluations.id, at: evaluations.reviewRequestedAt })
		.from(evaluations)
		.where(eq(evaluations.itemId, itemId));
	return new Map(found.map((r) => [r.id, r.at]));
}
