// The one automatic escalation an item may have in its life (low agreement or a judge's disagreement), opened in a
// transaction that holds the item's row: so it fires once, also when submissions or judge scores on several nodes
// land at the same moment.
import type { Db } from './client';
import { tx } from './client';
import { getItemRow, type ItemRow } from './items';
import { getProject } from './projects';
import { escalationsOfItem, holdItem, openEscalation, projectLeadIds, type EscalationRow } from './escalations';
import { notify } from './notifications';
import type { ProjectSettings } from '../../drizzle/schema';
import { mayAutoEscalate } from '../domain/escalation';

/** What an automatic escalation is opened for. */
export interface AutoCase {
	reason: string;
	note: string;
	dimension: string;
}

/**
 * Opens the item's automatic escalation when `decide`, asked again inside the transaction while holding the item's
 * row, finds a case (and the item never had one: mayAutoEscalate). The leads are notified in the same transaction;
 * the caller mirrors the escalation into the room and announces it only after this returns (committed).
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
