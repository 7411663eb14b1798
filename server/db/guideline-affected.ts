// The evaluations a published guideline version touches: submitted evaluations made under an older version of the
// guideline (or before any) that scored a dimension the version names, grouped by item in import order. Read
// whole for a re-review request, or a page of items at a time for the lead's list. Which scores touch a dimension
// is decided in JavaScript (touchedDimensions: the scores are JSON), so a page is filled from chunks of candidate
// items (keyset over items with such an evaluation), each chunk's evaluations read by its bounded list of ids.
import { and, asc, eq, exists, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { evaluations, guidelineVersions, items, users } from '../../drizzle/schema';
import type { AffectedItem } from '#shared/guideline';
import type { PageRequest } from '#shared/paging';
import { touchedDimensions } from '../domain/guideline';
import { itemExcerpt } from '#shared/item-excerpt';
import { encode, keysetPage, ordered } from './paging';
import type { GuidelineRow, VersionRow } from './guidelines';

/** How many candidate items a page reads at a time while it fills. */
const CHUNK = 200;

/** Evaluations submitted under an older version of the guideline, or before it had any. */
function underOlder(guideline: GuidelineRow, version: VersionRow): SQL {
	const olderIds = sql`(select ${guidelineVersions.id} from ${guidelineVersions} where ${and(
		eq(guidelineVersions.guidelineId, guideline.id),
		lt(guidelineVersions.number, version.number)
	)})`;
	return and(
		eq(evaluations.state, 'submitted'),
		or(isNull(evaluations.guidelineVersionId), inArray(evaluations.guidelineVersionId, olderIds))
	)!;
}

async function olderNumbers(db: Db, guideline: GuidelineRow, version: VersionRow): Promise<Map<string, number>> {
	const older = await db
		.select({ id: guidelineVersions.id, number: guidelineVersions.number })
		.from(guidelineVersions)
		.where(and(eq(guidelineVersions.guidelineId, guideline.id), lt(guidelineVersions.number, version.number)));
	return new Map(older.map((v) => [v.id, v.number]));
}

/** The evaluations (with evaluator and item) matching `where`, in item order, then by evaluator. */
function evaluationsWith(db: Db, where: SQL | undefined) {
	return db
		.select({
			e: evaluations,
			name: users.name,
			modality: items.modality,
			language: items.language,
			payload: items.payload
		})
		.from(evaluations)
		.innerJoin(items, eq(items.id, evaluations.itemId))
		.innerJoin(users, eq(users.id, evaluations.evaluatorId))
		.where(where)
		.orderBy(asc(items.createdAt), asc(items.id), asc(users.name));
}

type EvaluationRow = Awaited<ReturnType<typeof evaluationsWith>>[number];

/** Groups evaluation rows (in item order) into affected items, keeping only the evaluations that touch a dimension. */
function groupAffected(rows: EvaluationRow[], version: VersionRow, numberOf: Map<string, number>): AffectedItem[] {
	const byItem = new Map<string, AffectedItem>();
	for (const r of rows) {
		const dims = touchedDimensions(version.dimensions, r.e.scores);
		if (!dims.length) continue;
		let entry = byItem.get(r.e.itemId);
		if (!entry) {
			entry = {
				itemId: r.e.itemId,
				modality: r.modality,
				language: r.language,
				excerpt: itemExcerpt({ modality: r.modality as never, payload: r.payload }, 120),
				evaluations: []
			};
			byItem.set(r.e.itemId, entry);
		}
		entry.evaluations.push({
			evaluationId: r.e.id,
			evaluatorId: r.e.evaluatorId,
			evaluatorName: r.name,
			versionNumber: r.e.guidelineVersionId ? (numberOf.get(r.e.guidelineVersionId) ?? null) : null,
			dimensions: dims,
			submittedAt: r.e.submittedAt,
			reviewRequestedAt: r.e.reviewRequestedAt
		});
	}
	return [...byItem.values()];
}

/** Every item the version touches (a re-review request acts on all of them). */
export async function affectedItems(db: Db, guideline: GuidelineRow, version: VersionRow): Promise<AffectedItem[]> {
	if (!version.dimensions.length) return [];
	const rows = await evaluationsWith(db, and(eq(items.projectId, guideline.projectId), underOlder(guideline, version)));
	return groupAffected(rows, version, await olderNumbers(db, guideline, version));
}

type ItemKey = { id: string; createdAt: number };
const itemOrder = ordered<ItemKey>(
	'affected-items',
	'asc',
	{ expr: items.createdAt, type: 'number', of: (i) => i.createdAt },
	{ expr: items.id, type: 'text', of: (i) => i.id }
);

/** One page of the items the version touches, in import order. */
export async function affectedItemsPage(
	db: Db,
	guideline: GuidelineRow,
	version: VersionRow,
	page: PageRequest
): Promise<{ items: AffectedItem[]; nextCursor: string | null }> {
	if (!version.dimensions.length) return { items: [], nextCursor: null };
	const numberOf = await olderNumbers(db, guideline, version);
	const scope = underOlder(guideline, version);
	const found: { item: AffectedItem; key: ItemKey }[] = [];
	let cursor = page.cursor;
	while (found.length <= page.limit) {
		const keyset = keysetPage(db, itemOrder, { cursor, limit: CHUNK });
		const candidates = await db
			.select({ id: items.id, createdAt: items.createdAt })
			.from(items)
			.where(
				and(
					eq(items.projectId, guideline.projectId),
					exists(
						db
							.select({ one: sql`1` })
							.from(evaluations)
							.where(and(eq(evaluations.itemId, items.id), scope))
					),
					keyset.after
				)
			)
			.orderBy(...keyset.orderBy)
			.limit(keyset.limit);
		const chunk = keyset.finish(candidates);
		if (!chunk.rows.length) break;
		const keys = new Map(chunk.rows.map((r) => [r.id, r]));
		const rows = await evaluationsWith(db, and(inArray(evaluations.itemId, [...keys.keys()]), scope));
		for (const item of groupAffected(rows, version, numberOf)) found.push({ item, key: keys.get(item.itemId)! });
		if (chunk.nextCursor === null) break;
		cursor = chunk.nextCursor;
	}
	const kept = found.slice(0, page.limit);
	const more = found.length > page.limit;
	return {
		items: kept.map((f) => f.item),
		nextCursor: more ? encode(itemOrder, kept[kept.length - 1].key) : null
	};
}
