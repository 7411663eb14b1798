// The rules for changing a user account's standing (PATCH /api/admin/users/:id): deactivating or reactivating it,
// granting or removing the global admin role. Pure: db/user-admin.ts looks up the facts inside the change's
// transaction (serialised, so two admins demoting each other at once cannot both succeed) and asks here.
//   - an admin can neither deactivate their own account nor remove their own admin role (another admin can);
//   - Concord always keeps one active admin: the last one can be neither deactivated nor demoted.
import { Conflict } from './errors';

export interface AccountChange {
	active?: boolean;
	role?: 'admin' | 'user';
}

export interface AccountFacts {
	actorId: string;
	target: { id: string; isAdmin: boolean; active: boolean };
	/** Active admins other than the target. */
	otherActiveAdmins: number;
}

/** Throws a 409 naming the reason when the change is not allowed. */
export function assertAccountChangeAllowed(change: AccountChange, facts: AccountFacts): void {
	const { target } = facts;
	const self = facts.actorId === target.id;
	const deactivates = change.active === false && target.active;
	const demotes = change.role === 'user' && target.isAdmin;
	if (self && deactivates) throw Conflict('You cannot deactivate your own account; another admin can');
	if (self && demotes) throw Conflict('You cannot remove your own admin role; another admin can');
	// The target stays an active admin unless this change ends either.
	const remainsActiveAdmin = target.isAdmin && target.active && !deactivates && !demotes;
	if (target.isAdmin && target.active && !remainsActiveAdmin && facts.otherActiveAdmins === 0) {
		throw Conflict('This is the last active admin of Concord; make someone else admin first');
	}
}

/** The audit actions a change records, one per thing it really changes (none when it changes nothing). */
export function accountChangeActions(
	change: AccountChange,
	target: { isAdmin: boolean; active: boolean }
): ('user.deactivate' | 'user.reactivate' | 'user.role_change')[] {
	const actions: ('user.deactivate' | 'user.reactivate' | 'user.role_change')[] = [];
	if (change.active === false && target.active) actions.push('user.deactivate');
	if (change.active === true && !target.active) actions.push('user.reactivate');
	if (change.role !== undefined && (change.role === 'admin') !== target.isAdmin) actions.push('user.role_change');
	return actions;
}
