// Automatic escalation after a submission: when enough evaluators have scored an item and its agreement on a
// dimension falls below the project's threshold, one escalation opens (filed under the worst dimension) and the
// leads are notified. Check and insert share one transaction that first holds the item's row (holdItem), so it
// fires exactly once per item, also when submissions on several nodes finish at the same moment.
import type { Db } from './client';
import { tx } from './client';
import { getItemRow, itemCountWithSettings, type ItemRow } from './items';
import { getProject } from './projects';
import { submittedScores } from './evaluations';
import {
	escalationsOfItem,
	holdItem,
	openEscalation,
	projectLeadIds,
	rubricForItem,
	type EscalationRow
} from './escalations';
import { notify } from './notifications';
import { dimensionsFor } from '#shared/rubric';
import { AUTO_REASON, type DimensionAgreement } from '#shared/escalation';
import type { ProjectSettings } from '../../drizzle/schema';
import { autoEscalationNote, markConflicts, mayAutoEscalate, worstConflict } from '../domain/escalation';
import { itemAgreement } from '../domain/item-agreement';

/** Per-dimension agreement among the item's submitted evaluations, with conflicts marked. */
export async function itemConflicts(
	db: Db,
	item: { id: string; projectId: string; modality: string },
	settings: ProjectSettings
): Promise<DimensionAgreement[]> {
	const rubric = await rubricForItem(db, item);
	if (!rubric) return [];
	const scores = await submittedScores(db, item.id);
	return markConflicts(settings, itemAgreement(dimensionsFor(rubric, item.modality), scores));
}

/** Opens the item's automatic escalation if its agreement calls for one; returns it, or null. */
export async function autoEscalate(db: Db, itemId: string): Promise<EscalationRow | null> {
	// Fewer submissions than the project asks for cannot conflict (markConflicts): no need to hold the item.
	// (A look at the count and settings only: this runs after every submission.)
	const seen = await itemCountWithSettings(db, itemId);
	if (!seen || seen.submittedCount < seen.settings.minEvaluations) return null;
	// Most submissions leave agreement above the threshold, or find the item escalated already: learn that without
	// a write transaction. The decision itself is taken again below, while holding the item.
	if (!mayAutoEscalate(await escalationsOfItem(db, itemId))) return null;
	if (!worstConflict(await itemConflicts(db, seen.item, seen.settings))) return null;
	return escalateOnce(db, itemId, async (t, item, settings) => {
		const agreement = await itemConflicts(t, item, settings);
		const worst = worstConflict(agreement);
		return worst && { reason: AUTO_REASON, note: autoEscalationNote(agreement), dimension: worst.key };
	});
}

/** What an automatic escalation is opened for. */
export interface AutoCase {
	reason: string;
	note: string;
	dimension: string;
}

/**
 * Opens the one automatic escalation an item may have in its life (mayAutoEscalate), when `decide`, asked again
 * inside the transaction while holding the item's row, finds a case: so it fires once, also when submissions or
 * judge scores on several nodes land at the same moment. The leads are notified in the same transaction; the
 * caller mirrors the escalation into the room and announces it only after this returns (committed).
 */
export function escalateOnce(
	db: Db,
	itemId: string,
	decide: (t: Db, item: ItemRow, settings: ProjectSettings) => Promise<AutoCase | null>
): Promise<EscalationRow | null> {
	return tx(db, async (t) => {
		await holdItem(t, itemId);
		const item = await getItemRow(t, itemId);
		const project = item && (await getProject(t, item.projectId));
		if (!item || !project) return null;
		if (!mayAutoEscalate(await escalationsOfItem(t, itemId))) return null;
		const found = await decide(t, item, project.settings);
		if (!found) return null;
		const row = await openEscalation(t, {
			projectId: item.projectId,
			itemId,
			source: 'auto',
			openedBy: null,
			...found
		});
		await notify(t, await projectLeadIds(t, item.projectId), {
			projectId: item.projectId,
			kind: 'escalation.opened',
			data: { escalationId: row.id, itemId, reason: found.reason }
		});
		return row;
	});
}
