// What an admin reads and changes about user accounts: the directory (one query for a page of users, one for
// their memberships and one for their single sign-on links: no query per user) and a change of an account's
// standing (domain/user-lifecycle.ts decides whether it is allowed). Deactivating ends every session and API token
// of the account in the same transaction; the caller then closes its sockets and streams (after the commit).
import { and, asc, count, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first, serialize, tx } from './client';
import { apiTokens, memberships, projects, userIdentities, users } from '../../drizzle/schema';
import { NotFound } from '../domain/errors';
import { accountChangeActions, assertAccountChangeAllowed, type AccountChange } from '../domain/user-lifecycle';
import type { DirectoryUser, UserStatus } from '#shared/user-admin';
import type { PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';
import { containsText } from './like';
import { audit } from './audit';
import { deleteOtherSessions, userRowById, type UserRow } from './users';

const usersByEmail = ordered<UserRow>(
	'admin-users',
	'asc',
	{ expr: users.email, type: 'text', of: (u) => u.email },
	{ expr: users.id, type: 'text', of: (u) => u.id }
);

/** One page of accounts by email, filtered by status and by `q` (contained in the name or the email). */
export async function userDirectory(
	db: Db,
	filter: { q?: string; status: UserStatus },
	page: PageRequest
): Promise<{ users: DirectoryUser[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, usersByEmail, page);
	const status =
		filter.status === 'active'
			? isNull(users.deactivatedAt)
			: filter.status === 'deactivated'
				? isNotNull(users.deactivatedAt)
				: undefined;
	const search = filter.q ? or(containsText(users.name, filter.q), containsText(users.email, filter.q)) : undefined;
	const found = await db
		.select()
		.from(users)
		.where(and(status, search, keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	const ids = rows.map((u) => u.id);
	const [roles, linked] = ids.length
		? await Promise.all([
				db
					.select({
						userId: memberships.userId,
						projectId: projects.id,
						projectName: projects.name,
						role: memberships.role
					})
					.from(memberships)
					.innerJoin(projects, eq(projects.id, memberships.projectId))
					.where(inArray(memberships.userId, ids))
					.orderBy(asc(projects.name), asc(projects.id)),
				db
					.selectDistinct({ userId: userIdentities.userId })
					.from(userIdentities)
					.where(inArray(userIdentities.userId, ids))
			])
		: [[], []];
	const sso = new Set(linked.map((l) => l.userId));
	return {
		users: rows.map((u) => ({
			id: u.id,
			email: u.email,
			name: u.name,
			isAdmin: u.isAdmin,
			active: u.deactivatedAt === null,
			deactivatedAt: u.deactivatedAt,
			lastSignInAt: u.lastSignInAt,
			createdAt: u.createdAt,
			sso: sso.has(u.id),
			projects: roles
				.filter((r) => r.userId === u.id)
				.map(({ projectId, projectName, role }) => ({ projectId, projectName, role }))
		})),
		nextCursor
	};
}

interface AccountChangeResult {
	user: UserRow;
	/** The audit actions written (empty: nothing changed). */
	changed: string[];
	/** Sessions ended by a deactivation: their sockets must be closed. */
	endedSessions: number;
	endedTokens: number;
}

/**
 * Applies `change` to the account `targetId` on behalf of admin `actorId`, in one transaction: the guards
 * (user-lifecycle.ts) on facts read after taking the admins lock, the new standing, the end of every session and
 * token on deactivation, and one audit row per change.
 */
export function changeAccount(db: Db, actorId: string, targetId: string, change: AccountChange) {
	return tx(db, async (t): Promise<AccountChangeResult> => {
		await serialize(t, 'admins');
		const row = await userRowById(t, targetId);
		if (!row) throw NotFound('No such user');
		const target = { id: row.id, isAdmin: row.isAdmin, active: row.deactivatedAt === null };
		const others = await first(
			t
				.select({ n: count() })
				.from(users)
				.where(and(eq(users.isAdmin, true), isNull(users.deactivatedAt), sql`${users.id} <> ${targetId}`))
		);
		assertAccountChangeAllowed(change, { actorId, target, otherActiveAdmins: Number(others?.n ?? 0) });
		const actions = accountChangeActions(change, target);
		if (!actions.length) return { user: row, changed: [], endedSessions: 0, endedTokens: 0 };
		const patch: Partial<UserRow> = {};
		if (change.active !== undefined) patch.deactivatedAt = change.active ? null : Date.now();
		if (change.role !== undefined) patch.isAdmin = change.role === 'admin';
		const [user] = await t.update(users).set(patch).where(eq(users.id, targetId)).returning();
		let endedSessions = 0;
		let endedTokens = 0;
		if (actions.includes('user.deactivate')) {
			endedSessions = (await deleteOtherSessions(t, targetId, null)).length;
			endedTokens = (await t.delete(apiTokens).where(eq(apiTokens.userId, targetId)).returning({ id: apiTokens.id }))
				.length;
		}
		for (const action of actions) {
			await audit(t, {
				actorId,
				projectId: null,
				action,
				entityType: 'user',
				entityId: targetId,
				data:
					action === 'user.role_change'
						? { email: row.email, isAdmin: patch.isAdmin }
						: action === 'user.deactivate'
							? { email: row.email, endedSessions, endedTokens }
							: { email: row.email }
			});
		}
		return { user, changed: actions, endedSessions, endedTokens };
	});
}
