// The requests an evaluator sends all day (her queue, an item, her draft saved again and again) read every table through
// an index: SQLite's plan for each statement they run never scans a table, so their cost does not grow with the rows
// of other projects (issue 19). The statements are the ones the server really runs, captured from SQLite while the
// requests are answered; the plans are SQLite's own (EXPLAIN QUERY PLAN).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';

let server: TestServer;
/** Each statement run while the requests were answered, with the values of its first run. */
const seen = new Map<string, unknown[]>();
const statement = Object.getPrototypeOf(new Database(':memory:').prepare('select 1')) as Record<
	'get' | 'all' | 'run' | 'iterate',
	(...args: unknown[]) => unknown
> & { source?: string };
const originals = { get: statement.get, all: statement.all, run: statement.run, iterate: statement.iterate };

beforeAll(async () => {
	server = await startTestServer({ databaseUrl: null });
	for (const method of Object.keys(originals) as (keyof typeof originals)[])
		statement[method] = function (this: { source: string }, ...args: unknown[]) {
			if (!seen.has(this.source)) seen.set(this.source, args);
			return originals[method].apply(this, args);
		};
});
afterAll(async () => {
	Object.assign(statement, originals);
	await server?.close();
});

describe('an evaluator’s requests', () => {
	it('read every table through an index', async () => {
		const ana = await server.login('ana@demo.test');
		const { body } = await server.api('/api/projects', { headers: ana });
		const pid = (body as { projects: { id: string }[] }).projects[0].id;
		seen.clear();

		const queue = await server.api(`/api/projects/${pid}/queue`, { headers: ana });
		expect(queue.status).toBe(200);
		const item = queue.body.items[0].id as string;
		expect((await server.api(`/api/items/${item}`, { headers: ana })).status).toBe(200);
		const rubrics = await server.api(`/api/projects/${pid}/rubrics`, { headers: ana });
		const rubricId = rubrics.body.rubrics[0].id as string;
		const draft = { rubricId, rationale: 'first thoughts', timeSpentMs: 1000, state: 'draft' };
		expect((await server.api(`/api/items/${item}/evaluations`, { body: draft, headers: ana })).status).toBe(201);
		expect((await server.api(`/api/items/${item}/evaluations`, { body: draft, headers: ana })).status).toBe(201);

		// SQLite's own catalogue and plans, read on its connection (nothing of Concord's data layer is under test here).
		const sqlite = server.deps.database.sqlite!;
		const catalogue = sqlite.prepare("select name from sqlite_master where type = 'table'");
		// eslint-disable-next-line no-restricted-syntax
		const tables = new Set((catalogue.all() as { name: string }[]).map((t) => t.name));
		const scans: string[] = [];
		const statements = [...seen].filter(([s]) => /^\s*(select|update|delete|insert|with)\b/i.test(s));
		expect(statements.length).toBeGreaterThan(5);
		for (const [source, values] of statements) {
			const explain = sqlite.prepare(`explain query plan ${source}`);
			const plan = explain.all(...values) as { detail: string }[];
			for (const { detail } of plan) {
				const scanned = /^SCAN (\w+)/.exec(detail)?.[1];
				if (scanned && tables.has(scanned)) scans.push(`${detail}\n  in: ${source.slice(0, 160)}`);
			}
		}
		expect(scans).toEqual([]);
	});
});
