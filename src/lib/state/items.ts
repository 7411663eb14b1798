// What an evaluator does to an item besides evaluating it. Skipping takes the item out of the caller's queue with
// a reason the lead can read; it rejects with ApiError for the dialog to show.
import { api } from './api';

export async function skipItem(itemId: string, reason: string): Promise<void> {
	await api.post(`/api/items/${itemId}/skip`, { reason });
}
