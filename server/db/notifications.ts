// In-app notifications: one row per recipient, written in the same transaction as the decision they report;
// a recipient reads only their own (newest first, a page at a time) and marks them read.
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { notifications } from '../../drizzle/schema';
import { newId } from '../domain/ids';
import type { NotificationView } from '#shared/api-types';
import { FIRST_PAGE, type PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';

type NotificationRow = typeof notifications.$inferSelect;

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
	return {
		notifications: rows.map((r) => ({
			id: r.id,
			projectId: r.projectId,
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
