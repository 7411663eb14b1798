// The Hono environment shared by every route: dependencies and the signed-in user.
import type { AppDeps } from '../deps';
import type { Credential } from '../domain/ports';
import type { User } from '#shared/roles';

export interface AppEnv {
	Variables: {
		deps: AppDeps;
		user: User | null;
		/** How the caller authenticated: a cookie session needs the Origin check on writes; a token does not. */
		authVia: 'cookie' | 'token' | null;
		/** The credential the caller used: the session id (cookie) or the token id (Bearer); null when anonymous. */
		credential: Credential | null;
	};
}
