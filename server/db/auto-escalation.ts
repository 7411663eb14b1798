// Automatic escalation after a submission. Once the project's minimum number of evaluators have submitted an item,
// one escalation opens (once per item in its life, escalate-once.ts) when
//   - its agreement on a dimension falls below the project's threshold (filed under the worst dimension), or else
//   - a lead turned on judge escalation and the judge differs from the people by more than the threshold
//     (judge-escalation.ts).
// This runs after every submission, so the item's count and settings are read once for both rules, and the write
// transaction is entered only when a look without it found a case.
import type { Db } from './client';
import { itemCountWithSettings } from './items';
import { submittedScores } from './evaluations';
import { escalationsOfItem, rubricForItem, type EscalationRow } from './escalations';
import { escalateOnce, type AutoCase } from './escalate-once';
import { judgeDisagreementCase } from './judge-escalation';
import { dimensionsFor } from '#shared/rubric';
import { AUTO_REASON, type DimensionAgreement } from '#shared/escalation';
import type { ProjectSettings } from '../../drizzle/schema';
import { autoEscalationNote, markConflicts, mayAutoEscalate, worstConflict } from '../domain/escalation';
import { itemAgreement } from '../domain/item-agreement';

type ItemRef = { id: string; projectId: string; modality: string };

/** Per-dimension agreement among the item's submitted evaluations, with conflicts marked. */
export async function itemConflicts(db: Db, item: ItemRef, settings: ProjectSettings): Promise<DimensionAgreement[]> {
	const rubric = await rubricForItem(db, item);
	if (!rubric) return [];
	const scores = await submittedScores(db, item.id);
	return markConflicts(settings, itemAgreement(dimensionsFor(rubric, item.modality), scores));
}

async function lowAgreementCase(db: Db, item: ItemRef, settings: ProjectSettings): Promise<AutoCase | null> {
	const agreement = await itemConflicts(db, item, settings);
	const worst = worstConflict(agreement);
	return worst && { reason: AUTO_REASON, note: autoEscalationNote(agreement), dimension: worst.key };
}

/** Opens the item's automatic escalation if its submissions call for one; returns it (committed), or null. */
export async function escalateAfterSubmission(db: Db, itemId: string): Promise<EscalationRow | null> {
	const seen = await itemCountWithSettings(db, itemId);
	// Fewer submissions than the project asks for call for neither escalation: no need to hold the item.
	if (!seen || seen.submittedCount < seen.settings.minEvaluations) return null;
	// Most submissions find the item agreeing or escalated already: learn that without a write transaction. The
	// decision itself is taken again in escalateOnce, while holding the item.
	if (!mayAutoEscalate(await escalationsOfItem(db, itemId))) return null;
	if (await lowAgreementCase(db, seen.item, seen.settings))
		return escalateOnce(db, itemId, (t, item, settings) => lowAgreementCase(t, item, settings));
	if (await judgeDisagreementCase(db, seen.item, seen.settings, seen.submittedCount))
		return escalateOnce(db, itemId, (t, item, settings) =>
			judgeDisagreementCase(t, item, settings, item.submittedCount)
		);
	return null;
}
