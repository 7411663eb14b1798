// Items: listing with filters (keyset pages, server/db/paging.ts), lookup by id, import (prepared inserts in the caller's transaction, idempotent by external id)
// and the item_media index of the media each item references.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first, prepared } from './client';
import { evaluations, itemMedia, items, memberships, projectFacets, projects } from '../../drizzle/schema';
import type { ProjectSettings } from '../../drizzle/schema';
import type { PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';
import type { Item, ItemInput, Modality } from '#shared/items';
import type { Role } from '#shared/roles';
import { newId } from '../domain/ids';
import { contentExternalId } from '../domain/item-import';
import { referencedMedia } from '../domain/media-refs';
import { audit } from './audit';
import { recountFacets } from './project-counts';

export type ItemRow = typeof items.$inferSelect;

/** Metadata meant for leads (planted errors, why an item is ambiguous); evaluators never receive it. */
const LEAD_ONLY_METADATA = ['planted', 'note', 'ambiguous'];

function metadataFor(metadata: Record<string, unknown>, forLead: boolean): Record<string, unknown> {
	if (forLead) return metadata;
	return Object.fromEntries(Object.entries(metadata).filter(([k]) => !LEAD_ONLY_METADATA.includes(k)));
}

/** The item as a caller may see it: `withGold` (leads and managers) also carries gold and lead-only metadata. */
export function toItem(r: ItemRow, withGold: boolean): Item {
	return {
		id: r.id,
		projectId: r.projectId,
		externalId: r.externalId,
		modality: r.modality as Modality,
		payload: r.payload,
		language: r.language,
		metadata: metadataFor(r.metadata, withGold),
		gold: withGold ? (r.gold ?? null) : null,
		createdAt: r.createdAt
	};
}

export interface ItemFilter {
	modality?: string;
	language?: string;
}

/** An item row as the list shows it: with the viewer's own evaluation state. */
export interface ItemListRow {
	item: ItemRow;
	myState: 'draft' | 'submitted' | null;
}

const itemOrder = ordered<ItemListRow>(
	'items',
	'asc',
	{ expr: items.createdAt, type: 'number', of: (r) => r.item.createdAt },
	{ expr: items.id, type: 'text', of: (r) => r.item.id }
);

/**
 * One page of a project's items in import order, with the viewer's own evaluation state, and how many items match
 * the filters (from the project's facet counts, kept up to date on import: no count over the items).
 */
export async function listItems(
	db: Db,
	projectId: string,
	viewerId: string,
	f: ItemFilter & PageRequest
): Promise<{ rows: ItemListRow[]; nextCursor: string | null; total: number }> {
	const keyset = keysetPage(db, itemOrder, f);
	const found = await db
		.select({ item: items, myState: evaluations.state })
		.from(items)
		.leftJoin(evaluations, and(eq(evaluations.itemId, items.id), eq(evaluations.evaluatorId, viewerId)))
		.where(
			and(
				eq(items.projectId, projectId),
				f.modality ? eq(items.modality, f.modality) : undefined,
				f.language ? eq(items.language, f.language) : undefined,
				keyset.after
			)
		)
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	const counted = await first(
		db
			.select({ n: sql<number>`coalesce(sum(${projectFacets.items}), 0)` })
			.from(projectFacets)
			.where(
				and(
					eq(projectFacets.projectId, projectId),
					f.modality ? eq(projectFacets.modality, f.modality) : undefined,
					f.language ? eq(projectFacets.language, f.language) : undefined
				)
			)
	);
	return { rows, nextCursor, total: Number(counted?.n ?? 0) };
}

/** A few items by id (a page's worth, e.g. the evaluator queue's next items); unknown ids are left out. */
export function itemsByIds(db: Db, ids: readonly string[]): Promise<ItemRow[]> {
	if (!ids.length) return Promise.resolve([]);
	return db
		.select()
		.from(items)
		.where(inArray(items.id, [...ids]));
}

const itemQuery = prepared((db) =>
	db
		.select()
		.from(items)
		.where(eq(items.id, sql.placeholder('id')))
		.limit(1)
		.prepare()
);

export async function getItemRow(db: Db, id: string): Promise<ItemRow | undefined> {
	return (await itemQuery(db, { id }))[0];
}

/** What a write about an item needs of it: its project and modality, not its content. */
export interface ItemHeader {
	id: string;
	projectId: string;
	modality: string;
}

/** The columns of an ItemHeader, for queries that read it beside something else. */
export const itemHeaderColumns = { id: items.id, projectId: items.projectId, modality: items.modality };

/** The item's header and the user's role in its project (null: not a member), in one query; undefined: no item. */
export async function itemHeaderWithRole(
	db: Db,
	itemId: string,
	userId: string
): Promise<{ item: ItemHeader; role: Role | null } | undefined> {
	return (await itemHeaderQuery(db, { itemId, userId }))[0];
}

/** The item's header, its submission count and its project's settings, in one query (not its content). */
export async function itemCountWithSettings(
	db: Db,
	itemId: string
): Promise<{ item: ItemHeader; submittedCount: number; settings: ProjectSettings } | undefined> {
	return (await itemCountQuery(db, { itemId }))[0];
}

const itemCountQuery = prepared((db) =>
	db
		.select({
			item: itemHeaderColumns,
			submittedCount: items.submittedCount,
			settings: projects.settings
		})
		.from(items)
		.innerJoin(projects, eq(projects.id, items.projectId))
		.where(eq(items.id, sql.placeholder('itemId')))
		.limit(1)
		.prepare()
);

const itemHeaderQuery = prepared((db) =>
	db
		.select({
			item: itemHeaderColumns,
			role: memberships.role
		})
		.from(items)
		.leftJoin(
			memberships,
			and(eq(memberships.projectId, items.projectId), eq(memberships.userId, sql.placeholder('userId')))
		)
		.where(eq(items.id, sql.placeholder('itemId')))
		.limit(1)
		.prepare()
);

/**
 * A prepared insert for one project's items (pass the caller's transaction); an item whose external id already
 * exists there is skipped. Items without an external id get one derived from their content, so the same item is
 * never inserted twice. Prepared because an import inserts up to hundreds of thousands of items and building a
 * drizzle query costs more than running it (10,000 items on SQLite: about 1 s prepared, 3 s built one by one).
 * `execute` runs a prepared query on both dialects (PostgreSQL receives it unnamed, like any other query).
 */
export function createItemWriter(db: Db, projectId: string) {
	const insert = db
		.insert(items)
		.values({
			id: sql.placeholder('id'),
			projectId,
			externalId: sql.placeholder('externalId'),
			modality: sql.placeholder('modality'),
			payload: sql.placeholder('payload'),
			language: sql.placeholder('language'),
			metadata: sql.placeholder('metadata'),
			// Raw, not JSON-encoded by drizzle: an item without gold must be SQL NULL, not the text 'null'.
			gold: sql`${sql.placeholder('gold')}`,
			createdAt: sql.placeholder('createdAt')
		})
		.onConflictDoNothing()
		.returning({ id: items.id })
		.prepare();
	const link = db
		.insert(itemMedia)
		.values({ itemId: sql.placeholder('itemId'), sha256: sql.placeholder('sha256') })
		.onConflictDoNothing()
		.prepare();
	return {
		/** True when inserted, false when an item with this external id was already there. */
		async insert(input: ItemInput, createdAt: number): Promise<boolean> {
			const values = {
				id: newId(),
				externalId: input.externalId ?? contentExternalId(input),
				modality: input.modality,
				payload: input.payload,
				language: input.language,
				metadata: input.metadata,
				gold: input.gold ? JSON.stringify(input.gold) : null,
				createdAt
			};
			if (!(await insert.execute(values)).length) return false;
			for (const sha256 of referencedMedia(input.payload)) await link.execute({ itemId: values.id, sha256 });
			return true;
		}
	};
}

/** Inserts all items in the caller's transaction (in order); items whose external id already exists are skipped. */
export async function insertItems(db: Db, projectId: string, inputs: ItemInput[], actorId: string | null) {
	const writer = createItemWriter(db, projectId);
	let imported = 0;
	const now = Date.now();
	for (const [i, input] of inputs.entries()) if (await writer.insert(input, now + i)) imported++;
	const skipped = inputs.length - imported;
	await finishImport(db, projectId, actorId, { imported, skipped });
	return { imported, skipped };
}

/** Closes an import in its transaction: the project's facets and seq count the new items; audited. */
export async function finishImport(
	db: Db,
	projectId: string,
	actorId: string | null,
	data: Record<string, unknown>
): Promise<void> {
	await recountFacets(db, projectId);
	await audit(db, { actorId, projectId, action: 'items.import', entityType: 'project', entityId: projectId, data });
}

export async function setGold(db: Db, itemId: string, gold: Record<string, unknown>): Promise<void> {
	await db.update(items).set({ gold }).where(eq(items.id, itemId));
}
