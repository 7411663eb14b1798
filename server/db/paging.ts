// Keyset paging for every list that grows with the data (the contract is in src/lib/shared/paging.ts).
//
// A list declares its order as a Keyset: sort keys (an SQL expression, a direction, a type and how to read the
// key from a returned row), the last one unique (the row's id), so the order is total. A page is then
//   WHERE <filters> AND (rows after the cursor's key values, in that order) ORDER BY <keys> LIMIT limit + 1
// and the extra row only tells whether there is a next page. Rows after the cursor are a row-value comparison
// (k1, k2) > (a, b) when every key runs one way: both SQLite and PostgreSQL seek it in an index on the keys (the
// expanded form below makes SQLite read and sort every later row). Keys in mixed directions fall back to the
// lexicographic (k1 > a) OR (k1 = a AND k2 < b) OR …. Text keys are compared bytewise on both (SQLite's default
// collation; `collate "C"` on PostgreSQL), so the order and the comparison agree. Keys are never NULL, so ORDER BY
// names no NULLS placement (one would keep SQLite from reading the index in order). No OFFSET: a page costs the
// same at the start and at the end of the list, and rows inserted meanwhile never shift a row into a second page.
//
// The cursor is base64url of a JSON array: the keyset's name, then the last row's key values. It is checked with
// zod on the way in; a malformed one, or one that another list or sort gave out, is a validation error (400).
import { and, eq, gt, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import { dialectOf, type Db } from './client';
import { Validation } from '../domain/errors';
import type { PageRequest } from '#shared/paging';

type KeyValue = number | string;

export interface SortKey<R> {
	/** What the rows are ordered by: a column or an expression that is never NULL (coalesce it otherwise). */
	expr: SQLWrapper;
	dir: 'asc' | 'desc';
	type: 'number' | 'text';
	/** The key's value in a row the query returned. */
	of: (row: R) => KeyValue;
}

export interface Keyset<R> {
	/** Names the list and its sort; a cursor is only accepted by the keyset that made it. */
	name: string;
	/** The order; the last key must be unique (the row's id). */
	keys: SortKey<R>[];
}

export interface KeysetPage<R> {
	/** Rows after the cursor (undefined on the first page): AND it into the query's WHERE. */
	after: SQL | undefined;
	/** The ORDER BY terms. */
	orderBy: SQL[];
	/** The LIMIT: one more than the page, to tell whether a next page exists. */
	limit: number;
	/** The page's rows (the extra one dropped) and the cursor of the next page (null on the last). */
	finish<T extends R>(rows: T[]): { rows: T[]; nextCursor: string | null };
}

const badCursor = () =>
	Validation('The cursor is not valid here', [
		{ path: 'cursor', message: 'is malformed, or was given out by another list or sort' }
	]);

/** What a cursor records of a keyset: its name and the types of its keys (also for lists ordered in memory). */
export type CursorShape<R> = Pick<Keyset<R>, 'name'> & { keys: Pick<SortKey<R>, 'type' | 'of'>[] };

/** The key values a cursor of the keyset carries; a validation error for any other string. */
export function decode<R>(keyset: CursorShape<R>, cursor: string): KeyValue[] {
	const schema = z.tuple([
		z.literal(keyset.name),
		...keyset.keys.map((k) => (k.type === 'number' ? z.number().finite() : z.string().max(256)))
	] as unknown as [z.ZodLiteral<string>, ...z.ZodType<KeyValue>[]]);
	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
	} catch {
		throw badCursor();
	}
	const checked = schema.safeParse(parsed);
	if (!checked.success) throw badCursor();
	return checked.data.slice(1);
}

/** The cursor of the page after `row`. */
export function encode<R>(keyset: CursorShape<R>, row: R): string {
	return Buffer.from(JSON.stringify([keyset.name, ...keyset.keys.map((k) => k.of(row))]), 'utf8').toString('base64url');
}

