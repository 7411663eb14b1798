// The admin's user directory: every account, a page at a time, filtered by a search text and a status (changing
// either starts again from the first page), and what an admin does to an account: deactivate or reactivate it,
// grant or remove the admin role, make a password reset link. Each change reloads the list so the table shows what
// the server has.
import { api } from './api';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';
import type { DirectoryUser, UserStatus } from '$lib/shared/user-admin';

interface AccountChanged {
	endedSessions: number;
}

export class UserDirectory {
	q = $state('');
	status = $state<UserStatus>('all');
	readonly users = new PagedList(
		(cursor, signal) =>
			api.get<{ users: DirectoryUser[] } & Paged>(
				'/api/admin/users',
				{ cursor, q: this.q.trim(), status: this.status },
				signal
			),
		(page) => page.users
	);

	async setActive(user: DirectoryUser, active: boolean): Promise<AccountChanged> {
		const changed = await api.patch<AccountChanged>(`/api/admin/users/${user.id}`, { active });
		await this.users.reload();
		return changed;
	}

	async setAdmin(user: DirectoryUser, admin: boolean): Promise<void> {
		await api.patch(`/api/admin/users/${user.id}`, { role: admin ? 'admin' : 'user' });
		await this.users.reload();
	}

	/** A new single-use reset link for the account (replaces its unused ones). */
	/** A new reset link; `mailed` when it also went to the account's address (SMTP_URL set). */
	resetLink(user: DirectoryUser): Promise<{ url: string; expiresAt: number; mailed: boolean }> {
		return api.post(`/api/admin/users/${user.id}/password-reset`);
	}
}
