// Opens the record, SQLite (the embedded default) or PostgreSQL (DATABASE_URL), runs the drizzle migrations of
// its dialect, and hands out one asynchronous drizzle database that every query of Concord goes through.
//
// One code path for both dialects: queries are written once with drizzle's query builder against the tables of
// drizzle/schema.ts and awaited (a builder is a promise on both drivers). drizzle/pg-schema.ts declares the same
// tables in PostgreSQL types for drizzle-kit; tests/unit/schema-parity.test.ts holds the two together. Values keep
// one representation on both: times are integer milliseconds, JSON is text, binary is a blob/bytea.
// Raw SQL goes through `rows`, `row` and `exec` below, never a driver's own method.
//
// SQLite runs behind drizzle's asynchronous proxy driver on one better-sqlite3 connection. Its transactions are
// real (BEGIN IMMEDIATE … COMMIT) and isolated: while one is open, a statement from outside it waits until it ends
// (the transaction is recognised through AsyncLocalStorage), so the awaits inside a transaction never let
// another request's statements into it.
import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableColumns, is, sql, type SQL, type Table } from 'drizzle-orm';
import { drizzle as drizzleSqliteSync } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzleProxy, type SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from '../../drizzle/schema';

/** The database every query uses (typed with the SQLite tables; on PostgreSQL the same builders run there). */
export type Db = SqliteRemoteDatabase<typeof schema>;
export type Dialect = 'sqlite' | 'postgres';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');
const MIGRATIONS = { sqlite: join(root, 'migrations'), postgres: join(root, 'pg-migrations') };

export interface OpenedDb {
	db: Db;
	dialect: Dialect;
	/** The SQLite connection (room-log group commit and export snapshots use it); null on PostgreSQL. */
	sqlite: Database.Database | null;
	/** The PostgreSQL pool; null on SQLite. */
	pool: pg.Pool | null;
	/** Runs a synchronous SQLite batch when no transaction holds the connection (SQLite only). */
	exclusive<T>(fn: () => T): Promise<T>;
	/**
	 * Runs `fn` while holding a cluster-wide lock named `name` (a PostgreSQL session advisory lock): nodes that
	 * start together seed or sweep one after the other. On SQLite there is one node; fn just runs.
	 */
	withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
	/** True once close() has begun: background work (webhook deliveries) stops touching the record. */
	readonly closed: boolean;
	close(): Promise<void>;
}

export interface DbConfig {
	dataDir: string;
	/** postgres://… to keep the record in PostgreSQL; unset for SQLite under dataDir. */
	databaseUrl?: string | null;
}

export function openDb(config: DbConfig): Promise<OpenedDb> {
	return config.databaseUrl ? openPostgres(config.databaseUrl) : Promise.resolve(openSqlite(config.dataDir));
}

// ---------------------------------------------------------------------------------------------------- SQLite

/** Who holds the SQLite connection: an open transaction, recognised by its AsyncLocalStorage token. */
class ConnectionLock {
	readonly context = new AsyncLocalStorage<symbol>();
	#holder: symbol | null = null;
	#waiters: (() => void)[] = [];

	/** Whether the caller is inside the transaction that holds the connection. */
	get inside(): boolean {
		return this.#holder !== null && this.context.getStore() === this.#holder;
	}

	/** Whether a transaction other than the caller's own holds the connection (then `free` must be awaited). */
	get taken(): boolean {
		return this.#holder !== null && this.context.getStore() !== this.#holder;
	}

