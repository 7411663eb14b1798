// The runner's side of judge runs: which runs need a worker, the lease that gives one node a run, and recording
// each item's outcome with the run's counters in one transaction. A judge evaluation is inserted
// `on conflict do nothing` on its unique key (judge, item, prompt, guideline version): even two workers racing on an
// item cannot store it twice, and the item counts as skipped for the one that lost.
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first, tx } from './client';
import { guidelineVersions, judgeEvaluations, judgeRunItems, judgeRuns } from '../../drizzle/schema';
import type { Judgement } from '../domain/judge-reply';
import { newId } from '../domain/ids';
import { audit } from './audit';
import type { JudgeRunRow } from './judge-runs';

/** Runs that need a worker: queued or running, and not leased (or their lease lapsed: their node died). */
export function claimableRuns(db: Db, now: number, limit = 20): Promise<JudgeRunRow[]> {
	return db
		.select()
		.from(judgeRuns)
		.where(
			and(
				inArray(judgeRuns.state, ['queued', 'running']),
				or(isNull(judgeRuns.leaseUntil), lt(judgeRuns.leaseUntil, now))
			)
		)
		.orderBy(asc(judgeRuns.createdAt))
		.limit(limit);
}

/**
 * Leases the run to this node until `until` with a conditional UPDATE: of nodes racing for a run, exactly one gets
 * it. Returns the run as leased (state running), or undefined when another node has it or it finished.
 */
export async function claimRun(db: Db, id: string, now: number, until: number): Promise<JudgeRunRow | undefined> {
	const [row] = await db
		.update(judgeRuns)
		.set({ leaseUntil: until, state: 'running', startedAt: sql`coalesce(${judgeRuns.startedAt}, ${now})` })
		.where(
			and(
				eq(judgeRuns.id, id),
				inArray(judgeRuns.state, ['queued', 'running']),
				or(isNull(judgeRuns.leaseUntil), lt(judgeRuns.leaseUntil, now))
			)
		)
		.returning();
	return row;
}

/**
 * Extends this node's lease (it still holds it only if the lease is the one it wrote); returns whether a cancel
 * was asked for, or 'lost' when the run is no longer this node's.
 */
export async function renewLease(db: Db, id: string, held: number, until: number): Promise<'lost' | boolean> {
	const [row] = await db
		.update(judgeRuns)
		.set({ leaseUntil: until })
		.where(and(eq(judgeRuns.id, id), eq(judgeRuns.state, 'running'), eq(judgeRuns.leaseUntil, held)))
		.returning({ cancelRequestedAt: judgeRuns.cancelRequestedAt });
	return row ? row.cancelRequestedAt !== null : 'lost';
}

/** Gives the run back (the node stops): another node, or this one after a restart, picks it up at once. */
export async function releaseLease(db: Db, id: string, held: number): Promise<void> {
	await db
		.update(judgeRuns)
		.set({ leaseUntil: null })
		.where(and(eq(judgeRuns.id, id), eq(judgeRuns.leaseUntil, held)));
}

/** The next pending items of a run after `afterItemId`, by item id. */
export function pendingItems(db: Db, runId: string, afterItemId: string, limit: number) {
	return db
		.select({ itemId: judgeRunItems.itemId, attempts: judgeRunItems.attempts })
		.from(judgeRunItems)
		.where(
			and(eq(judgeRunItems.runId, runId), eq(judgeRunItems.state, 'pending'), gt(judgeRunItems.itemId, afterItemId))
		)
		.orderBy(asc(judgeRunItems.itemId))
		.limit(limit);
}

/** Whether the judge has a judgement of the item stamped `hash` (the item's prompt hash) under the run's guideline. */
export const judgedAlready = async (db: Db, run: JudgeRunRow, itemId: string, hash: string) =>
	!!(await first(
		db
			.select({ id: judgeEvaluations.id })
			.from(judgeEvaluations)
			.where(
				and(
					eq(judgeEvaluations.judgeId, run.judgeId),
					eq(judgeEvaluations.itemId, itemId),
					eq(judgeEvaluations.promptHash, hash),
					eq(judgeEvaluations.guidelineVersionId, run.guidelineVersionId)
				)
			)
			.limit(1)
	));

