// A run's lease: which runs need a worker, the conditional UPDATE that gives one node a run (of nodes racing for
// it exactly one wins), its renewal while the node works it, giving it back when the node stops, and its end.
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { tx } from './client';
import { judgeRuns } from '../../drizzle/schema';
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
