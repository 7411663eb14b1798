// Judge runs: what a lead may ask a run for, and how a run's items are shown. (The run itself is JudgeRunView in
// judges.ts.) Shared by the server (validation) and the browser (the run dialog and the failed items list).
import { z } from 'zod';
import { modalitySchema } from './items';

/** The most items one run takes; a larger selection is refused before any work (narrow it, or run in parts). */
export const MAX_RUN_ITEMS = 10_000;

/**
 * A run's selection: some items, a calibration session's items, the items matching a filter, or (none given) every
 * item of the project. At most one of them.
 */
export const judgeRunInputSchema = z
	.strictObject({
		itemIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_RUN_ITEMS).optional(),
		calibrationId: z.string().min(1).max(64).optional(),
		filter: z
			.strictObject({
				modality: modalitySchema.optional(),
				language: z.string().min(2).max(35).optional()
			})
			.optional()
	})
	.refine((s) => [s.itemIds, s.calibrationId, s.filter].filter((x) => x !== undefined).length <= 1, {
		message: 'Give at most one of itemIds, calibrationId and filter'
	});
export type JudgeRunInput = z.infer<typeof judgeRunInputSchema>;

export const JUDGE_RUN_ITEM_STATES = ['pending', 'done', 'failed', 'skipped'] as const;
export type JudgeRunItemState = (typeof JUDGE_RUN_ITEM_STATES)[number];
/**
 * What a lead lists a run's items by: their state, or `retrying`: pending items whose last attempt failed and that
 * wait to be tried again (with their attempts so far and the last error).
 */
export const JUDGE_RUN_ITEM_FILTERS = [...JUDGE_RUN_ITEM_STATES, 'retrying'] as const;
export type JudgeRunItemFilter = (typeof JUDGE_RUN_ITEM_FILTERS)[number];

/** One item of a run, with why it failed and the last unusable reply (bounded) when it did. */
export interface JudgeRunItemView {
	itemId: string;
	externalId: string | null;
	modality: string;
	state: JudgeRunItemState;
	attempts: number;
	error: string | null;
	raw: string | null;
	updatedAt: number;
}
