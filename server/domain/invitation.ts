// Invitation rules that need no database: where an invitation stands, how project roles rank, and whether
// inviting someone who is already a member would give them anything. Pure; server/db applies them.
import type { Role } from '#shared/roles';
import type { InvitationState } from '#shared/invitations';
import { Conflict } from './errors';

/** Project roles from least to most: an invitation only ever raises a member's role, never lowers it. */
const ROLE_RANK: Record<Role, number> = { evaluator: 0, manager: 1, lead: 2 };

/** The role a member ends up with when an invitation for `invited` is redeemed. */
export function roleAfterInvitation(current: Role | null, invited: Role): Role {
	return current !== null && ROLE_RANK[current] >= ROLE_RANK[invited] ? current : invited;
}

export interface InvitationDates {
	expiresAt: number;
	acceptedAt: number | null;
	revokedAt: number | null;
}

/** Accepted and revoked are final; a pending invitation past its expiry is expired. */
export function invitationState(row: InvitationDates, now = Date.now()): InvitationState {
	if (row.acceptedAt !== null) return 'accepted';
	if (row.revokedAt !== null) return 'revoked';
	return row.expiresAt <= now ? 'expired' : 'pending';
}

/** Inviting a member with their role or a higher one changes nothing: refuse it in words (409). */
export function assertInvitationRaisesRole(email: string, current: Role | null, invited: Role): void {
	if (current !== null && roleAfterInvitation(current, invited) === current) {
		throw Conflict(
			current === invited
				? `${email} is already a member of this project as ${current}`
				: `${email} is already a member of this project as ${current}, which includes what ${invited} may do`
		);
	}
}
