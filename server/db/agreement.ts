// Read queries behind the agreement dashboard: a project's submitted evaluations with the facts of their items
// and evaluators (filtered by submission time, modality and language), the rubrics they were made with, gold
// answers, open escalations, and what the filters can choose from. Read-only; no figures are computed here.
import { and, asc, eq, gte, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { dialectOf, first, type Db } from './client';
import { escalations, evaluations, items, users } from '../../drizzle/schema';
import { getProject, getRubrics } from './projects';
import type { Rubric } from '#shared/rubric';
import type { ScoredEvaluation } from '../domain/agreement-ratings';
import { isActiveState } from '#shared/escalation';

export type { ScoredEvaluation };

export interface EvaluationScope {
	from?: number;
	to?: number;
	modality?: string;
	language?: string;
}

export interface EvaluatorFacts {
	id: string;
	name: string;
	email: string;
}

/**
 * Submitted evaluations of the project in scope, oldest submission first (ties by id, so the order is stable; ids
 * compared by their bytes on both dialects, as PostgreSQL would otherwise follow the database's locale).
 */
export function submittedEvaluations(db: Db, projectId: string, scope: EvaluationScope): Promise<ScoredEvaluation[]> {
	const submitted = sql<number>`coalesce(${evaluations.submittedAt}, ${evaluations.updatedAt})`;
	const where: SQL[] = [eq(items.projectId, projectId), eq(evaluations.state, 'submitted')];
	if (scope.from !== undefined) where.push(gte(submitted, scope.from));
	if (scope.to !== undefined) where.push(lt(submitted, scope.to));
	if (scope.modality) where.push(eq(items.modality, scope.modality));
	if (scope.language) where.push(eq(items.language, scope.language));
	return db
		.select({
			id: evaluations.id,
			itemId: evaluations.itemId,
			evaluatorId: evaluations.evaluatorId,
			rubricId: evaluations.rubricId,
			scores: evaluations.scores,
			timeSpentMs: evaluations.timeSpentMs,
			submittedAt: submitted,
			modality: items.modality,
			language: items.language
		})
		.from(evaluations)
		.innerJoin(items, eq(items.id, evaluations.itemId))
		.where(and(...where))
		.orderBy(asc(submitted), dialectOf(db) === 'postgres' ? sql`${evaluations.id} collate "C"` : asc(evaluations.id));
}

/** The rubric versions the evaluations were made with. */
export function rubricsOf(db: Db, rows: readonly { rubricId: string }[]): Promise<Rubric[]> {
	return getRubrics(db, [...new Set(rows.map((r) => r.rubricId))]);
}

export async function evaluatorsOf(db: Db, ids: readonly string[]): Promise<Map<string, EvaluatorFacts>> {
	if (!ids.length) return new Map();
	const rows = await db
		.select({ id: users.id, name: users.name, email: users.email })
		.from(users)
		.where(inArray(users.id, [...new Set(ids)]));
	return new Map(rows.map((r) => [r.id, r]));
}

/** Gold scores (`items.gold.scores`) of the listed items that have them. */
export async function goldScoresOf(db: Db, itemIds: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
	const out = new Map<string, Record<string, unknown>>();
	const unique = [...new Set(itemIds)];
	for (let i = 0; i < unique.length; i += 500) {
		const rows = await db
			.select({ id: items.id, gold: items.gold })
			.from(items)
			.where(and(inArray(items.id, unique.slice(i, i + 500)), isNotNull(items.gold)));
		for (const r of rows) {
			const scores = (r.gold as { scores?: unknown } | null)?.scores;
			if (scores && typeof scores === 'object') out.set(r.id, scores as Record<string, unknown>);
		}
	}
	return out;
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

/** Modalities and languages of the project's evaluated items, and its first and last submission. */
export async function scopeOptions(
	db: Db,
	projectId: string
): Promise<{ modalities: string[]; languages: string[]; first: number | null; last: number | null }> {
	const base = and(eq(items.projectId, projectId), eq(evaluations.state, 'submitted'));
	const submitted = sql<number>`coalesce(${evaluations.submittedAt}, ${evaluations.updatedAt})`;
	// Sorted here rather than by the database, whose text order depends on its collation on PostgreSQL.
	const pick = async (column: typeof items.modality | typeof items.language) =>
		(
			await db
				.selectDistinct({ v: column })
				.from(evaluations)
				.innerJoin(items, eq(items.id, evaluations.itemId))
				.where(base)
		)
			.map((r) => r.v)
			.sort();
	const range = await first(
		db
			.select({ first: sql<number | null>`min(${submitted})`, last: sql<number | null>`max(${submitted})` })
			.from(evaluations)
			.innerJoin(items, eq(items.id, evaluations.itemId))
			.where(base)
	);
	return {
		modalities: await pick(items.modality),
		languages: await pick(items.language),
		first: range?.first ?? null,
		last: range?.last ?? null
	};
}

/** How many evaluators score each item in the regular queue (an item with that many is complete). */
export async function projectOverlap(db: Db, projectId: string): Promise<number> {
	return (await getProject(db, projectId))?.settings.overlap ?? 3;
}
