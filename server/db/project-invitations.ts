// A project's invitations as its leads manage them: issue one (replacing a pending one to the same address, so a
// "resend" never leaves two live links), withdraw one, and list them by state a page at a time. Redeeming a link is
// invitations.ts's one rule. Every change writes its audit row in the same transaction.
import { and, eq } from 'drizzle-orm';
import type { Db } from './client';
import { first, tx } from './client';
import { invitations, memberships, users } from '../../drizzle/schema';
import { audit } from './audit';
import { keysetPage, ordered } from './paging';
import { Conflict, NotFound } from '../domain/errors';
import { newId, newSecret, secretHash } from '../domain/ids';
import { assertInvitationRaisesRole, invitationState } from '../domain/invitation';
import type { Role } from '#shared/roles';
import type { InvitationState, InvitationView } from '#shared/invitations';
import type { PageRequest } from '#shared/paging';
import { invitationsIn, type InvitationRow } from './invitations';

function toView(row: InvitationRow, inviterName: string | null, now = Date.now()): InvitationView {
	return {
		id: row.id,
		email: row.email,
		role: row.role,
		state: invitationState(row, now),
		createdAt: row.createdAt,
		expiresAt: row.expiresAt,
		acceptedAt: row.acceptedAt,
		revokedAt: row.revokedAt,
		invitedBy: row.invitedBy && inviterName !== null ? { id: row.invitedBy, name: inviterName } : null
	};
}

type ListRow = { invitation: InvitationRow; inviterName: string | null };
const newestFirst = ordered<ListRow>(
	'invitations',
	'desc',
	{ expr: invitations.createdAt, type: 'number', of: (r) => r.invitation.createdAt },
	{ expr: invitations.id, type: 'text', of: (r) => r.invitation.id }
);

/** One page of a project's invitations in `state`, newest first. */
export async function listInvitations(
	db: Db,
	projectId: string,
	state: InvitationState | 'all',
	page: PageRequest
): Promise<{ invitations: InvitationView[]; nextCursor: string | null }> {
	const now = Date.now();
	const keyset = keysetPage(db, newestFirst, page);
	const found = await db
		.select({ invitation: invitations, inviterName: users.name })
		.from(invitations)
		.leftJoin(users, eq(users.id, invitations.invitedBy))
		.where(and(eq(invitations.projectId, projectId), invitationsIn(state, now), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	return { invitations: rows.map((r) => toView(r.invitation, r.inviterName, now)), nextCursor };
}

/**
 * Issues an invitation to `email` as `role`, valid for `ttlMs`; returns it with the link's token (never stored).
 * Refuses (409) when that person is already a member with that role or a higher one. A pending invitation to the
 * same address in the project is revoked in the same transaction: the newest link is the only one that works.
 */
export async function createInvitation(
	db: Db,
	input: { projectId: string; email: string; role: Role; ttlMs: number },
	actor: { id: string; name: string }
): Promise<{ invitation: InvitationView; token: string }> {
	const token = newSecret();
	const now = Date.now();
	const row: InvitationRow = {
		id: newId(),
		projectId: input.projectId,
		email: input.email.toLowerCase(),
		role: input.role,
		tokenHash: secretHash(token),
		invitedBy: actor.id,
		createdAt: now,
		expiresAt: now + input.ttlMs,
		acceptedAt: null,
		acceptedBy: null,
		revokedAt: null
	};
	await tx(db, async (t) => {
		const member = await first(
			t
				.select({ role: memberships.role })
				.from(memberships)
				.innerJoin(users, eq(users.id, memberships.userId))
				.where(and(eq(memberships.projectId, row.projectId), eq(users.email, row.email)))
				.limit(1)
		);
		assertInvitationRaisesRole(row.email, member?.role ?? null, row.role);
		const replaced = await t
			.update(invitations)
			.set({ revokedAt: now })
			.where(
				and(eq(invitations.projectId, row.projectId), eq(invitations.email, row.email), invitationsIn('pending', now))
			)
			.returning({ id: invitations.id });
		for (const old of replaced) {
			await audit(t, {
				actorId: actor.id,
				projectId: row.projectId,
				action: 'invitation.revoke',
				entityType: 'invitation',
				entityId: old.id,
				data: { email: row.email, reason: 'replaced', by: row.id }
			});
		}
		await t.insert(invitations).values(row);
		await audit(t, {
			actorId: actor.id,
			projectId: row.projectId,
			action: 'invitation.create',
			entityType: 'invitation',
			entityId: row.id,
			data: { email: row.email, role: row.role, expiresAt: row.expiresAt }
		});
	});
	return { invitation: toView(row, actor.name, now), token };
}

/** The invitation with this id, whatever its state (for the route to check the caller's project role). */
export function invitationById(db: Db, id: string): Promise<InvitationRow | undefined> {
	return first(db.select().from(invitations).where(eq(invitations.id, id)).limit(1));
}

/** Withdraws a pending invitation; 409 naming its state when it is not pending (also when it just stopped being). */
export async function revokeInvitation(db: Db, id: string, actorId: string): Promise<void> {
	await tx(db, async (t) => {
		const now = Date.now();
		const row = await invitationById(t, id);
		if (!row) throw NotFound('No such invitation');
		const withdrawn = await t
			.update(invitations)
			.set({ revokedAt: now })
			.where(and(eq(invitations.id, id), invitationsIn('pending', now)))
			.returning({ id: invitations.id });
		if (withdrawn.length === 0) {
			throw Conflict(`This invitation is ${invitationState(row, now)}; only a pending invitation can be revoked`);
		}
		await audit(t, {
			actorId,
			projectId: row.projectId,
			action: 'invitation.revoke',
			entityType: 'invitation',
			entityId: id,
			data: { email: row.email, reason: 'revoked' }
		});
	});
}
