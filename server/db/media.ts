// Media rows: the content-addressed files the server knows (a file on disk without a row is never served), who
// uploaded which, and the memberships through which a caller reaches a file (item_media, filled with each item).
import { and, eq } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { itemMedia, items, media, mediaUploads, memberships } from '../../drizzle/schema';
import { mayReadMedia, type MediaReach } from '../domain/media-access';

export async function recordMedia(db: Db, sha256: string, mime: string, size: number): Promise<void> {
	await db.insert(media).values({ sha256, mime, size, createdAt: Date.now() }).onConflictDoNothing();
}

export function getMedia(db: Db, sha256: string) {
	return first(db.select().from(media).where(eq(media.sha256, sha256)).limit(1));
}

/**
 * A cached check, for validating many references in one import, that a file is in the store AND `actor` may read
 * it: an import cannot reach a file its importer could not fetch (the reference would open it to the project).
 */
export function readableMediaLookup(
	db: Db,
	actor: { id: string; isAdmin: boolean }
): (sha256: string) => Promise<boolean> {
	const known = new Map<string, Promise<boolean>>();
	const check = async (sha256: string) =>
		(await getMedia(db, sha256)) !== undefined && mayReadMedia(actor.isAdmin, await mediaReach(db, sha256, actor.id));
	return (sha256) => {
		let found = known.get(sha256);
		if (found === undefined) {
			found = check(sha256);
			known.set(sha256, found);
		}
		return found;
	};
}

export async function recordUpload(db: Db, sha256: string, userId: string): Promise<void> {
	await db.insert(mediaUploads).values({ sha256, userId, createdAt: Date.now() }).onConflictDoNothing();
}

/**
 * What decides whether `userId` may fetch a file: their roles in the projects whose items reference it (null for
 * a project they are not a member of: an admin reads it there), and
 * whether they uploaded it. Two indexed lookups (item_media by sha256, memberships by project and user).
 */
export async function mediaReach(db: Db, sha256: string, userId: string): Promise<MediaReach> {
	const found = await db
		.selectDistinct({ role: memberships.role })
		.from(itemMedia)
		.innerJoin(items, eq(items.id, itemMedia.itemId))
		.leftJoin(memberships, and(eq(memberships.projectId, items.projectId), eq(memberships.userId, userId)))
		.where(eq(itemMedia.sha256, sha256));
	const upload = await first(
		db
			.select({ sha256: mediaUploads.sha256 })
			.from(mediaUploads)
			.where(and(eq(mediaUploads.sha256, sha256), eq(mediaUploads.userId, userId)))
			.limit(1)
	);
	return { roles: found.map((r) => r.role), uploaded: upload !== undefined };
}
