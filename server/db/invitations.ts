// Invitations: a single-use, expiring link that makes its holder a member of a project with a role. The link's
// token is shown (or mailed) once and stored only as its hash. Redeeming is one rule for every way of accepting
// (a new password account, an existing account signed in, single sign-on): the invitation must be pending (not
// accepted, revoked or expired), single sign-on must prove the invited email, and the membership it grants never
// lowers a role the person already has in the project. Redeeming marks it accepted in the same transaction as
// the membership, so two redemptions of one link cannot both succeed.
import { and, eq, gt, isNotNull, isNull, lte, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { invitations, memberships } from '../../drizzle/schema';
import { AppError, Conflict, Forbidden } from '../domain/errors';
import { secretHash } from '../domain/ids';
import { audit } from './audit';
import { setMembership } from './projects';
import type { Role } from '#shared/roles';
import { invitationState, roleAfterInvitation } from '../domain/invitation';
import type { InvitationState } from '#shared/invitations';

export type InvitationRow = typeof invitations.$inferSelect;

const PROBLEMS: Record<InvitationState, string | null> = {
	pending: null,
	revoked: 'This invitation was withdrawn; ask the person who invited you for a new one',
	accepted: 'This invitation has already been used; sign in instead',
	expired: 'This invitation has expired; ask the person who invited you for a new one'
};

/** Why a link no longer works, in words for the person holding it. */
export function invitationProblem(row: InvitationRow | undefined, now = Date.now()): string | null {
	return row ? PROBLEMS[invitationState(row, now)] : 'This invitation link is not valid';
}

/** The rows in one state as of `now`: the SQL twin of domain/invitation.ts invitationState. */
export function invitationsIn(state: InvitationState | 'all', now: number): SQL | undefined {
	const open = and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));
	switch (state) {
		case 'pending':
			return and(open, gt(invitations.expiresAt, now));
		case 'expired':
			return and(open, lte(invitations.expiresAt, now));
		case 'accepted':
			return isNotNull(invitations.acceptedAt);
		case 'revoked':
			return and(isNull(invitations.acceptedAt), isNotNull(invitations.revokedAt));
		case 'all':
			return undefined;
	}
}

/** The invitation a link's token names, whatever its state. */
export function invitationByToken(db: Db, token: string): Promise<InvitationRow | undefined> {
	return invitationByHash(db, secretHash(token));
}

export function invitationByHash(db: Db, tokenHash: string): Promise<InvitationRow | undefined> {
	return first(db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).limit(1));
}

/**
 * Redeems the invitation whose token hash is given for `user`, inside the caller's transaction `t`. `user.email`
 * is the email the person has proven (single sign-on's verified email, or the account the invitation created);
 * it must be the invited one. Throws a conflict (409) naming the problem when the link is not pending.
 */
export async function redeemInvitation(
	t: Db,
	tokenHash: string,
	user: { id: string; email: string }
): Promise<{ projectId: string; role: Role }> {
	const now = Date.now();
	const row = await invitationByHash(t, tokenHash);
	const problem = invitationProblem(row, now);
	if (problem || !row) throw Conflict(problem ?? 'This invitation link is not valid');
	if (row.email.toLowerCase() !== user.email.toLowerCase()) {
		throw Forbidden(`This invitation is for ${row.email}; sign in with that address to accept it`);
	}
	// Only a still-pending row is marked: of two redemptions at once, the second finds it taken.
	const taken = await t
		.update(invitations)
		.set({ acceptedAt: now, acceptedBy: user.id })
		.where(and(eq(invitations.id, row.id), invitationsIn('pending', now)))
		.returning({ id: invitations.id });
	if (taken.length === 0) throw new AppError('conflict', 'This invitation has already been used; sign in instead');
	const current = await first(
		t
			.select({ role: memberships.role })
			.from(memberships)
			.where(and(eq(memberships.projectId, row.projectId), eq(memberships.userId, user.id)))
			.limit(1)
	);
	const role = roleAfterInvitation(current?.role ?? null, row.role);
	if (role !== current?.role) await setMembership(t, row.projectId, user.id, role, row.invitedBy);
	await audit(t, {
		actorId: user.id,
		projectId: row.projectId,
		action: 'invitation.accept',
		entityType: 'invitation',
		entityId: row.id,
		data: { email: row.email, role }
	});
	return { projectId: row.projectId, role };
}
