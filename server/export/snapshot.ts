// A consistent read snapshot for one export, on a connection of its own: the whole download sees one state of the
// record while writers go on, and its long-running reads never hold the connection(s) requests write through.
// - SQLite: a private read-only connection holding one read transaction (WAL lets writers go on meanwhile); a
//   streamed query is a statement iterator, one row at a time.
// - PostgreSQL: one client of the pool holding a REPEATABLE READ, READ ONLY transaction; a streamed query is a
//   cursor read PAGE rows at a time, so memory stays bounded whatever the export's size.
// Queries are drizzle `sql` templates (standard SQL), rendered for the snapshot's dialect. `close` ends the
// transaction and gives the connection back; it runs once, later calls do nothing.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { PgDialect } from 'drizzle-orm/pg-core';
import { openSqliteReader, type Dialect, type OpenedDb } from '../db/client';

/** Rows fetched per round trip from a PostgreSQL cursor. */
const PAGE = 1000;

export interface Snapshot {
	readonly dialect: Dialect;
	/** The rows of a query as they are read; leaving the loop early closes the statement or cursor. */
	stream<T>(query: SQL): AsyncGenerator<T>;
	/** Every row of a (small) query. */
	rows<T>(query: SQL): Promise<T[]>;
	close(): Promise<void>;
}

export function openSnapshot(database: OpenedDb): Promise<Snapshot> {
	if (database.pool) return openPostgresSnapshot(database.pool);
	if (database.sqlite) return Promise.resolve(openSqliteSnapshot(database.sqlite));
	throw new Error('openSnapshot needs an opened SQLite or PostgreSQL database');
}

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

function openSqliteSnapshot(main: Database.Database): Snapshot {
	const conn = openSqliteReader(main);
	// Per-item lookups run the same text once per item: prepare it once. (A streamed statement is prepared each
	// time: one statement cannot iterate twice at once.)
	const lookups = new Map<string, Database.Statement>();
	return {
		dialect: 'sqlite',
		// eslint-disable-next-line @typescript-eslint/require-await -- better-sqlite3 reads synchronously; the interface is asynchronous for PostgreSQL
		async *stream<T>(query: SQL) {
			const { sql: text, params } = sqliteDialect.sqlToQuery(query);
			yield* conn.prepare(text).iterate(...params) as IterableIterator<T>;
		},
		rows: <T>(query: SQL) => {
			const { sql: text, params } = sqliteDialect.sqlToQuery(query);
			let stmt = lookups.get(text);
			if (!stmt) lookups.set(text, (stmt = conn.prepare(text)));
			return Promise.resolve(stmt.all(...params) as T[]);
		},
		close: () => {
			if (conn.open) conn.close();
			return Promise.resolve();
		}
	};
}

/**
 * Exports reading at once from one pool: each holds a connection for its whole download (as long as the client
 * takes to read it), so a cap keeps the pool's other connections for requests; further exports wait their turn.
 */
const SNAPSHOTS_PER_POOL = 3;

class Turns {
	#free: number;
	#waiting: (() => void)[] = [];
	constructor(count: number) {
		this.#free = count;
	}
	async take(): Promise<void> {
		if (this.#free > 0) this.#free--;
		else await new Promise<void>((r) => this.#waiting.push(r));
	}
	give(): void {
		const next = this.#waiting.shift();
		if (next) next();
		else this.#free++;
	}
}

const turns = new WeakMap<pg.Pool, Turns>();

async function openPostgresSnapshot(pool: pg.Pool): Promise<Snapshot> {
	let poolTurns = turns.get(pool);
	if (!poolTurns) turns.set(pool, (poolTurns = new Turns(SNAPSHOTS_PER_POOL)));
	await poolTurns.take();
	let client: pg.PoolClient;
	try {
		client = await pool.connect();
	} catch (err) {
		poolTurns.give();
		throw err;
	}
	const release = (err?: Error) => {
		client.release(err);
		poolTurns.give();
	};
	// Set when a statement fails: the transaction is aborted, only the rollback of close() may follow.
	let aborted = false;
	const query = async (config: pg.QueryConfig) => {
		try {
			return await client.query(config);
		} catch (err) {
			aborted = true;
			throw err;
		}
	};
	try {
		await query({ text: 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY' });
		// The first query fixes the snapshot for the rest of the transaction.
		await query({ text: 'SELECT 1' });
	} catch (err) {
		release(err as Error);
		throw err;
	}
	let cursors = 0;
	let closed = false;
	return {
		dialect: 'postgres',
		async *stream<T>(sqlQuery: SQL) {
			const { sql: text, params } = pgDialect.sqlToQuery(sqlQuery);
			const cursor = `export_rows_${++cursors}`;
			await query({ text: `DECLARE ${cursor} NO SCROLL CURSOR FOR ${text}`, values: params });
			try {
				for (;;) {
					const page = await query({ text: `FETCH ${PAGE} FROM ${cursor}` });
					for (const row of page.rows) yield row as T;
					if (page.rows.length < PAGE) return;
				}
			} finally {
				if (!aborted && !closed) await query({ text: `CLOSE ${cursor}` });
			}
		},
		// Per-item lookups run the same text once per item: a named (server-side prepared) statement each. The
		// name is derived from the text, as the statement outlives this export on the pooled connection.
		rows: async <T>(sqlQuery: SQL) => {
			const { sql: text, params } = pgDialect.sqlToQuery(sqlQuery);
			const name = `export_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
			return (await query({ name, text, values: params })).rows as T[];
		},
		close: async () => {
			if (closed) return;
			closed = true;
			try {
				// Read only: nothing to commit; a rollback also ends a transaction a failed statement aborted.
				await client.query('ROLLBACK');
			} catch (err) {
				release(err as Error); // the connection is broken: the pool drops it
				throw err;
			}
			release();
		}
	};
}
