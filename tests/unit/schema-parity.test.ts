// The two declarations of the record, drizzle/schema.ts (SQLite) and drizzle/pg-schema.ts (PostgreSQL), describe the
// same tables: queries are written against the SQLite tables and run unchanged on PostgreSQL, so a table, column,
// key or index present in one and not the other is a bug on one dialect. Each table of each file is reduced to a
// plain shape (SQL names, nullability, keys, defaults, foreign keys, uniques, indexes) and the shapes must be equal;
// each PostgreSQL column type must also hold the values its SQLite column maps to and from. And each migrations
// folder must be up to date with its schema file (`npm run db:generate` was run after the last change).
import { readFileSync } from 'node:fs';
import { getTableName, is, SQL } from 'drizzle-orm';
import {
	generateDrizzleJson,
	generateMigration,
	generateSQLiteDrizzleJson,
	generateSQLiteMigration
} from 'drizzle-kit/api';
import { getTableConfig as pgTableConfig, PgDialect, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import {
	getTableConfig as sqliteTableConfig,
	SQLiteSyncDialect,
	SQLiteTable,
	type SQLiteColumn
} from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '../../drizzle/schema';
import * as pgSchema from '../../drizzle/pg-schema';

interface ColumnShape {
	notNull: boolean;
	primary: boolean;
	/** The default's value, or its SQL text; null when the column has none. */
	default: string | number | boolean | null;
	/** Autoincrement (SQLite) or identity/serial (PostgreSQL): the database assigns it. */
	generated: boolean;
	/** Name of the single-column unique constraint, null when none. */
	unique: string | null;
}

interface TableShape {
	columns: Record<string, ColumnShape>;
	primaryKey: string[];
	foreignKeys: string[];
	uniqueConstraints: string[];
	indexes: string[];
}

type Config = ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>;
type Column = SQLiteColumn | PgColumn;

/** PostgreSQL types that keep the values each SQLite column type writes and reads. */
const PG_TYPES: Record<string, string[]> = {
	SQLiteText: ['text'],
	SQLiteTextJson: ['text'],
	SQLiteInteger: ['bigint', 'integer'],
	SQLiteBoolean: ['boolean'],
	SQLiteBlobBuffer: ['bytea']
};

function tables<T>(module: Record<string, unknown>, kind: new (...args: never[]) => T): Map<string, T> {
	return new Map(
		Object.entries(module)
			.filter(([, value]) => is(value, kind as never))
			.map(([key, value]) => [key, value as T])
	);
}

function shape(config: Config, renderSql: (s: SQL) => string): TableShape {
	const columns: Record<string, ColumnShape> = {};
	for (const column of config.columns as Column[]) {
		const value: unknown = column.default;
		columns[column.name] = {
			notNull: column.notNull,
			primary: column.primary,
			default: column.hasDefault && value !== undefined ? (is(value, SQL) ? renderSql(value) : (value as never)) : null,
			generated:
				('autoIncrement' in column && column.autoIncrement === true) ||
				column.generatedIdentity !== undefined ||
				/serial/.test(column.getSQLType()),
			unique: column.isUnique ? (column.uniqueName ?? '') : null
		};
	}
	const names = (cols: { name: string }[]) => cols.map((c) => c.name).join(',');
	const single = (config.columns as Column[]).filter((c) => c.primary).map((c) => c.name);
	return {
		columns,
		primaryKey: [...single, ...config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name))],
		foreignKeys: config.foreignKeys
			.map((fk) => {
				const ref = fk.reference();
				return `${fk.getName()}: (${names(ref.columns)}) -> ${getTableName(ref.foreignTable)}(${names(ref.foreignColumns)}) on delete ${fk.onDelete ?? 'no action'} on update ${fk.onUpdate ?? 'no action'}`;
			})
			.sort(),
		uniqueConstraints: config.uniqueConstraints.map((u) => `${u.getName()} (${names(u.columns)})`).sort(),
		indexes: config.indexes
			.map((index) => {
				const c = index.config;
				const cols = c.columns.map((col) => (col && 'name' in col ? col.name : 'expression')).join(',');
				return `${c.name}${c.unique ? ' unique' : ''} (${cols})${c.where ? ' partial' : ''}`;
			})
			.sort()
	};
}

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();
const sqliteTables = tables(sqliteSchema, SQLiteTable);
const pgTables = tables(pgSchema, PgTable);
const sqliteShapes = new Map(
	[...sqliteTables.values()].map((t) => {
		const config = sqliteTableConfig(t);
		return [config.name, shape(config, (s) => sqliteDialect.sqlToQuery(s).sql)];
	})
);
const pgShapes = new Map(
	[...pgTables.values()].map((t) => {
		const config = pgTableConfig(t);
		return [config.name, shape(config, (s) => pgDialect.sqlToQuery(s).sql)];
	})
);

describe('SQLite and PostgreSQL schemas', () => {
	it('declare the same tables under the same export names', () => {
		expect(sqliteTables.size).toBeGreaterThan(20);
		expect([...pgShapes.keys()].sort()).toEqual([...sqliteShapes.keys()].sort());
		expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
	});

	it.each([...sqliteShapes.keys()].sort())('%s: same columns, keys, foreign keys, uniques and indexes', (name) => {
		expect(pgShapes.get(name)).toEqual(sqliteShapes.get(name));
	});

	it('give every column a PostgreSQL type that keeps its SQLite values', () => {
		const mismatches: string[] = [];
		for (const [key, table] of sqliteTables) {
			const pgColumns = new Map(pgTableConfig(pgTables.get(key)!).columns.map((c) => [c.name, c]));
			for (const column of sqliteTableConfig(table).columns) {
				const allowed = PG_TYPES[column.columnType];
				const pgType = pgColumns.get(column.name)?.getSQLType();
				if (!allowed || !pgType || !allowed.includes(pgType))
					mismatches.push(`${key}.${column.name}: ${column.columnType} as ${pgType ?? 'missing'}`);
			}
		}
		expect(mismatches).toEqual([]);
	});
});

/** The snapshot drizzle-kit wrote with the newest migration of a folder. */
function latestSnapshot<T>(folder: string): T {
	const meta = new URL(`../../drizzle/${folder}/meta/`, import.meta.url);
	const journal = JSON.parse(readFileSync(new URL('_journal.json', meta), 'utf8')) as { entries: { idx: number }[] };
	const newest = String(journal.entries.at(-1)!.idx).padStart(4, '0');
	return JSON.parse(readFileSync(new URL(`${newest}_snapshot.json`, meta), 'utf8')) as T;
}

describe('generated migrations', () => {
	it('drizzle/migrations has every change of drizzle/schema.ts', async () => {
		const current = await generateSQLiteDrizzleJson(sqliteSchema);
		expect(await generateSQLiteMigration(latestSnapshot('migrations'), current)).toEqual([]);
	});

	it('drizzle/pg-migrations has every change of drizzle/pg-schema.ts', async () => {
		const current = generateDrizzleJson(pgSchema);
		expect(await generateMigration(latestSnapshot('pg-migrations'), current)).toEqual([]);
	});
});
