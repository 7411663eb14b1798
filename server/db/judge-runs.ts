// Judge runs as leads create, read and cancel them. A run's selection is resolved and frozen into judge_run_items
// when it is created (so it resumes after a restart by its pending rows); items the judge already scored with the
// same prompt and guideline version are frozen as `skipped` and never sent again. The runner's side (claiming,
// recording each item, finishing) is judge-run-work.ts.
import { and, asc, count, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { calibrationItems, items, judgeEvaluations, judgeRunItems, judgeRuns } from '../../drizzle/schema';
import type { JudgeRunView } from '#shared/judges';
import { MAX_RUN_ITEMS, type JudgeRunInput, type JudgeRunItemFilter, type JudgeRunItemView } from '#shared/judge-runs';
import type { PageRequest } from '#shared/paging';
import { newId } from '../domain/ids';
import { Conflict, NotFound, Validation } from '../domain/errors';
import { itemPromptHash, promptHash } from '../domain/judge-prompt';
import type { VideoSight } from '../domain/video-frames';
import type { Modality } from '#shared/items';
import { getCalibration } from './calibrations';
import { currentGuidelineVersion } from './evaluations';
import { keysetPage, ordered } from './paging';
import { audit } from './audit';
import type { JudgeRow } from './judges';

export type JudgeRunRow = typeof judgeRuns.$inferSelect;

/** Rows inserted per statement when a run's items are frozen (well under SQLite's and PostgreSQL's bind limits). */
const INSERT_BATCH = 500;

export function toRunView(r: JudgeRunRow): JudgeRunView {
	return {
		id: r.id,
		judgeId: r.judgeId,
		projectId: r.projectId,
		state: r.state,
		selection: r.selection,
		promptHash: r.promptHash,
		guidelineVersionId: r.guidelineVersionId || null,
		total: r.total,
		done: r.done,
		failed: r.failed,
		skipped: r.skipped,
		error: r.error,
		createdAt: r.createdAt,
		startedAt: r.startedAt,
		finishedAt: r.finishedAt
	};
}

export const getRun = (db: Db, id: string) => first(db.select().from(judgeRuns).where(eq(judgeRuns.id, id)).limit(1));

/** Why a judge cannot be run, in words for the lead; null when it can. */
export function notRunnable(judge: JudgeRow): string | null {
	if (judge.archivedAt) return 'This judge is retired; bring it back before running it';
	if (!judge.config.baseUrl)
		return 'This judge has no endpoint (its scores are imported); give it a base URL before running it';
	return null;
}

/** The ids a selection names, in a stable order, checked against the project; refused when over MAX_RUN_ITEMS. */
async function selectedItems(db: Db, projectId: string, input: JudgeRunInput): Promise<string[]> {
	if (input.itemIds) {
		const wanted = [...new Set(input.itemIds)];
		const found: string[] = [];
		for (let i = 0; i < wanted.length; i += INSERT_BATCH) {
			const part = wanted.slice(i, i + INSERT_BATCH);
			const rows = await db
				.select({ id: items.id })
				.from(items)
				.where(and(eq(items.projectId, projectId), inArray(items.id, part)));
			found.push(...rows.map((r) => r.id));
		}
		if (found.length < wanted.length)
			throw Validation(`${wanted.length - found.length} of the items are not in this project`, [
				{ path: 'itemIds', message: 'names items of another project, or items that do not exist' }
			]);
		return found.sort();
	}
	if (input.calibrationId) {
		const session = await getCalibration(db, input.calibrationId);
		if (!session || session.projectId !== projectId) throw NotFound('No such calibration session in this project');
		const rows = await db
			.select({ id: calibrationItems.itemId })
			.from(calibrationItems)
			.where(eq(calibrationItems.calibrationId, session.id))
			.orderBy(asc(calibrationItems.position));
		return rows.map((r) => r.id);
	}
	const where = and(
		eq(items.projectId, projectId),
		input.filter?.modality ? eq(items.modality, input.filter.modality) : undefined,
		input.filter?.language ? eq(items.language, input.filter.language) : undefined
	);
	// Counted first: a selection over the cap is refused before its ids are read.
	const [{ n }] = await db.select({ n: count() }).from(items).where(where);
	if (Number(n) > MAX_RUN_ITEMS)
		throw Validation(`The selection has ${n} items; a run takes at most ${MAX_RUN_ITEMS}. Narrow it with a filter.`);
	const rows = await db.select({ id: items.id }).from(items).where(where).orderBy(asc(items.createdAt), asc(items.id));
	return rows.map((r) => r.id);
}

/**
 * Item ids of `ids` the judge already has scores for under this guideline version, stamped with the item's own
 * prompt hash (itemPromptHash: the prompt's, plus what this server sends for a video the item shows).
 */
async function alreadyJudged(
	db: Db,
	judgeId: string,
	hash: string,
	sight: VideoSight,
	guidelineVersionId: string,
	ids: string[]
) {
	const judged = new Set<string>();
	const withFrames = itemPromptHash(hash, sight, 'video', null);
	for (let i = 0; i < ids.length; i += INSERT_BATCH) {
		const rows = await db
			.select({ id: judgeEvaluations.itemId, hash: judgeEvaluations.promptHash, modality: items.modality })
			.from(judgeEvaluations)
			.innerJoin(items, eq(items.id, judgeEvaluations.itemId))
			.where(
				and(
					eq(judgeEvaluations.judgeId, judgeId),
					inArray(judgeEvaluations.promptHash, [...new Set([hash, withFrames])]),
					eq(judgeEvaluations.guidelineVersionId, guidelineVersionId),
					inArray(judgeEvaluations.itemId, ids.slice(i, i + INSERT_BATCH))
				)
			);
		// Only a multimodal item's payload says whether it shows a video; the others are told by their modality.
		const mixed = rows.filter((r) => r.modality === 'multimodal').map((r) => r.id);
		const payloads = new Map<string, unknown>();
		if (mixed.length && sight.sent)
			for (const r of await db
				.select({ id: items.id, payload: items.payload })
				.from(items)
				.where(inArray(items.id, mixed)))
				payloads.set(r.id, r.payload);
		for (const r of rows) {
			const payload = r.modality === 'video' ? null : payloads.get(r.id);
			if (r.hash === itemPromptHash(hash, sight, r.modality as Modality, payload)) judged.add(r.id);
		}
	}
	return judged;
}

/** Creates a run (in the caller's transaction): the selection frozen, already-judged items skipped; audited. */
export async function createJudgeRun(t: Db, judge: JudgeRow, input: JudgeRunInput, actorId: string, sight: VideoSight) {
	const why = notRunnable(judge);
	if (why) throw Conflict(why);
	const ids = await selectedItems(t, judge.projectId, input);
	if (!ids.length) throw Validation('The selection has no items: import items first, or choose another selection');
	const c = judge.config;
	const hash = promptHash(c.promptTemplate, c.model, c.temperature);
	const guidelineVersionId = (await currentGuidelineVersion(t, judge.projectId))?.id ?? '';
	const judged = await alreadyJudged(t, judge.id, hash, sight, guidelineVersionId, ids);
	const now = Date.now();
	const allSkipped = judged.size === ids.length;
	const row: JudgeRunRow = {
		id: newId(),
		projectId: judge.projectId,
		judgeId: judge.id,
		// Nothing left to send: the run is done at once.
		state: allSkipped ? 'done' : 'queued',
		selection: { ...input },
		promptHash: hash,
		guidelineVersionId,
		total: ids.length,
		done: 0,
		failed: 0,
		skipped: judged.size,
		error: null,
		createdBy: actorId,
		createdAt: now,
		startedAt: allSkipped ? now : null,
		finishedAt: allSkipped ? now : null,
		cancelRequestedAt: null,
		leaseUntil: null
	};
	await t.insert(judgeRuns).values(row);
	for (let i = 0; i < ids.length; i += INSERT_BATCH) {
		await t.insert(judgeRunItems).values(
			ids.slice(i, i + INSERT_BATCH).map((itemId) => ({
				runId: row.id,
				itemId,
				state: judged.has(itemId) ? ('skipped' as const) : ('pending' as const),
				attempts: 0,
				updatedAt: now
			}))
		);
	}
	const data = {
		judge: judge.name,
		judgeId: judge.id,
		selection: input.itemIds ? { items: ids.length } : input,
		total: ids.length
	};
	await audit(t, {
		actorId,
		projectId: judge.projectId,
		action: 'judge.run.start',
		entityType: 'judge_run',
		entityId: row.id,
		data: { ...data, skipped: judged.size, prompt: hash.slice(0, 12), model: c.model }
	});
	if (allSkipped)
		await audit(t, {
			actorId: null,
			projectId: judge.projectId,
			action: 'judge.run.finish',
			entityType: 'judge_run',
			entityId: row.id,
			data: { judgeId: judge.id, state: 'done', done: 0, failed: 0, skipped: judged.size, total: ids.length }
		});
	return row;
}

/**
 * Asks a run to stop (in the caller's transaction; audited). A queued run nobody works yet is cancelled at once;
 * a running one is cancelled by the node working it, which aborts its requests in flight.
 */
export async function requestCancel(t: Db, run: JudgeRunRow, actorId: string): Promise<JudgeRunRow> {
	if (run.state !== 'queued' && run.state !== 'running') throw Conflict(`This run is ${run.state} already`);
	const now = Date.now();
	const unclaimed = run.state === 'queued' && (run.leaseUntil ?? 0) < now;
	const set = unclaimed
		? { cancelRequestedAt: now, state: 'cancelled' as const, finishedAt: now }
		: { cancelRequestedAt: now };
	const [updated] = await t
		.update(judgeRuns)
		.set(set)
		.where(and(eq(judgeRuns.id, run.id), eq(judgeRuns.state, run.state)))
		.returning();
	if (!updated) throw Conflict('This run changed meanwhile; reload it');
	await audit(t, {
		actorId,
		projectId: run.projectId,
		action: 'judge.run.cancel',
		entityType: 'judge_run',
		entityId: run.id,
		data: { judgeId: run.judgeId, done: run.done, failed: run.failed, skipped: run.skipped, total: run.total }
	});
	return updated;
}

const runOrder = ordered<JudgeRunRow>(
	'judge-runs',
	'desc',
	{ expr: judgeRuns.createdAt, type: 'number', of: (r) => r.createdAt },
	{ expr: judgeRuns.id, type: 'text', of: (r) => r.id }
);

/** A judge's runs, newest first, paged. */
export async function runPage(db: Db, judgeId: string, page: PageRequest) {
	const keyset = keysetPage(db, runOrder, page);
	const found = await db
		.select()
		.from(judgeRuns)
		.where(and(eq(judgeRuns.judgeId, judgeId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	return keyset.finish(found);
}

const itemOrder = ordered<JudgeRunItemView>('judge-run-items', 'asc', {
	expr: judgeRunItems.itemId,
	type: 'text',
	of: (r) => r.itemId
});

/** A run's items (of one state when asked), by item id, paged; failed ones carry their error and raw reply. */
/** Items of a run by filter (JUDGE_RUN_ITEM_FILTERS), in item order, paged. */
export async function runItemPage(db: Db, runId: string, filter: JudgeRunItemFilter | undefined, page: PageRequest) {
	const byFilter =
		filter === 'retrying'
			? and(eq(judgeRunItems.state, 'pending'), isNotNull(judgeRunItems.error))
			: filter && eq(judgeRunItems.state, filter);
	const keyset = keysetPage(db, itemOrder, page);
	const found = await db
		.select({
			itemId: judgeRunItems.itemId,
			externalId: items.externalId,
			modality: items.modality,
			state: judgeRunItems.state,
			attempts: judgeRunItems.attempts,
			error: judgeRunItems.error,
			raw: judgeRunItems.raw,
			updatedAt: judgeRunItems.updatedAt
		})
		.from(judgeRunItems)
		.innerJoin(items, eq(items.id, judgeRunItems.itemId))
		.where(and(eq(judgeRunItems.runId, runId), byFilter, keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	return keyset.finish(found);
}
