// In-app notifications: one row per recipient, written in the same transaction as the decision they report;
// a recipient reads only their own (newest first, a page at a time, each naming its project and item) and marks
// them read. Once the transaction commits, the recipients are announced to whoever listens for this database
// (the server's inbox signal, which pushes them to open pages on every node).
import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { afterCommit, first } from './client';
import { items, notifications, projects } from '../../drizzle/schema';
import { newId } from '../domain/ids';
import type { NotificationView } from '#shared/api-types';
import { FIRST_PAGE, type PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';

type NotificationRow = typeof notifications.$inferSelect;

type NotifiedListener = (userIds: readonly string[]) => void;
const listeners = new WeakMap<object, NotifiedListener>();

/** Calls `listener` with the recipients of every notification written on `db`, after its transaction commits. */
export function onNotified(db: Db, listener: NotifiedListener): void {
	listeners.set(db, listener);
}

export async function notify(
	db: Db,
	userIds: readonly string[],
	n: { projectId: string | null; kind: string; data: Record<string, unknown> }
): Promise<void> {
	const now = Date.now();
	const recipients = [...new Set(userIds)];
	if (!recipients.length) return;
	await db.insert(notifications).values(
		recipients.map((userId) => ({
			id: newId(),
			userId,
			projectId: n.projectId,
			kind: n.kind,
			data: n.data,
			createdAt: now
		}))
	);
	afterCommit(db, (root) => listeners.get(root)?.(recipients));
}

/** The names a page of notifications mentions: projects by id, items by id (external id when it has one). */
async function namesFor(db: Db, rows: NotificationRow[]) {
	const projectIds = [...new Set(rows.map((r) => r.projectId).filter((id): id is string => !!id))];
	const itemIds = [...new Set(rows.map((r) => r.data.itemId).filter((id): id is string => typeof id === 'string'))];
	const [projectRows, itemRows] = await Promise.all([
		projectIds.length
			? db.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.id, projectIds))
			: [],
		itemIds.length
			? db.select({ id: items.id, externalId: items.externalId }).from(items).where(inArray(items.id, itemIds))
			: []
	]);
	return {
		project: new Map(projectRows.map((p) => [p.id, p.name])),
		item: new Map(itemRows.map((i) => [i.id, i.externalId ?? i.id]))
	};
}

const newestFirst = ordered<NotificationRow>(
	'notifications',
	'desc',
	{ expr: notifications.createdAt, type: 'number', of: (r) => r.createdAt },
	{ expr: notifications.id, type: 'text', of: (r) => r.id }
);

/** One page of the user's notifications, newest first, with how many are unread in all. */
export async function notificationsFor(
	db: Db,
	userId: string,
	page: PageRequest = FIRST_PAGE
): Promise<{ notifications: NotificationView[]; unread: number; nextCursor: string | null }> {
	const keyset = keysetPage(db, newestFirst, page);
	const found = await db
		.select()
		.from(notifications)
		.where(and(eq(notifications.userId, userId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	const unread =
		(
			await first(
				db
					.select({ n: count() })
					.from(notifications)
					.where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
			)
		)?.n ?? 0;
	const names = await namesFor(db, rows);
	return {
		notifications: rows.map((r) => ({
			id: r.id,
			projectId: r.projectId,
			projectName: r.projectId ? (names.project.get(r.projectId) ?? null) : null,
			itemName: typeof r.data.itemId === 'string' ? (names.item.get(r.data.itemId) ?? null) : null,
			kind: r.kind,
			data: r.data,
			createdAt: r.createdAt,
			readAt: r.readAt
		})),
		unread,
		nextCursor
	};
}

/** Marks one of the user's notifications read (the first time counts); false when it is not theirs (or does not
 * exist). */
export async function markRead(db: Db, userId: string, id: string): Promise<boolean> {
	const marked = await db
		.update(notifications)
		.set({ readAt: sql`coalesce(${notifications.readAt}, ${Date.now()})` })
		.where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
		.returning({ id: notifications.id });
	return marked.length > 0;
}

export async function markAllRead(db: Db, userId: string): Promise<void> {
	await db
		.update(notifications)
		.set({ readAt: Date.now() })
		.where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
}
