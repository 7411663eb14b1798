// Automatic escalation when a model judge disagrees with the human majority on an item (project settings:
// judges.escalation, off by default). Checked after people submit (once the project's minEvaluations have scored)
// (auto-escalation.ts, after the low-agreement rule) and after judge scores land (runs and imports call
// escalateOnJudgeDisagreement with the items they scored). Both go through escalateOnce: at most one automatic
// escalation per item in its life, decided again while holding the item's row, committed with its audit row and the
// leads' notifications before the caller mirrors it into the room or emits anything.
import type { Db } from './client';
import { itemCountWithSettings } from './items';
import { submittedScores } from './evaluations';
import { escalationsOfItem, rubricForItem, type EscalationRow } from './escalations';
import { escalateOnce, type AutoCase } from './escalate-once';
import { getJudge } from './judges';
import { getProject } from './projects';
import { judgeScoreFor } from './judge-scores';
import { dimensionsFor } from '#shared/rubric';
import { JUDGE_DISAGREEMENT_REASON } from '#shared/judge-rooms';
import type { ProjectSettings } from '../../drizzle/schema';
import { mayAutoEscalate } from '../domain/escalation';
import { judgeDisagreementNote, judgeDisagreements } from '../domain/judge-disagreement';

/** The escalation the item calls for, or null: settings off, too few people, no difference. */
export async function judgeDisagreementCase(
	db: Db,
	item: { id: string; projectId: string; modality: string },
	settings: ProjectSettings,
	submittedCount: number
): Promise<AutoCase | null> {
	const rule = settings.judges?.escalation;
	if (!rule || submittedCount < settings.minEvaluations) return null;
	const judge = await getJudge(db, rule.judgeId);
	// A judge retired (or gone) after the lead chose it escalates nothing.
	if (!judge || judge.projectId !== item.projectId || judge.archivedAt !== null) return null;
	const scored = await judgeScoreFor(db, judge.id, item.id);
	const rubric = scored && (await rubricForItem(db, item));
	if (!scored || !rubric) return null;
	const humans = await submittedScores(db, item.id);
	const found = judgeDisagreements(dimensionsFor(rubric, item.modality), humans, scored.scores, rule.threshold);
	if (!found.length) return null;
	return {
		reason: JUDGE_DISAGREEMENT_REASON,
		note: judgeDisagreementNote(judge.name, found, humans.length),
		dimension: found[0].key
	};
}

/** Opens the item's judge-disagreement escalation if it calls for one; returns it, or null. */
async function escalateItemOnJudgeDisagreement(db: Db, itemId: string): Promise<EscalationRow | null> {
	// A look first, without a write transaction: most items have the setting off or agree with the judge.
	const seen = await itemCountWithSettings(db, itemId);
	if (!seen?.settings.judges?.escalation) return null;
	if (!mayAutoEscalate(await escalationsOfItem(db, itemId))) return null;
	if (!(await judgeDisagreementCase(db, seen.item, seen.settings, seen.submittedCount))) return null;
	return escalateOnce(db, itemId, (t, item, settings) => judgeDisagreementCase(t, item, settings, item.submittedCount));
}

/**
 * For judge runs and imports: checks each item whose judge scores just landed and returns the escalations opened
 * (committed). The caller then mirrors each into its room and emits `escalation.opened` (features.ts:
 * announceAutoEscalation), in that order, as after a submission. Scores of a judge other than the one the project
 * escalates on (or with the setting off) are answered with one read of the project, not one per item.
 */
export async function escalateOnJudgeDisagreement(
	db: Db,
	scored: { projectId: string; judgeId: string; itemIds: readonly string[] }
): Promise<EscalationRow[]> {
	const { projectId, judgeId, itemIds } = scored;
	if ((await getProject(db, projectId))?.settings.judges?.escalation?.judgeId !== judgeId) return [];
	const opened: EscalationRow[] = [];
	for (const itemId of new Set(itemIds)) {
		const row = await escalateItemOnJudgeDisagreement(db, itemId);
		if (row) opened.push(row);
	}
	return opened;
}
