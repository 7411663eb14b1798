// How one can sign in on this server (GET /api/auth/methods): the password form, single sign-on, or both. Create
// it while the sign-in page initialises (it owns a Query).
import { api } from './api';
import { Query } from './query.svelte';

export interface SignInMethods {
	password: boolean;
	/** The provider's name for the button and where a sign-in starts; null when single sign-on is not set up. */
	oidc: { name: string; start: string } | null;
}

export class SignInOptions {
	readonly methods = new Query<SignInMethods>((signal) =>
		api.get<SignInMethods>('/api/auth/methods', undefined, signal)
	);

	/** Until the answer is in (or when it failed) the form shows: the server still decides when it is submitted. */
	get password(): boolean {
		return this.methods.data?.password ?? true;
	}

	get oidc(): SignInMethods['oidc'] {
		return this.methods.data?.oidc ?? null;
	}

	/** Whether the server offers no way to sign in at all (password off and no provider). */
	get none(): boolean {
		return this.methods.data !== null && !this.methods.data.password && !this.methods.data.oidc;
	}

	/** Where the single sign-on button goes: the start route, returning to `returnTo` (a path of this app). */
	startHref(returnTo: string): string {
		return this.oidc ? `${this.oidc.start}?returnTo=${encodeURIComponent(returnTo)}` : '';
	}
}
