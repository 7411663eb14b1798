// A guideline version's life after the draft: a lead publishes the live draft as a new version (naming the
// dimensions it touches and the escalations it resolves), members acknowledge it, and leads send items evaluated
// under older versions that scored a touched dimension back for re-review. Writes resolve with the server's answer
// and reject with ApiError for the caller to show; the read is a Query (create it while a component initialises).
import { api } from './api';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';
import type { AffectedItem, GuidelineVersionView, PublishInput, RereviewResult } from '$lib/shared/guideline';

/** Publishes the guideline's live draft as its next version. */
export async function publishGuideline(guidelineId: string, publication: PublishInput): Promise<GuidelineVersionView> {
	return (await api.post<{ version: GuidelineVersionView }>(`/api/guidelines/${guidelineId}/publish`, publication))
		.version;
}

/** Records that the caller has read this version (unblocks evaluating when the guideline gates it). */
export async function acknowledgeVersion(guidelineId: string, number: number): Promise<void> {
	await api.post(`/api/guidelines/${guidelineId}/versions/${number}/ack`);
}

export interface AffectedItems extends Paged {
	/** The rubric dimensions the version touches. */
	dimensions: string[];
	items: AffectedItem[];
}

/** Items evaluated under older versions that scored a dimension this version touches, a page at a time. */
export function affectedItems(guidelineId: () => string, number: () => number): PagedList<AffectedItems, AffectedItem> {
	return new PagedList(
		(cursor, signal) =>
			api.get<AffectedItems>(`/api/guidelines/${guidelineId()}/versions/${number()}/affected`, { cursor }, signal),
		(page) => page.items
	);
}

/** Sends the given affected items (all of them when `itemIds` is absent) back to their evaluators. */
export async function requestRereview(
	guidelineId: string,
	number: number,
	itemIds?: string[]
): Promise<RereviewResult> {
	return (
		await api.post<{ result: RereviewResult }>(
			`/api/guidelines/${guidelineId}/versions/${number}/rereview`,
			itemIds ? { itemIds } : {}
		)
	).result;
}
