// Opens the SQLite database (WAL, foreign keys, busy timeout) and runs drizzle migrations at start.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from '../../drizzle/schema';

export type Db = BetterSQLite3Database<typeof schema>;

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle/migrations');

export interface OpenedDb {
	db: Db;
	sqlite: Database.Database;
	close: () => void;
}

export function openDb(dataDir: string): OpenedDb {
	mkdirSync(dataDir, { recursive: true });
	const sqlite = new Database(join(dataDir, 'concord.db'));
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const db = drizzle(sqlite, { schema });
	migrate(db, { migrationsFolder });
	return { db, sqlite, close: () => sqlite.close() };
}

/** Runs `fn` in one synchronous SQLite transaction (better-sqlite3 transactions serialise writers). */
export function tx<T>(db: Db, fn: (t: Db) => T): T {
	return db.transaction((t) => fn(t as unknown as Db), { behavior: 'immediate' });
}
