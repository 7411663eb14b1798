// Read queries behind "Humans and judges": a project's judges and judge scores, its gold answers with where they
// came from, the evaluations made with a judge's suggestion shown, and its guideline versions' names. Every query
// is bounded by the project (no per-item queries, no parameter list that grows with the data); the judge scores
// are read in keyset pages so no more than one page of row objects is held at a time. Read-only.
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { first, type Db } from './client';
import { evaluations, guidelineVersions, guidelines, items, judgeEvaluations, judges } from '../../drizzle/schema';
import { keysetPage, ordered } from './paging';
import type { JudgeScoreRow } from '../domain/judge-agreement';
import type { GoldAnswer } from '../domain/judge-reference';
import { evaluationKey } from '../domain/judge-suggestions';

const PAGE = 5000;

/**
 * What the project's judge scores add up to, cheaply (from the judge_evaluations_project index): figures cached
 * under it are current while it stands. Writers of judge scores give a replaced score a new created_at.
 */
export async function judgeScoresStamp(db: Db, projectId: string): Promise<string> {
	const found = await first(
		db
			.select({
				n: sql<number>`count(*)`,
				last: sql<number | null>`max(${judgeEvaluations.createdAt})`,
				total: sql<number | null>`sum(${judgeEvaluations.createdAt})`
			})
			.from(judgeEvaluations)
			.where(eq(judgeEvaluations.projectId, projectId))
	);
	return `${Number(found?.n ?? 0)}:${Number(found?.last ?? 0)}:${String(found?.total ?? 0)}`;
}

type Key = { id: string; createdAt: number };
const scoreOrder = ordered<Key>(
	'judge-agreement-scores',
	'asc',
	{ expr: judgeEvaluations.createdAt, type: 'number', of: (r) => r.createdAt },
	{ expr: judgeEvaluations.id, type: 'text', of: (r) => r.id }
);

/** Every judge score of the project with its item's modality and language, oldest first (so the last of a judge and
 * item is its newest). */
export async function projectJudgeScores(db: Db, projectId: string): Promise<JudgeScoreRow[]> {
	const out: JudgeScoreRow[] = [];
	let cursor: string | undefined;
	do {
		const page = keysetPage(db, scoreOrder, { cursor, limit: PAGE });
		const rows = await db
			.select({
				id: judgeEvaluations.id,
				judgeId: judgeEvaluations.judgeId,
				itemId: judgeEvaluations.itemId,
				guidelineVersionId: judgeEvaluations.guidelineVersionId,
				scores: judgeEvaluations.scores,
				createdAt: judgeEvaluations.createdAt,
				modality: items.modality,
				language: items.language
			})
			.from(judgeEvaluations)
			.innerJoin(items, eq(items.id, judgeEvaluations.itemId))
			.where(and(eq(judgeEvaluations.projectId, projectId), page.after))
			.orderBy(...page.orderBy)
			.limit(page.limit);
		const done = page.finish(rows);
		for (const r of done.rows)
			out.push({
				judgeId: r.judgeId,
				itemId: r.itemId,
				guidelineVersionId: r.guidelineVersionId,
				scores: r.scores ?? {},
				createdAt: r.createdAt,
				modality: r.modality,
				language: r.language
			});
		cursor = done.nextCursor ?? undefined;
	} while (cursor);
	return out;
}

/** The project's judges (retired ones too: their scores stay in the history), by name. */
export async function projectJudges(
	db: Db,
	projectId: string
): Promise<{ id: string; name: string; archived: boolean }[]> {
	const rows = await db
		.select({ id: judges.id, name: judges.name, archivedAt: judges.archivedAt })
		.from(judges)
		.where(eq(judges.projectId, projectId))
		.orderBy(asc(judges.name));
	return rows.map((r) => ({ id: r.id, name: r.name, archived: r.archivedAt !== null }));
}

/** Gold answers of the project's items, with where each came from (imported, calibration consensus, verdict). */
export async function projectGoldAnswers(db: Db, projectId: string): Promise<Map<string, GoldAnswer>> {
	const rows = await db
		.select({ id: items.id, gold: items.gold })
		.from(items)
		.where(and(eq(items.projectId, projectId), isNotNull(items.gold)));
	const out = new Map<string, GoldAnswer>();
	for (const r of rows) {
		const gold = r.gold as { scores?: unknown; source?: unknown } | null;
		if (gold?.scores && typeof gold.scores === 'object')
			out.set(r.id, {
				scores: gold.scores as Record<string, unknown>,
				source: typeof gold.source === 'string' ? gold.source : null
			});
	}
	return out;
}

/** Submitted evaluations made with a judge's suggestion shown, as evaluation keys. */
export async function suggestedEvaluations(db: Db, projectId: string): Promise<Set<string>> {
	const rows = await db
		.select({ itemId: evaluations.itemId, evaluatorId: evaluations.evaluatorId })
		.from(evaluations)
		.where(
			and(eq(evaluations.projectId, projectId), eq(evaluations.state, 'submitted'), isNotNull(evaluations.suggestionId))
		);
	return new Set(rows.map((r) => evaluationKey(r.itemId, r.evaluatorId)));
}

/** "Guideline title vN" of each published version of the project's guidelines. */
export async function guidelineVersionLabels(db: Db, projectId: string): Promise<Map<string, string>> {
	const rows = await db
		.select({ id: guidelineVersions.id, number: guidelineVersions.number, title: guidelines.title })
		.from(guidelineVersions)
		.innerJoin(guidelines, eq(guidelines.id, guidelineVersions.guidelineId))
		.where(eq(guidelines.projectId, projectId));
	return new Map(rows.map((r) => [r.id, `${r.title} v${r.number}`]));
}
