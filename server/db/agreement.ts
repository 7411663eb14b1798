// Read queries behind the agreement dashboard: a project's submitted evaluations folded into columns (read as they
// come, in one state of the record), its rubric versions, gold answers, the facts of evaluators and listed items,
// and their escalations. Read-only; no figures are computed here.
import type Database from 'better-sqlite3';
import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { exec, openSqliteReader, row, rows, tx, type Db } from './client';
import { escalations, items, rubrics, users } from '../../drizzle/schema';
import { getProject, getRubrics } from './projects';
import type { Rubric } from '#shared/rubric';
import { ColumnsBuilder, type EvaluationColumns } from '../domain/agreement-columns';
import { isActiveState } from '#shared/escalation';

export interface EvaluatorFacts {
	id: string;
	name: string;
	email: string;
}

/** Rows per fetch from PostgreSQL's cursors: a fetch's rows are folded and dropped before the next is read. */
const FETCH_ROWS = 20_000;

/** Rows folded between two yields to the event loop while a private SQLite connection is read. */
const READ_CHUNK = 5000;

/**
 * The project's submitted evaluations folded into columns: first the facts of the project's items (modality,
 * language) in (created_at, id) order, then the evaluations' needed columns, those without a submission time
 * first in (updated_at, id) order (they count at their last update, as everywhere else), then the others in
 * (submitted_at, id) order (ids compared bytewise on both dialects). Both reads see one state of the record while
 * writers go on, and fold their rows as they come, never holding more than a slice of them:
 * - on SQLite (`sqlite`, the connection): a private read-only connection in one read transaction (WAL), rows as raw
 *   arrays from statement iterators, yielding to the event loop every READ_CHUNK rows;
 * - on PostgreSQL: cursors in one repeatable-read, read-only transaction, `fetchRows` rows per fetch.
 * Each row is one text where it can be (its fields joined by \x1f): the drivers make a row of several columns at a
 * cost of their own. Scores stay JSON text, decoded once per distinct text by the builder.
 */
export async function loadEvaluationColumns(
	db: Db,
	projectId: string,
	rubrics: readonly Rubric[],
	sqlite: Database.Database | null,
	{ fetchRows = FETCH_ROWS }: { fetchRows?: number } = {}
): Promise<EvaluationColumns> {
	return sqlite ? foldFromSqlite(sqlite, projectId, rubrics) : foldFromPostgres(db, projectId, rubrics, fetchRows);
}

/**
 * The scores and the item id in one text (`scores \x1f item_id`: one string per row instead of two; JSON text
 * never holds a raw control character, so the first \x1f is the separator), then the evaluator and rubric version
 * as codes into the lists the query names (or the id itself when not among them).
 */
type EvaluationRow = [
	scoresAndItem: string,
	rater: string | number,
	rubric: string | number,
	timeSpentMs: number,
	at: number
];
/** Ids a CASE maps to codes at most (parameters of one statement). */
const CODED_MAX = 500;

const yieldThread = () => new Promise<void>((resolve) => setImmediate(resolve));

async function eachRow<R>(statement: Database.Statement, params: unknown[], fold: (row: R) => void): Promise<void> {
	let n = 0;
	for (const row of statement.raw(true).iterate(...params) as IterableIterator<R>) {
		fold(row);
		if (++n % READ_CHUNK === 0) await yieldThread();
	}
}

