// Read queries behind the agreement dashboard: a project's submitted evaluations folded into columns (read in
// keyset pages), its rubric versions, gold answers, the facts of evaluators and listed items, and their
// escalations. Read-only; no figures are computed here.
import type Database from 'better-sqlite3';
import { and, asc, count, eq, gte, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { openSqliteReader, rows, type Db } from './client';
import { escalations, evaluations, items, rubrics, users } from '../../drizzle/schema';
import { getProject, getRubrics } from './projects';
import { keysetPage, ordered, type Keyset, type KeysetPage } from './paging';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Rubric } from '#shared/rubric';
import { ColumnsBuilder, type EvaluationColumns, type EvaluationFacts } from '../domain/agreement-columns';
import { isActiveState } from '#shared/escalation';

export interface EvaluatorFacts {
	id: string;
	name: string;
	email: string;
}

/** Rows per page of the columns' read: a page's row objects are folded and dropped before the next is read. */
const LOAD_PAGE = 5000;

type Key = { id: string } & Record<string, unknown>;
const itemOrder = ordered<Key>(
	'agreement-item-facts',
	'asc',
	{ expr: items.createdAt, type: 'number', of: (r) => r.createdAt as number },
	{ expr: items.id, type: 'text', of: (r) => r.id }
);
/** Evaluations submitted before submission times were recorded count at their last update. */
const legacyOrder = ordered<Key>(
	'agreement-columns-legacy',
	'asc',
	{ expr: evaluations.updatedAt, type: 'number', of: (r) => r.submittedAt as number },
	{ expr: evaluations.id, type: 'text', of: (r) => r.id }
);
const evaluationOrder = ordered<Key>(
	'agreement-columns',
	'asc',
	{ expr: evaluations.submittedAt, type: 'number', of: (r) => r.submittedAt as number },
	{ expr: evaluations.id, type: 'text', of: (r) => r.id }
);

/** Rows folded between two yields to the event loop while a private SQLite connection is read. */
const READ_CHUNK = 5000;

/**
 * The project's submitted evaluations folded into columns: first the facts of the project's items (modality,
 * language) in (created_at, id) order, then the evaluations' needed columns, those without a submission time
 * first in (updated_at, id) order (they count at their last update, as everywhere else), then the others in
 * (submitted_at, id) order (ids compared bytewise on both dialects). An evaluation of an item added after the
 * items were read has its item's facts read on its own.
 * On SQLite with a file (`sqlite` given): read on a private read-only connection in one read transaction (a
 * consistent state; writers go on meanwhile), rows as raw arrays from statement iterators, yielding to the event
 * loop every READ_CHUNK rows; scores stay JSON text, decoded once per distinct text by the builder. Otherwise
 * (PostgreSQL): keyset pages of `pageSize` rows, never more than one page of row objects at a time.
 */
export async function loadEvaluationColumns(
	db: Db,
	projectId: string,
	rubrics: readonly Rubric[],
	sqlite?: Database.Database | null,
	{ pageSize = LOAD_PAGE }: { pageSize?: number } = {}
): Promise<EvaluationColumns> {
	if (sqlite && !sqlite.memory) return foldFromSqlite(sqlite, projectId, rubrics);
	// Sized once for every submitted evaluation (growing the columns as they fill cost a tenth of the read).
	const [{ n }] = await db
		.select({ n: count() })
		.from(evaluations)
		.where(and(eq(evaluations.projectId, projectId), eq(evaluations.state, 'submitted')));
	const builder = new ColumnsBuilder(rubrics, n);
	await foldFromPages(db, projectId, builder, pageSize);
	return builder.finish();
}

