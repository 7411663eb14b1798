// Judge evaluations as readers get them. Callers decide first whether the viewer may see them: they are other
// people's work on the item (domain/blind.ts: seesOthersWork; in a calibration session, roundIsOpen).
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { first, type Db } from './client';
import { judgeEvaluations, judges } from '../../drizzle/schema';
import type { JudgeScore } from '#shared/judges';
import type { Scores } from '#shared/evaluation';

type Row = typeof judgeEvaluations.$inferSelect;

function toJudgeScore(r: Row, judgeName: string): JudgeScore {
	return {
		id: r.id,
		judgeId: r.judgeId,
		judgeName,
		model: r.model,
		promptHash: r.promptHash,
		guidelineVersionId: r.guidelineVersionId || null,
		source: r.source,
		scores: r.scores as Scores,
		flags: r.flags,
		rationale: r.rationale,
		createdAt: r.createdAt
	};
}

/**
 * Each judge's newest scores for each of the items (one per judge and item: a later prompt or guideline version
 * supersedes an earlier one here; agreement by version reads them all), ordered by judge name.
 */
export async function judgeScoresForItems(db: Db, itemIds: readonly string[]): Promise<Map<string, JudgeScore[]>> {
	const out = new Map<string, JudgeScore[]>();
	// Readers ask for one item or one calibration session's items: a short list.
	if (itemIds.length === 0) return out;
	const rows = await db
		.select({ e: judgeEvaluations, name: judges.name })
		.from(judgeEvaluations)
		.innerJoin(judges, eq(judges.id, judgeEvaluations.judgeId))
		.where(inArray(judgeEvaluations.itemId, [...itemIds]))
		.orderBy(asc(judges.name), asc(judgeEvaluations.createdAt));
	const newest = new Map<string, { itemId: string; score: JudgeScore }>();
	for (const { e, name } of rows)
		newest.set(`${e.itemId}\u0000${e.judgeId}`, { itemId: e.itemId, score: toJudgeScore(e, name) });
	for (const { itemId, score } of newest.values()) out.set(itemId, [...(out.get(itemId) ?? []), score]);
	return out;
}

/** One judge's newest scores for one item, or undefined (the suggestion an evaluator may be shown). */
export async function judgeScoreFor(db: Db, judgeId: string, itemId: string): Promise<JudgeScore | undefined> {
	const row = await first(
		db
			.select({ e: judgeEvaluations, name: judges.name })
			.from(judgeEvaluations)
			.innerJoin(judges, eq(judges.id, judgeEvaluations.judgeId))
			.where(and(eq(judgeEvaluations.judgeId, judgeId), eq(judgeEvaluations.itemId, itemId)))
			.orderBy(desc(judgeEvaluations.createdAt))
			.limit(1)
	);
	return row && toJudgeScore(row.e, row.name);
}