async function foldFromSqlite(
	main: Database.Database,
	projectId: string,
	rubrics: readonly Rubric[]
): Promise<EvaluationColumns> {
	const conn = openSqliteReader(main);
	try {
		const submitted = "from evaluations where project_id = ? and state = 'submitted'";
		const count = conn.prepare(`select count(*) ${submitted}`).pluck().get(projectId) as number;
		const builder = new ColumnsBuilder(rubrics, count);
		// One text per item (id, modality, language joined by \x1f, which none of them holds: generated ids, a
		// modality name, a language tag): better-sqlite3 makes a row of several columns as an array, at a cost of
		// its own (100,000 items: 227 → 178 ms).
		let n = 0;
		for (const line of conn
			.prepare(
				'select id || char(31) || modality || char(31) || language from items where project_id = ? order by created_at, id'
			)
			.pluck()
			.iterate(projectId) as IterableIterator<string>) {
			const [id, modality, language] = fields(line, 3);
			builder.addItem(id, modality, language);
			if (++n % READ_CHUNK === 0) await yieldThread();
		}
		// Evaluators and rubric versions come back as codes into these lists (SQLite maps them: no string per row);
		// an id outside them (not expected) comes back as itself.
		const raterIds = conn.prepare(`select distinct evaluator_id ${submitted}`).pluck().all(projectId) as string[];
		const rubricIds = rubrics.map((r) => r.id);
		const coded = (column: string, ids: string[]) =>
			ids.length && ids.length <= CODED_MAX
				? `case ${column} ${ids.map((_, i) => `when ? then ${i}`).join(' ')} else ${column} end`
				: column;
		const indexOf = (ids: string[], of: (id: string) => number) => {
			const index = new Int32Array(ids.length).fill(-1);
			return (v: string | number) =>
				typeof v === 'string' ? of(v) : index[v] >= 0 ? index[v] : (index[v] = of(ids[v]));
		};
		const raterOf = indexOf(raterIds, (id) => builder.raterOf(id));
		const rubricOf = indexOf(rubricIds, (id) => builder.rubricOf(id));
		// Every evaluation's item was read above, in the same snapshot (the reader's transaction).
		const fold = ([scoresAndItem, rater, rubric, timeSpentMs, at]: EvaluationRow) => {
			const cut = scoresAndItem.indexOf('\x1f');
			const item = builder.itemOf(scoresAndItem.slice(cut + 1));
			builder.addIndexed(item, raterOf(rater), rubricOf(rubric), scoresAndItem.slice(0, cut), timeSpentMs, at);
		};
		const params = [
			...(raterIds.length <= CODED_MAX ? raterIds : []),
			...(rubricIds.length <= CODED_MAX ? rubricIds : []),
			projectId
		];
		const columns = `scores || char(31) || item_id, ${coded('evaluator_id', raterIds)}, ${coded('rubric_id', rubricIds)}, time_spent_ms`;
		await eachRow(
			conn.prepare(`select ${columns}, updated_at ${submitted} and submitted_at is null order by updated_at, id`),
			params,
			fold
		);
		await eachRow(
			conn.prepare(
				`select ${columns}, submitted_at ${submitted} and submitted_at is not null order by submitted_at, id`
			),
			params,
			fold
		);
		return builder.finish();
	} finally {
		conn.close();
	}
}

/** Cuts `line` at its \x1f separators into `n` fields (the last one keeps any separator it holds). */
function fields(line: string, n: number): string[] {
	const out: string[] = [];
	let from = 0;
	for (let k = 1; k < n; k++) {
		const cut = line.indexOf('\x1f', from);
		out.push(line.slice(from, cut));
		from = cut + 1;
	}
	out.push(line.slice(from));
	return out;
}

async function foldFromPostgres(
	db: Db,
	projectId: string,
	rubrics: readonly Rubric[],
	fetchRows: number
): Promise<EvaluationColumns> {
	return tx(db, async (t) => {
		// One state of the record for every read below (a consistent count, items and evaluations), changing nothing.
		await exec(t, sql`set transaction isolation level repeatable read, read only`);
		const submitted = sql`from evaluations where project_id = ${projectId} and state = 'submitted'`;
		const count = await row<{ n: number }>(t, sql`select count(*) as n ${submitted}`);
		const builder = new ColumnsBuilder(rubrics, Number(count?.n ?? 0));
		/**
		 * Each line the cursor over `query` gives (the query selects one text, as "line"), `fetchRows` at a time: the
		 * next fetch is asked for before this one is folded, so PostgreSQL reads while Node folds.
		 */
		const each = async (query: SQL, fold: (line: string) => void) => {
			await exec(t, sql`declare agreement_rows no scroll cursor for ${query}`);
			const fetch = () => rows<{ line: string }>(t, sql.raw(`fetch ${fetchRows} from agreement_rows`));
			for (let next: ReturnType<typeof fetch> | null = fetch(); next;) {
				const found: { line: string }[] = await next;
				next = found.length === fetchRows ? fetch() : null;
				for (const r of found) fold(r.line);
			}
			await exec(t, sql`close agreement_rows`);
		};
		// Ids are generated, a modality is a name, a language a tag, and JSON text escapes control characters: none
		// holds \x1f, except scores, which come last.
		await each(
			sql`select id || chr(31) || modality || chr(31) || language as line from items where project_id = ${projectId}
				order by created_at, id`,
			(line) => {
				const [id, modality, language] = fields(line, 3);
				builder.addItem(id, modality, language);
			}
		);
		// Every evaluation's item was read above, in the same state of the record.
		const fold = (line: string) => {
			const [itemId, rater, rubric, timeSpentMs, at, scores] = fields(line, 6);
			builder.addIndexed(
				builder.itemOf(itemId),
				builder.raterOf(rater),
				builder.rubricOf(rubric),
				scores,
				Number(timeSpentMs),
				Number(at)
			);
		};
		const line = (at: string) =>
			sql.raw(`item_id || chr(31) || evaluator_id || chr(31) || rubric_id || chr(31) || time_spent_ms || chr(31) ||
				${at} || chr(31) || cast(scores as text) as line`);
		await each(sql`select ${line('updated_at')} ${submitted} and submitted_at is null order by updated_at, id`, fold);
		await each(
			sql`select ${line('submitted_at')} ${submitted} and submitted_at is not null order by submitted_at, id`,
			fold
		);
		return builder.finish();
	});
}

