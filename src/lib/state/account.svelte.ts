// The signed-in user's own account: their API tokens (list, create, revoke), their password, and their other
// sessions. ApiTokens holds the list (paged, newest first) and reloads it after every change, so the table always shows
// what the server has; the secret of a new token is returned once and never stored here.
import { api } from './api';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';
import type { ApiToken } from '$lib/shared/account';

export interface NewToken {
	name: string;
	/** Omitted: the token never expires. */
	expiresInDays?: number;
}

export class ApiTokens {
	readonly list = new PagedList(
		(cursor, signal) => api.get<{ tokens: ApiToken[] } & Paged>('/api/tokens', { cursor }, signal),
		(page) => page.tokens
	);

	/** Creates a token and returns its secret (shown to the user once). */
	async create(input: NewToken): Promise<string> {
		const { token } = await api.post<{ token: string; id: string }>('/api/tokens', input);
		await this.list.reload();
		return token;
	}

	async revoke(id: string): Promise<void> {
		await api.delete(`/api/tokens/${id}`);
		await this.list.reload();
	}
}

/** Changes the password; resolves to the number of other sessions that were signed out. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<number> {
	const res = await api.post<{ endedSessions: number }>('/api/me/password', { currentPassword, newPassword });
	return res.endedSessions;
}

/** Signs out every other session of this user; resolves to how many ended. */
export async function revokeOtherSessions(): Promise<number> {
	const res = await api.post<{ endedSessions: number }>('/api/me/sessions/revoke-others');
	return res.endedSessions;
}
