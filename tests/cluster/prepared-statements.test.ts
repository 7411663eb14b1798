// PostgreSQL parses and plans a query each time it arrives unnamed, and planning Concord's queries costs more than
// running them. Concord's connections prepare each parameterised query once, by its text (server/db/client.ts), so
// a connection plans a request's queries once; every run still answers with its own values.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, rows, tx, type OpenedDb } from '../../server/db/client';
import { openTestDatabase } from '../fixtures/postgres';

let database: OpenedDb;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
	({ database, close } = await openTestDatabase());
});
afterAll(() => close?.());

describe('queries on PostgreSQL', () => {
	it('are prepared once per connection by their text, and each run answers with its own values', async () => {
		// One transaction is one connection: what it prepared is listed in its own pg_prepared_statements.
		const { answers, prepared } = await tx(database.db, async (t) => {
			const answers: string[] = [];
			for (const value of ['first', 'second', 'third'])
				answers.push((await rows<{ v: string }>(t, sql`select ${value}::text as v`))[0].v);
			const prepared = await rows<{ statement: string }>(
				t,
				sql`select statement from pg_prepared_statements where name like 'concord\_%'`
			);
			return { answers, prepared: prepared.map((p) => p.statement) };
		});
		expect(answers).toEqual(['first', 'second', 'third']);
		expect(prepared.filter((s) => s === 'select $1::text as v')).toHaveLength(1);
	});

	it('leave a text without values as it is: several statements in one still run', async () => {
		await expect(
			exec(database.db, sql.raw('create temporary table scratch (n int); drop table scratch'))
		).resolves.toBeUndefined();
	});
});
