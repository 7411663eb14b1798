// PostgreSQL plans the queue's progress count from its estimate of a project's touched items that still want
// evaluations. Taking `wanted` and `touched` for independent, it expected thousands where a nearly finished project
// has a handful, and hashed every evaluation and assignment of the caller to count them (990 ms at 100,000 items
// instead of 70). The statistics of migration 0008 over the columns together make the estimate right.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, rows, type OpenedDb } from '../../server/db/client';
import { openTestDatabase } from '../fixtures/postgres';

let database: OpenedDb;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
	({ database, close } = await openTestDatabase());
});
afterAll(() => close?.());

/** PostgreSQL's estimate of the rows a count's scan reads. */
async function estimate(query: string): Promise<number> {
	const [plan] = await rows<{ 'QUERY PLAN': { Plan: { Plans?: { 'Plan Rows': number }[] } }[] }>(
		database.db,
		sql.raw(`explain (format json) ${query}`)
	);
	return plan['QUERY PLAN'][0].Plan.Plans![0]['Plan Rows'];
}

describe('PostgreSQL’s estimates for the queue', () => {
	it('counts a nearly finished project’s touched items that still want evaluations as the few they are', async () => {
		// Like the scale project: nine in ten items full (touched, wanted no more), one in ten untouched, and 3 in
		// between; a second project just begun (all untouched) keeps the columns from telling the projects apart.
		await exec(
			database.db,
			sql`insert into projects (id, name, settings, created_at) values ('big', 'Big', '{}', 0), ('new', 'New', '{}', 0)`
		);
		await exec(
			database.db,
			sql`insert into items (id, project_id, modality, payload, metadata, wanted, touched, created_at)
				select 'i' || n, 'big', 'text', '{}', '{}', n % 10 = 0 or n <= 3, n % 10 <> 0, n
				from generate_series(1, 20000) n
				union all
				select 'n' || n, 'new', 'text', '{}', '{}', true, false, n from generate_series(1, 5000) n`
		);
		await exec(database.db, sql`analyze items`);
		const actual = await rows<{ n: number }>(
			database.db,
			sql`select count(*)::int as n from items where project_id = 'big' and wanted and touched`
		);
		expect(actual[0].n).toBe(3);
		const expected = await estimate(
			`select count(*) from items i where i.project_id = 'big' and i.wanted = true and i.touched = true`
		);
		// Independent columns would give 20,000 × 0.27 × 0.72, about 4,000.
		expect(expected).toBeLessThan(100);
	});
});
