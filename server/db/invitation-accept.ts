// Accepting an invitation with a new account: the account for the invited email and the redemption (membership,
// link marked used, audit rows) in ONE transaction, so a failed redemption leaves no half-made account and two
// people racing with one link get one account between them (the email is unique; the second gets a 409).
import type { Db } from './client';
import { tx } from './client';
import { users } from '../../drizzle/schema';
import { audit } from './audit';
import { redeemInvitation } from './invitations';
import type { UserRow } from './users';
import { Conflict } from '../domain/errors';
import { newId } from '../domain/ids';
import type { Role } from '#shared/roles';

export async function createAccountByInvitation(
	db: Db,
	input: { tokenHash: string; invitationId: string; email: string; name: string; passwordHash: string }
): Promise<{ user: UserRow; projectId: string; role: Role }> {
	const user: UserRow = {
		id: newId(),
		email: input.email.toLowerCase(),
		name: input.name,
		passwordHash: input.passwordHash,
		isAdmin: false,
		locale: null,
		createdAt: Date.now(),
		deactivatedAt: null,
		lastSignInAt: null
	};
	return tx(db, async (t) => {
		const inserted = await t
			.insert(users)
			.values(user)
			.onConflictDoNothing({ target: users.email })
			.returning({ id: users.id });
		if (inserted.length === 0) {
			throw Conflict(`An account for ${user.email} already exists; sign in with it to accept the invitation`);
		}
		await audit(t, {
			actorId: user.id,
			projectId: null,
			action: 'user.create',
			entityType: 'user',
			entityId: user.id,
			data: { email: user.email, via: 'invitation', invitationId: input.invitationId }
		});
		const redeemed = await redeemInvitation(t, input.tokenHash, user);
		return { user, ...redeemed };
	});
}