	/** Waits until no transaction other than the caller's own holds the connection. */
	async free(): Promise<void> {
		while (this.#holder !== null && this.context.getStore() !== this.#holder)
			await new Promise<void>((r) => this.#waiters.push(r));
	}

	async acquire(): Promise<symbol> {
		await this.free();
		while (this.#holder !== null) await new Promise<void>((r) => this.#waiters.push(r));
		this.#holder = Symbol('transaction');
		return this.#holder;
	}

	release(): void {
		this.#holder = null;
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const wake of waiters) wake();
	}
}

/** Set while `rows`/`row` run raw SQL on SQLite: the proxy answers with objects instead of value arrays. */
const objectRows = new AsyncLocalStorage<true>();

/** What tx() and prepared() need of a SQLite database: its lock, its connection and the statements that open and
 * end a transaction. */
interface SqliteTransactions {
	lock: ConnectionLock;
	connection: Database.Database;
	begin: Database.Statement;
	commit: Database.Statement;
	rollback: Database.Statement;
}
const sqliteTransactions = new WeakMap<object, SqliteTransactions>();

function openSqlite(dataDir: string): OpenedDb {
	mkdirSync(dataDir, { recursive: true });
	const sqlite = new Database(join(dataDir, 'concord.db'));
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	migrateSqlite(drizzleSqliteSync(sqlite), { migrationsFolder: MIGRATIONS.sqlite });
	// The query planner needs statistics to pick the right index once a project holds 100,000 items: gathered at
	// open when there are none (sampled, a fraction of a second at that size), then refreshed by SQLite's own
	// `optimize` when tables have grown, at open and every hour.
	sqlite.pragma('analysis_limit = 1000');
	const analyzed = sqlite.prepare("select 1 from sqlite_master where name = 'sqlite_stat1'").get();
	sqlite.exec(analyzed ? 'PRAGMA optimize=0x10002' : 'ANALYZE');

	const lock = new ConnectionLock();
	// Between transactions, never inside one: `free` waits for the connection, the pragma runs synchronously.
	const optimize = setInterval(() => {
		void lock.free().then(() => sqlite.open && sqlite.exec('PRAGMA optimize'));
	}, 3600_000);
	optimize.unref();
	const statements = new Map<string, Database.Statement>();
	const prepare = (text: string) => {
		let stmt = statements.get(text);
		if (!stmt) {
			stmt = sqlite.prepare(text);
			if (statements.size >= 500) statements.delete(statements.keys().next().value as string);
			statements.set(text, stmt);
		}
		return stmt;
	};
	const run = (text: string, params: unknown[], method: 'run' | 'all' | 'values' | 'get'): { rows: unknown[] } => {
		const stmt = prepare(text);
		if (method === 'run' || !stmt.reader) {
			stmt.run(...params);
			return { rows: [] };
		}
		const raw = !objectRows.getStore();
		stmt.raw(raw);
		// drizzle's proxy takes one row for 'get' in the rows field
		return { rows: (method === 'get' ? stmt.get(...params) : stmt.all(...params)) as unknown[] };
	};
	const db = drizzleProxy(
		async (text, params, method) => {
			if (lock.taken) await lock.free();
			return run(text, params, method);
		},
		{ schema }
	);
	sqliteTransactions.set(db, {
		lock,
		connection: sqlite,
		begin: sqlite.prepare('BEGIN IMMEDIATE'),
		commit: sqlite.prepare('COMMIT'),
		rollback: sqlite.prepare('ROLLBACK')
	});
	let closed = false;
	return {
		db,
		dialect: 'sqlite',
		sqlite,
		pool: null,
		exclusive: async <T>(fn: () => T): Promise<T> => {
			if (lock.taken) await lock.free();
			return fn();
		},
		withLock: (_name, fn) => fn(),
		get closed() {
			return closed;
		},
		close: async () => {
			closed = true;
			clearInterval(optimize);
			await lock.free();
			sqlite.close();
		}
	};
}

/**
 * A private read-only connection to the SQLite record, holding one read transaction from its first read on: long
 * reads (an export, the agreement figures) see one state of the record while writers go on (WAL), and never hold
 * the connection that requests write through. The caller closes it.
 */
export function openSqliteReader(main: Database.Database): Database.Database {
	const conn = new Database(main.name, { readonly: true, fileMustExist: true });
	try {
		conn.pragma('busy_timeout = 5000');
		conn.exec('BEGIN');
		conn.exec('SELECT count(*) FROM sqlite_master'); // the first read fixes the snapshot
		return conn;
	} catch (err) {
		conn.close();
		throw err;
	}
}

// ------------------------------------------------------------------------------------------------ PostgreSQL

// Integers and numerics as numbers (times are milliseconds, counts are small). Set on the pg module itself: drizzle's
// node-postgres session passes its own parsers with every query and falls back to these.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

/** Distinct query texts that get a prepared statement; any further text runs unprepared, as every text used to. */
const PREPARED_TEXTS = 2000;
const statementNames = new Map<string, string>();

/**
 * A connection that prepares every parameterised query once, by its text: PostgreSQL then parses it once per
 * connection and, after a few runs, keeps one plan for it. Planning Concord's queries cost more than running them
 * (the evaluator queue's own-items query: 0.3–0.8 ms to plan, 0.05–0.1 ms to run at 100,000 items), and drizzle
 * sends every query unnamed, so each was planned on every request. A query with values is always one statement,
 * so it can be prepared; queries without values (BEGIN, COMMIT, migrations of several statements) run as before.
 * A name stands for one text in every connection of this process (node-postgres refuses one name for two texts).
 */
class PreparingClient extends pg.Client {
	/** `query(config, values?, callback?)`, as drizzle and the pool call it (values inside `config` or beside it). */
	override query(config: unknown, ...rest: unknown[]) {
		if (config && typeof config === 'object' && !('name' in config && config.name)) {
			const { text, values = rest[0] } = config as { text?: unknown; values?: unknown };
			if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
				let name = statementNames.get(text);
				if (!name && statementNames.size < PREPARED_TEXTS)
					statementNames.set(text, (name = `concord_${statementNames.size}`));
				if (name) config = { ...config, name };
			}
		}
		// @ts-expect-error -- forwarded as given
		return super.query(config, ...rest);
	}
}

async function openPostgres(url: string): Promise<OpenedDb> {
	const pool = new pg.Pool({ connectionString: url, max: 10, Client: PreparingClient });
	pool.on('error', () => {}); // an idle client's connection dropped; the pool replaces it on the next query
	const withLock = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
		const holder = await pool.connect();
		try {
			await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`concord:${name}`]);
			try {
				return await fn();
			} finally {
				await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [`concord:${name}`]);
			}
		} finally {
			holder.release();
		}
	};
	// Nodes starting together migrate one after the other; the later ones find nothing left to apply.
	await withLock('migrations', () => migratePg(drizzlePg(pool), { migrationsFolder: MIGRATIONS.postgres }));
	const db = drizzlePg(pool, { schema }) as unknown as Db;
	let closed = false;
	return {
		db,
		dialect: 'postgres',
		sqlite: null,
		pool,
		exclusive: () => Promise.reject(new Error('exclusive() is SQLite only')),
		withLock,
		get closed() {
			return closed;
		},
		close: () => {
			closed = true;
			return pool.end();
		}
	};
}

