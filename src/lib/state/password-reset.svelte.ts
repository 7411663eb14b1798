// A password reset link as its holder sees it: whom it is for and why it no longer works (loaded from the token),
// and setting the new password with it, which signs the holder in (the session is loaded again).
import { api } from './api';
import { Query } from './query.svelte';
import { session } from './session.svelte';
import type { ResetLinkView } from '$lib/shared/user-admin';

export class PasswordResetLink {
	readonly #token: () => string;
	readonly link: Query<ResetLinkView>;

	constructor(token: () => string) {
		this.#token = token;
		this.link = new Query((signal) =>
			api.get<ResetLinkView>(`/api/password-resets/${encodeURIComponent(token())}`, {}, signal)
		);
	}

	/** Sets the password and signs in; rejects with an ApiError (policy, link used or expired meanwhile). */
	async accept(password: string): Promise<void> {
		await api.post('/api/password-resets/accept', { token: this.#token(), password });
		await session.load();
	}
}
