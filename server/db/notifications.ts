// In-app notifications: one row per recipient, written in the same transaction as the decision they report;
// a recipient reads only their own and marks them read.
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from './client';
import { notifications } from '../../drizzle/schema';
import { newId } from '../domain/ids';
import type { NotificationView } from '#shared/api-types';

export function notify(
	db: Db,
	userIds: readonly string[],
	n: { projectId: string | null; kind: string; data: Record<string, unknown> }
): void {
	const now = Date.now();
	for (const userId of new Set(userIds)) {
		db.insert(notifications)
			.values({ id: newId(), userId, projectId: n.projectId, kind: n.kind, data: n.data, createdAt: now })
			.run();
	}
}

export function notificationsFor(
	db: Db,
	userId: string,
	limit = 50
): { notifications: NotificationView[]; unread: number } {
	const rows = db
		.select()
		.from(notifications)
		.where(eq(notifications.userId, userId))
		.orderBy(desc(notifications.createdAt), desc(notifications.id))
		.limit(limit)
		.all();
	const unread =
		db
			.select({ n: count() })
			.from(notifications)
			.where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
			.get()?.n ?? 0;
	return {
		notifications: rows.map((r) => ({
			id: r.id,
			projectId: r.projectId,
			kind: r.kind,
			data: r.data,
			createdAt: r.createdAt,
			readAt: r.readAt
		})),
		unread
	};
}

/** Marks one of the user's notifications read; false when it is not theirs (or does not exist). */
export function markRead(db: Db, userId: string, id: string): boolean {
	const row = db
		.select({ readAt: notifications.readAt })
		.from(notifications)
		.where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
		.get();
	if (!row) return false;
	if (row.readAt === null) db.update(notifications).set({ readAt: Date.now() }).where(eq(notifications.id, id)).run();
	return true;
}

export function markAllRead(db: Db, userId: string): void {
	db.update(notifications)
		.set({ readAt: Date.now() })
		.where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
		.run();
}
