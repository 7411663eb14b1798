// The account guards (server/domain/user-lifecycle.ts) as a table: an admin can neither deactivate nor demote
// themselves, and the last active admin can be neither deactivated nor demoted by anyone; everything else goes.
// (tests/http/user-lifecycle.test.ts checks the same over the real server, including two admins at once.)
import { describe, expect, it } from 'vitest';
import {
	accountChangeActions,
	assertAccountChangeAllowed,
	type AccountChange
} from '../../server/domain/user-lifecycle';

const admin = { id: 'b', isAdmin: true, active: true };
const user = { id: 'b', isAdmin: false, active: true };
const check =
	(change: AccountChange, target = admin, otherActiveAdmins = 1, actorId = 'a') =>
	() =>
		assertAccountChangeAllowed(change, { actorId, target, otherActiveAdmins });

describe('account guards', () => {
	it('refuses an admin deactivating or demoting themselves, even with other admins', () => {
		expect(check({ active: false }, admin, 3, 'b')).toThrow(/your own account/);
		expect(check({ role: 'user' }, admin, 3, 'b')).toThrow(/your own admin role/);
	});

	it('keeps the last active admin: neither deactivated nor demoted', () => {
		expect(check({ active: false }, admin, 0)).toThrow(/last active admin/);
		expect(check({ role: 'user' }, admin, 0)).toThrow(/last active admin/);
		expect(check({ active: false }, admin, 1)).not.toThrow();
		expect(check({ role: 'user' }, admin, 1)).not.toThrow();
	});

	it('lets anything else through: other users, reactivation, granting admin, changes that change nothing', () => {
		expect(check({ active: false }, user, 0)).not.toThrow();
		expect(check({ role: 'admin' }, user, 0)).not.toThrow();
		expect(check({ active: true }, { ...admin, active: false }, 0)).not.toThrow();
		expect(check({ active: true, role: 'admin' }, admin, 0, 'b')).not.toThrow();
	});

	it('records one audit action per real change', () => {
		expect(accountChangeActions({ active: false, role: 'admin' }, user)).toEqual([
			'user.deactivate',
			'user.role_change'
		]);
		expect(accountChangeActions({ active: true }, { isAdmin: false, active: false })).toEqual(['user.reactivate']);
		expect(accountChangeActions({ active: true, role: 'user' }, user)).toEqual([]);
	});
});