// ------------------------------------------------------------------------------------------ Dialect-neutral

export function dialectOf(db: Db): Dialect {
	return is(db, PgDatabase) ? 'postgres' : 'sqlite';
}

/** Open PostgreSQL transactions, so a transaction begun inside one joins it instead of taking a second connection. */
// Work scheduled inside a transaction (a timer, a promise settled later) keeps this context after the transaction
// ended: `open` tells a later tx() not to join it.
const pgTransaction = new AsyncLocalStorage<{ t: Db; open: boolean; root: Db; after: AfterCommit[] }>();

/** Work that must not be seen before the data it announces can be read (e.g. telling a browser to fetch it). */
type AfterCommit = (root: Db) => void;
/** Work waiting for each open SQLite transaction (by the lock's token) to commit. */
const sqliteAfterCommit = new Map<symbol, AfterCommit[]>();

/**
 * Runs `fn` once the transaction the caller is in has committed, with the root database (never if it rolls back);
 * outside a transaction, at once. `fn` must not throw.
 */
export function afterCommit(db: Db, fn: AfterCommit): void {
	if (dialectOf(db) === 'postgres') {
		const current = pgTransaction.getStore();
		if (current?.open) current.after.push(fn);
		else fn(db);
		return;
	}
	const token = sqliteTransactions.get(db)?.lock.context.getStore();
	const waiting = token && sqliteTransactions.get(db)!.lock.inside ? sqliteAfterCommit.get(token) : undefined;
	if (waiting) waiting.push(fn);
	else fn(db);
}

/**
 * Runs `fn` in one transaction: on SQLite an immediate one that holds the connection (writers serialise), on
 * PostgreSQL a read-committed one on its own connection (so a conditional UPDATE … WHERE state = … is the
 * arbiter between nodes). Inside `fn`, use `t` for every query. A transaction begun inside another joins it.
 */
