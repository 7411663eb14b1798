// The Hono environment shared by every route: dependencies and the signed-in user.
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { DomainEvents } from '../domain/events';
import type { Credential, RoomWriter } from '../domain/ports';
import type { Logger } from '../logger';
import type { User } from '#shared/roles';
import type Database from 'better-sqlite3';

export interface AppDeps {
	db: Db;
	sqlite: Database.Database;
	config: Config;
	logger: Logger;
	rooms: RoomWriter;
	events: DomainEvents;
}

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
