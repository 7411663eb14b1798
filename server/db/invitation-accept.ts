// Accepting an invitation with a new account: the account for the invited email and the redemption (membership,
// link marked used, audit rows) in ONE transaction, so a failed redemption leaves no half-made account and two
// people racing with one link get one account between them (the email is unique; the second gets a 409).
import type { Db } from './client';
import { tx } from './client';
import { redeemInvitation } from './invitations';
import { createUser, type UserRow } from './users';
import { Conflict } from '../domain/errors';
import type { Role } from '#shared/roles';

export async function createAccountByInvitation(
	db: Db,
	input: { tokenHash: string; invitationId: string; email: string; name: string; passwordHash: string }
): Promise<{ user: UserRow; projectId: string; role: Role }> {
	return tx(db, async (t) => {
		const user = await createUser(t, input, {
			createdBy: null,
			detail: { via: 'invitation', invitationId: input.invitationId }
		});
		if (!user) throw Conflict(`An account for ${input.email} already exists; sign in with it to accept the invitation`);
		const redeemed = await redeemInvitation(t, input.tokenHash, user);
		return { user, ...redeemed };
	});
}