export type ItemOutcome =
	| {
			state: 'done';
			judgement: Judgement;
			rubric: { id: string; version: number };
			model: string;
			/** The item's prompt hash (itemPromptHash): the run's, plus what was sent for a video. */
			promptHash: string;
			latencyMs: number;
	  }
	| { state: 'failed'; error: string; raw: string | null }
	| { state: 'skipped' };

const counter = { done: judgeRuns.done, failed: judgeRuns.failed, skipped: judgeRuns.skipped } as const;

/**
 * Records one item's outcome and counts it, in one transaction; a judgement is stored as a judge evaluation unless
 * one exists for its key (then the item counts as skipped). Returns the state recorded, or null when the item was
 * no longer pending (nothing changed).
 */
export async function recordItem(
	db: Db,
	run: JudgeRunRow,
	itemId: string,
	attempts: number,
	outcome: ItemOutcome
): Promise<'done' | 'failed' | 'skipped' | null> {
	return tx(db, async (t) => {
		let state = outcome.state;
		if (outcome.state === 'done') {
			const inserted = await t
				.insert(judgeEvaluations)
				.values({
					id: newId(),
					projectId: run.projectId,
					judgeId: run.judgeId,
					itemId,
					runId: run.id,
					source: 'run',
					rubricId: outcome.rubric.id,
					rubricVersion: outcome.rubric.version,
					guidelineVersionId: run.guidelineVersionId,
					model: outcome.model,
					promptHash: outcome.promptHash,
					scores: outcome.judgement.scores,
					flags: outcome.judgement.flags,
					rationale: outcome.judgement.rationale,
					latencyMs: outcome.latencyMs,
					createdAt: Date.now()
				})
				.onConflictDoNothing()
				.returning({ id: judgeEvaluations.id });
			if (!inserted.length) state = 'skipped';
		}
		const failure = outcome.state === 'failed' ? outcome : null;
		const changed = await t
			.update(judgeRunItems)
			.set({ state, attempts, error: failure?.error ?? null, raw: failure?.raw ?? null, updatedAt: Date.now() })
			.where(and(eq(judgeRunItems.runId, run.id), eq(judgeRunItems.itemId, itemId), eq(judgeRunItems.state, 'pending')))
			.returning({ itemId: judgeRunItems.itemId });
		if (!changed.length) return null;
		await t
			.update(judgeRuns)
			.set({ [state]: sql`${counter[state]} + 1` })
			.where(eq(judgeRuns.id, run.id));
		return state;
	});
}

/** Ends a run (done, failed or cancelled) with its final counts; audited as judge.run.finish. */
export async function finishRun(
	db: Db,
	runId: string,
	state: 'done' | 'failed' | 'cancelled',
	error: string | null
): Promise<JudgeRunRow | undefined> {
	return tx(db, async (t) => {
		const [row] = await t
			.update(judgeRuns)
			.set({ state, error, finishedAt: Date.now(), leaseUntil: null })
			.where(and(eq(judgeRuns.id, runId), inArray(judgeRuns.state, ['queued', 'running'])))
			.returning();
		if (!row) return undefined;
		await audit(t, {
			actorId: null,
			projectId: row.projectId,
			action: 'judge.run.finish',
			entityType: 'judge_run',
			entityId: row.id,
			data: {
				judgeId: row.judgeId,
				state,
				done: row.done,
				failed: row.failed,
				skipped: row.skipped,
				total: row.total,
				error
			}
		});
		return row;
	});
}

/** The guideline text a run's prompts carry: the version frozen on the run when it was created ('' = none). */
export async function guidelineForRun(db: Db, versionId: string): Promise<{ number: number; markdown: string } | null> {
	if (!versionId) return null;
	const row = await first(
		db
			.select({ number: guidelineVersions.number, markdown: guidelineVersions.markdown })
			.from(guidelineVersions)
			.where(eq(guidelineVersions.id, versionId))
			.limit(1)
	);
	return row ?? null;
}
