// Password reset links: an admin makes a single-use, expiring link for one account and hands it over (copy, or
// mail); whoever holds it sets a new password. The token is stored only as its hash. A newer link replaces the
// account's older unused ones. Using a link marks it used by a conditional update in the same transaction as the
// new password, so of two requests with one link only one succeeds; it also ends every session of the account.
// A deactivated account's links do not work (nor can one be made for it).
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from './client';
import { first, tx } from './client';
import { passwordResets, users } from '../../drizzle/schema';
import { Conflict, NotFound } from '../domain/errors';
import { newId, newSecret, secretHash } from '../domain/ids';
import type { ResetProblem } from '#shared/user-admin';
import { audit } from './audit';
import { deleteOtherSessions, userRowById, type UserRow } from './users';

type ResetRow = typeof passwordResets.$inferSelect;

/** Makes a new link for `userId` (replacing their unused ones); returns the token, shown once. */
export function createPasswordReset(
	db: Db,
	input: { userId: string; createdBy: string; ttlMs: number }
): Promise<{ token: string; expiresAt: number; user: UserRow }> {
	return tx(db, async (t) => {
		const user = await userRowById(t, input.userId);
		if (!user) throw NotFound('No such user');
		if (user.deactivatedAt !== null) throw Conflict('This account is deactivated; reactivate it first');
		const token = newSecret();
		const now = Date.now();
		const expiresAt = now + input.ttlMs;
		const replaced = await t
			.delete(passwordResets)
			.where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)))
			.returning({ id: passwordResets.id });
		const id = newId();
		await t.insert(passwordResets).values({
			id,
			userId: user.id,
			tokenHash: secretHash(token),
			createdBy: input.createdBy,
			createdAt: now,
			expiresAt
		});
		await audit(t, {
			actorId: input.createdBy,
			projectId: null,
			action: 'user.password_reset_link',
			entityType: 'user',
			entityId: user.id,
			data: { email: user.email, expiresAt, replaced: replaced.length }
		});
		return { token, expiresAt, user };
	});
}

/** The link a token names and its account, whatever their state. */
export async function passwordResetByToken(
	db: Db,
	token: string
): Promise<{ reset: ResetRow; user: UserRow } | undefined> {
	return first(
		db
			.select({ reset: passwordResets, user: users })
			.from(passwordResets)
			.innerJoin(users, eq(users.id, passwordResets.userId))
			.where(eq(passwordResets.tokenHash, secretHash(token)))
			.limit(1)
	);
}

/** Why a link does not work (null: it does). */
export function resetProblem(found: { reset: ResetRow; user: UserRow } | undefined, now = Date.now()): ResetProblem {
	if (!found) return 'invalid';
	if (found.user.deactivatedAt !== null) return 'deactivated';
	if (found.reset.usedAt !== null) return 'used';
	if (found.reset.expiresAt <= now) return 'expired';
	return null;
}

export const RESET_PROBLEM_MESSAGES: Record<NonNullable<ResetProblem>, string> = {
	invalid: 'This reset link is not valid; ask an admin for a new one',
	deactivated: 'This account is deactivated; ask an admin of Concord to reactivate it',
	used: 'This reset link has already been used; sign in, or ask an admin for a new one',
	expired: 'This reset link has expired; ask an admin for a new one'
};

/**
 * Uses the link: marks it used (only while unused, unexpired and its account active), sets the password hash and
 * ends every session of the account. Returns the account and the ended sessions (their sockets must be closed).
 */
export function usePasswordReset(
	db: Db,
	token: string,
	passwordHash: string
): Promise<{ user: UserRow; endedSessions: string[] }> {
	return tx(db, async (t) => {
		const now = Date.now();
		const found = await passwordResetByToken(t, token);
		const problem = resetProblem(found, now);
		if (problem || !found) throw Conflict(RESET_PROBLEM_MESSAGES[problem ?? 'invalid']);
		const taken = await t
			.update(passwordResets)
			.set({ usedAt: now })
			.where(
				and(eq(passwordResets.id, found.reset.id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now))
			)
			.returning({ id: passwordResets.id });
		if (taken.length === 0) throw Conflict(RESET_PROBLEM_MESSAGES.used);
		const [user] = await t
			.update(users)
			.set({ passwordHash })
			.where(and(eq(users.id, found.user.id), isNull(users.deactivatedAt)))
			.returning();
		if (!user) throw Conflict(RESET_PROBLEM_MESSAGES.deactivated);
		const ended = await deleteOtherSessions(t, user.id, null);
		await audit(t, {
			actorId: user.id,
			projectId: null,
			action: 'user.password_reset',
			entityType: 'user',
			entityId: user.id,
			data: { endedSessions: ended.length, link: found.reset.id }
		});
		return { user, endedSessions: ended };
	});
}
