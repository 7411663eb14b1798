// The services one Concord process is built from, created once in main.ts (or a test) and handed to the HTTP app,
// the collaboration server, imports, webhooks and the demo seed. Types only: nothing here runs.
import type { Config } from './config';
import type { Db, OpenedDb } from './db/client';
import type { DomainEvents } from './domain/events';
import type { RoomWriter } from './domain/ports';
import type { Logger } from './logger';

export interface AppDeps {
	db: Db;
	/** The opened record: its dialect, the SQLite connection or the PostgreSQL pool. */
	database: OpenedDb;
	config: Config;
	logger: Logger;
	rooms: RoomWriter;
	events: DomainEvents;
}
