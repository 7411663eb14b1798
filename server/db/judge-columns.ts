// Judges' scores as the rooms show them (adjudication, calibration reveal, item workspace): each judge's newest
// scores per item, with the number of the guideline version it was given and whether that is older than the
// project's current one (domain/guideline.ts: guidelineIsOutdated). Whether the viewer may see them is decided before (domain/blind.ts), never here.
import { eq, inArray } from 'drizzle-orm';
import { first, type Db } from './client';
import { guidelineVersions, judges } from '../../drizzle/schema';
import type { JudgeColumn } from '#shared/judge-rooms';
import type { JudgeSettings } from '#shared/judges';
import { judgeScoreFor, judgeScoresForItems } from './judge-scores';
import { currentGuidelineVersion } from './evaluations';
import { guidelineIsOutdated } from '../domain/guideline';

/** Each item's judge columns (newest per judge, by judge name); items no judge scored are absent. */
export async function judgeColumnsForItems(
	db: Db,
	projectId: string,
	itemIds: readonly string[]
): Promise<Map<string, JudgeColumn[]>> {
	const scores = await judgeScoresForItems(db, itemIds);
	const out = new Map<string, JudgeColumn[]>();
	if (scores.size === 0) return out;
	const versionIds = [
		...new Set([...scores.values()].flatMap((list) => list.map((s) => s.guidelineVersionId ?? '')))
	].filter(Boolean);
	const numbers = new Map(
		versionIds.length
			? (
					await db
						.select({ id: guidelineVersions.id, number: guidelineVersions.number })
						.from(guidelineVersions)
						.where(inArray(guidelineVersions.id, versionIds))
				).map((v) => [v.id, v.number])
			: []
	);
	const current = await currentGuidelineVersion(db, projectId);
	for (const [itemId, list] of scores) {
		out.set(
			itemId,
			list.map((s) => {
				const number = s.guidelineVersionId ? (numbers.get(s.guidelineVersionId) ?? null) : null;
				const outdated = guidelineIsOutdated({ id: s.guidelineVersionId ?? '', number }, current ?? null);
				return { ...s, guidelineNumber: number, outdated };
			})
		);
	}
	return out;
}

/**
 * The judge whose suggestions are on, if it still belongs to the project and is not retired (a retired judge
 * suggests nothing; its settings stay until a lead changes them).
 */
export async function activeSuggestionJudge(
	db: Db,
	projectId: string,
	settings: JudgeSettings | undefined
): Promise<string | null> {
	const judgeId = settings?.suggestions?.judgeId;
	if (!judgeId) return null;
	const judge = await first(db.select().from(judges).where(eq(judges.id, judgeId)).limit(1));
	return judge && judge.projectId === projectId && judge.archivedAt === null ? judge.id : null;
}

/** The chosen judge's newest scores on the item as a column, or null when it has not scored the item. */
export async function suggestionColumn(
	db: Db,
	projectId: string,
	judgeId: string,
	itemId: string
): Promise<JudgeColumn | null> {
	if (!(await judgeScoreFor(db, judgeId, itemId))) return null;
	const columns = await judgeColumnsForItems(db, projectId, [itemId]);
	return columns.get(itemId)?.find((c) => c.judgeId === judgeId) ?? null;
}