/** Plans one page of a list ordered by `keyset`; throws a validation error for a cursor that is not the keyset's. */
export function keysetPage<R>(db: Db, keyset: Keyset<R>, page: PageRequest): KeysetPage<R> {
	const bytewise = dialectOf(db) === 'postgres';
	const exprs = keyset.keys.map((k) => (k.type === 'text' && bytewise ? sql`${k.expr} collate "C"` : sql`${k.expr}`));
	const orderBy = keyset.keys.map((k, i) => (k.dir === 'asc' ? sql`${exprs[i]} asc` : sql`${exprs[i]} desc`));
	let after: SQL | undefined;
	if (page.cursor !== undefined) {
		const values = decode(keyset, page.cursor);
		const dir = keyset.keys[0].dir;
		if (keyset.keys.every((k) => k.dir === dir)) {
			const row = (parts: SQL[]) => sql`(${sql.join(parts, sql`, `)})`;
			after = sql`${row(exprs)} ${sql.raw(dir === 'asc' ? '>' : '<')} ${row(values.map((v) => sql`${v}`))}`;
		} else {
			after = or(
				...keyset.keys.map((k, i) =>
					and(...exprs.slice(0, i).map((e, j) => eq(e, values[j])), (k.dir === 'asc' ? gt : lt)(exprs[i], values[i]))
				)
			);
		}
	}
	return {
		after,
		orderBy,
		limit: page.limit + 1,
		finish(rows) {
			if (rows.length <= page.limit) return { rows, nextCursor: null };
			const kept = rows.slice(0, page.limit);
			return { rows: kept, nextCursor: encode(keyset, kept[kept.length - 1]) };
		}
	};
}

/** A keyset whose keys all run in one direction (the common case); the last key must be unique. */
export function ordered<R>(name: string, dir: SortKey<R>['dir'], ...keys: Omit<SortKey<R>, 'dir'>[]): Keyset<R> {
	return { name, keys: keys.map((k) => ({ ...k, dir })) };
}

/** A keyset for rows ordered in memory (a ranking computed in JavaScript): the keys without their SQL. */
export type MemoryKeyset<R> = Pick<Keyset<R>, 'name'> & { keys: Omit<SortKey<R>, 'expr'>[] };

function compareKeys<R>(keyset: MemoryKeyset<R>, a: readonly KeyValue[], b: readonly KeyValue[]): number {
	for (const [i, k] of keyset.keys.entries()) {
		const order = a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
		if (order) return k.dir === 'asc' ? order : -order;
	}
	return 0;
}

/** A copy of `rows` in the keyset's order (text by code unit: bytewise for ids, as in SQL). */
export function sortInMemory<R>(keyset: MemoryKeyset<R>, rows: readonly R[]): R[] {
	const keyed = rows.map((row) => ({ row, key: keyset.keys.map((k) => k.of(row)) }));
	keyed.sort((a, b) => compareKeys(keyset, a.key, b.key));
	return keyed.map((r) => r.row);
}

/**
 * One page of rows already in the keyset's order (sortInMemory): the rows after the cursor's key values, found by
 * binary search. For lists whose order is computed in JavaScript; prefer keysetPage.
 */
export function pageInMemory<R>(
	keyset: MemoryKeyset<R>,
	sorted: readonly R[],
	page: PageRequest
): { rows: R[]; nextCursor: string | null } {
	let start = 0;
	if (page.cursor !== undefined) {
		const after = decode(keyset, page.cursor);
		let end = sorted.length;
		while (start < end) {
			const mid = (start + end) >> 1;
			const key = keyset.keys.map((k) => k.of(sorted[mid]));
			if (compareKeys(keyset, key, after) > 0) end = mid;
			else start = mid + 1;
		}
	}
	const kept = sorted.slice(start, start + page.limit);
	const more = sorted.length > start + page.limit;
	return { rows: kept, nextCursor: more ? encode(keyset, kept[kept.length - 1]) : null };
}
