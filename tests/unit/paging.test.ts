// The keyset paging helper (server/db/paging.ts) without a server: text keys are compared and ordered bytewise on
// PostgreSQL (collate "C": the test clusters run with --no-locale, where any collation would pass, so the SQL is
// checked here), cursors only fit the keyset that made them, and pages ordered in memory cover every row once.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzleSqlite } from 'drizzle-orm/sqlite-proxy';
import { and, eq } from 'drizzle-orm';
import { escalations } from '../../drizzle/schema';
import { keysetPage, ordered, pageInMemory, sortInMemory, type MemoryKeyset } from '../../server/db/paging';
import type { Db } from '../../server/db/client';
import { AppError } from '../../server/domain/errors';

type Row = { id: string; at: number };
const keyset = ordered<Row>(
	'test',
	'asc',
	{ expr: escalations.createdAt, type: 'number', of: (r) => r.at },
	{ expr: escalations.id, type: 'text', of: (r) => r.id }
);
const pgDb = drizzlePg(new pg.Pool()) as unknown as Db;
const sqliteDb = drizzleSqlite(() => Promise.resolve({ rows: [] })) as unknown as Db;
const cursorAfter = (row: Row) => keysetPage(sqliteDb, keyset, { limit: 1 }).finish([row, row]).nextCursor!;

function sqlOf(db: Db, cursor?: string): string {
	const page = keysetPage(db, keyset, { cursor, limit: 10 });
	return db
		.select()
		.from(escalations)
		.where(and(eq(escalations.projectId, 'p'), page.after))
		.orderBy(...page.orderBy)
		.limit(page.limit)
		.toSQL().sql;
}

describe('keysetPage', () => {
	it('orders and compares text keys with collate "C" on PostgreSQL, and not on SQLite', () => {
		const text = sqlOf(pgDb, cursorAfter({ id: 'b', at: 5 }));
		expect(text.match(/"id" collate "C"/g)?.length).toBe(2); // the comparison after the cursor, ORDER BY
		expect(text).toMatch(/"id" collate "C" asc/);
		// One row-value comparison, which both databases seek in an index on the keys.
		expect(text).toMatch(/\("escalations"\."created_at", "escalations"\."id" collate "C"\) > \(\$\d+, \$\d+\)/);
		expect(sqlOf(sqliteDb, cursorAfter({ id: 'b', at: 5 }))).not.toContain('collate');
	});

	it('asks for one row more than the page, and gives a cursor only when that row came', () => {
		const page = keysetPage(sqliteDb, keyset, { limit: 2 });
		expect(page.limit).toBe(3);
		const rows = [
			{ id: 'a', at: 1 },
			{ id: 'b', at: 1 },
			{ id: 'c', at: 2 }
		];
		expect(page.finish(rows.slice(0, 2)).nextCursor).toBeNull();
		expect(page.finish(rows).rows).toEqual(rows.slice(0, 2));
		expect(page.finish(rows).nextCursor).toEqual(expect.any(String));
	});

	it('refuses a garbage cursor and one another keyset made, as a validation error', () => {
		const other = ordered<Row>('other', 'asc', { expr: escalations.id, type: 'text', of: (r) => r.id });
		const foreign = keysetPage(sqliteDb, other, { limit: 1 }).finish([
			{ id: 'a', at: 1 },
			{ id: 'b', at: 1 }
		]).nextCursor!;
		for (const cursor of ['garbage', foreign, Buffer.from('["test","x","y"]').toString('base64url')]) {
			let caught: unknown;
			try {
				keysetPage(sqliteDb, keyset, { cursor, limit: 5 });
			} catch (err) {
				caught = err;
			}
			expect(caught).toBeInstanceOf(AppError);
			expect((caught as AppError).code).toBe('validation_failed');
		}
	});
});

describe('pageInMemory', () => {
	const ranked: MemoryKeyset<Row> = {
		name: 'ranked',
		keys: [
			{ type: 'number', dir: 'desc', of: (r) => r.at },
			{ type: 'text', dir: 'asc', of: (r) => r.id }
		]
	};

	it('walks every row once in the keyset order, ties by id bytewise', () => {
		const rows = sortInMemory(
			ranked,
			Array.from({ length: 23 }, (_, i) => ({ id: `${i % 2 ? 'a' : 'B'}${i}`, at: i % 4 }))
		);
		const seen: Row[] = [];
		let cursor: string | undefined;
		do {
			const page = pageInMemory(ranked, rows, { cursor, limit: 5 });
			seen.push(...page.rows);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		const expected = [...rows].sort((x, y) => y.at - x.at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
		expect(seen).toEqual(expected);
	});
});