/** Every rubric version of the project (the evaluations were made with some of them). */
export async function projectRubricVersions(db: Db, projectId: string): Promise<Rubric[]> {
	const ids = await db.select({ id: rubrics.id }).from(rubrics).where(eq(rubrics.projectId, projectId));
	return getRubrics(
		db,
		ids.map((r) => r.id)
	);
}

/** Gold scores (`items.gold.scores`) of the project's items that have them. */
export async function projectGoldScores(db: Db, projectId: string): Promise<Map<string, Record<string, unknown>>> {
	const rows = await db
		.select({ id: items.id, gold: items.gold })
		.from(items)
		.where(and(eq(items.projectId, projectId), isNotNull(items.gold)));
	const out = new Map<string, Record<string, unknown>>();
	for (const r of rows) {
		const scores = (r.gold as { scores?: unknown } | null)?.scores;
		if (scores && typeof scores === 'object') out.set(r.id, scores as Record<string, unknown>);
	}
	return out;
}

export async function evaluatorsOf(db: Db, ids: readonly string[]): Promise<Map<string, EvaluatorFacts>> {
	if (!ids.length) return new Map();
	const rows = await db
		.select({ id: users.id, name: users.name, email: users.email })
		.from(users)
		.where(inArray(users.id, [...new Set(ids)]));
	return new Map(rows.map((r) => [r.id, r]));
}

export interface ItemFacts {
	id: string;
	externalId: string | null;
	modality: string;
	language: string;
	payload: unknown;
}

export async function itemFactsOf(db: Db, itemIds: readonly string[]): Promise<Map<string, ItemFacts>> {
	if (!itemIds.length) return new Map();
	const rows = await db
		.select({
			id: items.id,
			externalId: items.externalId,
			modality: items.modality,
			language: items.language,
			payload: items.payload
		})
		.from(items)
		.where(inArray(items.id, [...new Set(itemIds)]));
	return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The escalation that speaks for each listed item: its newest open or in-review one, else its newest closed one
 * (a verdict already settled the disagreement; a dismissal says it needed none).
 */
export async function latestEscalationsOf(
	db: Db,
	itemIds: readonly string[]
): Promise<Map<string, { id: string; state: string }>> {
	if (!itemIds.length) return new Map();
	const rows = await db
		.select({ id: escalations.id, itemId: escalations.itemId, state: escalations.state })
		.from(escalations)
		.where(inArray(escalations.itemId, [...new Set(itemIds)]))
		.orderBy(asc(escalations.createdAt));
	const out = new Map<string, { id: string; state: string }>();
	for (const r of rows) {
		const held = out.get(r.itemId);
		if (!held || isActiveState(r.state) || !isActiveState(held.state)) out.set(r.itemId, { id: r.id, state: r.state });
	}
	return out;
}

/** How many evaluators score each item in the regular queue (an item with that many is complete). */
export async function projectOverlap(db: Db, projectId: string): Promise<number> {
	return (await getProject(db, projectId))?.settings.overlap ?? 3;
}
