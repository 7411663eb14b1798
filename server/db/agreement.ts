// Read queries behind the agreement dashboard: a project's submitted evaluations folded into columns (read in
// keyset pages), its rubric versions, gold answers, the facts of evaluators and listed items, and their
// escalations. Read-only; no figures are computed here.
import { and, asc, eq, gte, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { escalations, evaluations, items, rubrics, users } from '../../drizzle/schema';
import { getProject, getRubrics } from './projects';
import { keysetPage, ordered, type KeysetPage } from './paging';
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
const evaluationOrder = ordered<Key>(
	'agreement-columns',
	'asc',
	{ expr: evaluations.submittedAt, type: 'number', of: (r) => r.submittedAt as number },
	{ expr: evaluations.id, type: 'text', of: (r) => r.id }
);

/**
 * The project's submitted evaluations folded into columns. Read in keyset pages, never more than one page of row
 * objects at a time and no other project's rows: first the facts of the project's items (modality, language)
 * through items_project (project_id, created_at, id), then the evaluations' needed columns in (submitted_at, id)
 * order through evaluations_project_submitted (project_id, state, submitted_at), without a join. An evaluation
 * of an item added after the first read has its item's facts read on its own. Evaluations submitted before
 * submission times were recorded count at their last update, as everywhere else.
 */
export async function loadEvaluationColumns(
	db: Db,
	projectId: string,
	rubrics: readonly Rubric[]
): Promise<EvaluationColumns> {
	const builder = new ColumnsBuilder(rubrics);
	let cursor: string | undefined;
	do {
		const page = keysetPage(db, itemOrder, { cursor, limit: LOAD_PAGE });
		const rows = await db
			.select({ id: items.id, createdAt: items.createdAt, modality: items.modality, language: items.language })
			.from(items)
			.where(and(eq(items.projectId, projectId), page.after))
			.orderBy(...page.orderBy)
			.limit(page.limit);
		const done = page.finish(rows);
		for (const r of done.rows) builder.addItem(r.id, r.modality, r.language);
		cursor = done.nextCursor ?? undefined;
	} while (cursor);

	const columns = (submittedAt: SQL<number>) => ({
		id: evaluations.id,
		itemId: evaluations.itemId,
		evaluatorId: evaluations.evaluatorId,
		rubricId: evaluations.rubricId,
		scores: evaluations.scores,
		timeSpentMs: evaluations.timeSpentMs,
		submittedAt
	});
	const fold = async (rows: (Omit<EvaluationFacts, 'modality' | 'language'> & { id: string })[]) => {
		const missing = [...new Set(rows.filter((r) => !builder.hasItem(r.itemId)).map((r) => r.itemId))];
		if (missing.length)
			for (const f of (await itemFactsOf(db, missing)).values()) builder.addItem(f.id, f.modality, f.language);
		for (const r of rows) builder.addScored(r);
	};
	const base = and(eq(evaluations.projectId, projectId), eq(evaluations.state, 'submitted'));
	await fold(
		await db
			.select(columns(sql<number>`${evaluations.updatedAt}`))
			.from(evaluations)
			.where(and(base, isNull(evaluations.submittedAt)))
	);
	let from: number | undefined;
	cursor = undefined;
	do {
		const page: KeysetPage<Key> = keysetPage(db, evaluationOrder, { cursor, limit: LOAD_PAGE });
		// `submitted_at >= the last one read` repeats what the cursor implies, so the index is read as a range.
		const rows = await db
			.select(columns(sql<number>`${evaluations.submittedAt}`))
			.from(evaluations)
			.where(
				and(
					base,
					isNotNull(evaluations.submittedAt),
					from === undefined ? undefined : gte(evaluations.submittedAt, from),
					page.after
				)
			)
			.orderBy(...page.orderBy)
			.limit(page.limit);
		const done = page.finish(rows);
		await fold(done.rows);
		cursor = done.nextCursor ?? undefined;
		from = done.rows.at(-1)?.submittedAt;
	} while (cursor);
	return builder.finish();
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