type ItemRow = [id: string, modality: string, language: string];
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
			const a = line.indexOf('\x1f');
			const b = line.indexOf('\x1f', a + 1);
			builder.addItem(line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1));
			if (++n % READ_CHUNK === 0) await yieldThread();
		}
		const itemFacts = conn.prepare('select id, modality, language from items where id = ?');
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
		const fold = ([scoresAndItem, rater, rubric, timeSpentMs, at]: EvaluationRow) => {
			const cut = scoresAndItem.indexOf('\x1f');
			const scores = scoresAndItem.slice(0, cut);
			const itemId = scoresAndItem.slice(cut + 1);
			let item = builder.itemOf(itemId);
			if (item < 0) {
				const facts = itemFacts.raw(true).get(itemId) as ItemRow | undefined;
				builder.addItem(itemId, facts?.[1] ?? '', facts?.[2] ?? '');
				item = builder.itemOf(itemId);
			}
			builder.addIndexed(item, raterOf(rater), rubricOf(rubric), scores, timeSpentMs, at);
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

/**
 * A page of rows in a keyset's order, as plain objects from the driver (`select` names the columns and their
 * aliases): the query builder's mapping of every value of every row cost more than the read.
 */
async function page<R>(db: Db, keyset: KeysetPage<Key>, select: SQL, where: SQL | undefined): Promise<R[]> {
	return rows<R>(
		db,
		sql`select ${select} where ${where ?? sql`true`} order by ${sql.join(keyset.orderBy, sql`, `)} limit ${keyset.limit}`
	);
}

async function foldFromPages(db: Db, projectId: string, builder: ColumnsBuilder, pageSize: number): Promise<void> {
	let cursor: string | undefined;
	do {
		const keyset = keysetPage(db, itemOrder, { cursor, limit: pageSize });
		const found = await page<{ id: string; createdAt: number; modality: string; language: string }>(
			db,
			keyset,
			sql`${items.id} as "id", ${items.createdAt} as "createdAt", ${items.modality} as "modality",
				${items.language} as "language" from ${items}`,
			and(eq(items.projectId, projectId), keyset.after)
		);
		const done = keyset.finish(found);
		for (const r of done.rows) builder.addItem(r.id, r.modality, r.language);
		cursor = done.nextCursor ?? undefined;
	} while (cursor);

	type Row = Omit<EvaluationFacts, 'modality' | 'language' | 'scores'> & { id: string; scores: string };
	const fold = async (read: Row[]) => {
		// Each row's item looked up once; an item added after the items were read has its facts read now (one
		// that is gone by then is registered without facts, as on SQLite).
		const item = new Int32Array(read.length);
		const missing = new Set<string>();
		for (let k = 0; k < read.length; k++)
			if ((item[k] = builder.itemOf(read[k].itemId)) < 0) missing.add(read[k].itemId);
		if (missing.size) {
			const facts = await itemFactsOf(db, [...missing]);
			for (const id of missing) builder.addItem(id, facts.get(id)?.modality ?? '', facts.get(id)?.language ?? '');
			for (let k = 0; k < read.length; k++) if (item[k] < 0) item[k] = builder.itemOf(read[k].itemId);
		}
		for (let k = 0; k < read.length; k++) {
			const r = read[k];
			const rater = builder.raterOf(r.evaluatorId);
			builder.addIndexed(item[k], rater, builder.rubricOf(r.rubricId), r.scores, r.timeSpentMs, r.submittedAt);
		}
	};
	const base = and(eq(evaluations.projectId, projectId), eq(evaluations.state, 'submitted'));
	const pages = async (order: Keyset<Key>, at: SQLiteColumn, where: SQL | undefined) => {
		// Scores as text (PostgreSQL's json as stored, SQLite's text as it is): the builder decodes each distinct
		// text once, where the driver would parse every row's.
		const select = sql`${evaluations.id} as "id", ${evaluations.itemId} as "itemId",
			${evaluations.evaluatorId} as "evaluatorId", ${evaluations.rubricId} as "rubricId",
			cast(${evaluations.scores} as text) as "scores", ${evaluations.timeSpentMs} as "timeSpentMs",
			${at} as "submittedAt" from ${evaluations}`;
		let from: number | undefined;
		let cursor: string | undefined;
		do {
			const keyset: KeysetPage<Key> = keysetPage(db, order, { cursor, limit: pageSize });
			// `at >= the last one read` repeats what the cursor implies, so an index on it is read as a range.
			const found = await page<Row>(
				db,
				keyset,
				select,
				and(base, where, from === undefined ? undefined : gte(at, from), keyset.after)
			);
			const done = keyset.finish(found);
			await fold(done.rows);
			cursor = done.nextCursor ?? undefined;
			from = done.rows.at(-1)?.submittedAt;
		} while (cursor);
	};
	await pages(legacyOrder, evaluations.updatedAt, isNull(evaluations.submittedAt));
	await pages(evaluationOrder, evaluations.submittedAt, isNotNull(evaluations.submittedAt));
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