export async function tx<T>(db: Db, fn: (t: Db) => Promise<T>): Promise<T> {
	if (dialectOf(db) === 'postgres') {
		const outer = pgTransaction.getStore();
		if (outer?.open) return fn(outer.t);
		const after: AfterCommit[] = [];
		const result = await (db as unknown as PgDatabase<PgQueryResultHKT>).transaction(async (t) => {
			const current = { t: t as unknown as Db, open: true, root: db, after };
			try {
				return await pgTransaction.run(current, () => fn(current.t));
			} finally {
				current.open = false;
			}
		});
		for (const run of after) run(db);
		return result;
	}
	const sqlite = sqliteTransactions.get(db);
	if (!sqlite) throw new Error('tx() needs the database from openDb');
	const { lock } = sqlite;
	if (lock.inside) return fn(db);
	const token = await lock.acquire();
	try {
		// The transaction's queries go through the same handle; the lock's context lets them in and keeps every
		// other query waiting. BEGIN and COMMIT run on the connection directly (drizzle's transaction object
		// added a third of a draft save's database time).
		const after: AfterCommit[] = [];
		sqliteAfterCommit.set(token, after);
		return await lock.context.run(token, async () => {
			sqlite.begin.run();
			try {
				const result = await fn(db);
				sqlite.commit.run();
				sqliteAfterCommit.delete(token);
				for (const run of after) run(db);
				return result;
			} catch (err) {
				if (sqlite.connection.inTransaction) sqlite.rollback.run(); // some failures end it themselves
				throw err;
			}
		});
	} finally {
		sqliteAfterCommit.delete(token);
		lock.release();
	}
}

/**
 * A query built once per database handle and run many times with new values (drizzle's `prepare()`; values by
 * `sql.placeholder`): for the hot paths (a draft save, the queue, a session lookup), where building a drizzle
 * query costs more than running it. On SQLite one handle serves the connection and every transaction on it (a
 * transaction uses the database's own handle, told apart by context). On PostgreSQL the pool is one handle and
 * each transaction another (its own connection), so a query is built once for the pool and once per transaction
 * that runs it (a transaction that saves 600 evaluations builds each of its queries once, not 600 times).
 */
export function prepared<P extends Record<string, unknown>, R>(
	build: (db: Db) => { execute(values: P): Promise<R> }
): (db: Db, values: P) => Promise<R> {
	const built = new WeakMap<Db, { execute(values: P): Promise<R> }>();
	return (db, values) => {
		let query = built.get(db);
		if (!query) built.set(db, (query = build(db)));
		return query.execute(values);
	};
}

/** The first row a query returns, or undefined. */
export async function first<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
	return (await query)[0];
}

/** Raw SQL that returns rows, as objects keyed by column name. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
	if (dialectOf(db) === 'postgres')
		return ((await (db as unknown as PgDatabase<PgQueryResultHKT>).execute(query)) as { rows: T[] }).rows;
	// A drizzle query runs when awaited, so the await must happen inside the context.
	return objectRows.run(true, async () => await db.all<T>(query));
}

/**
 * A table's row out of raw SQL that selected its columns under their own names (`i.*`): each value decoded by its
 * column (JSON text, booleans), as the query builder decodes it.
 */
export function decodeRow<T extends Table>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
	const row: Record<string, unknown> = {};
	for (const [key, column] of Object.entries(getTableColumns(table))) {
		const value = raw[column.name];
		row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
	}
	return row;
}

/** Raw SQL that returns at most one row of interest. */
export async function row<T>(db: Db, query: SQL): Promise<T | undefined> {
	return (await rows<T>(db, query))[0];
}

/** Raw SQL run for its effect. */
export async function exec(db: Db, query: SQL): Promise<void> {
	if (dialectOf(db) === 'postgres') await (db as unknown as PgDatabase<PgQueryResultHKT>).execute(query);
	else await db.run(query);
}

/**
 * Inside a transaction: waits until no other transaction holds `key`, and holds it until this one ends. For
 * read-then-write rules that no single conditional UPDATE expresses (the queue's overlap count). On SQLite the
 * immediate transaction already excludes every other writer; on PostgreSQL it is a transaction advisory lock.
 */
export async function serialize(t: Db, key: string): Promise<void> {
	if (dialectOf(t) === 'postgres') await exec(t, sql`SELECT pg_advisory_xact_lock(hashtext(${'concord:' + key}))`);
}
