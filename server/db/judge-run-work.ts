// The items of a judge run as a node works them: the pending ones, each attempt counted before it is sent (so the
// attempt budget, config.judges.maxAttempts, holds across restarts, and a lead sees the attempts and last error of an
// item still being retried), and the outcomes recorded with the run's counters, several items per transaction.
// A judge evaluation is inserted `on conflict do nothing` on its unique key (judge, item, prompt, guideline
// version): even two workers racing on an item cannot store it twice, and the item counts as skipped for the one
// that lost.
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first, prepared, tx } from './client';
import { guidelineVersions, judgeEvaluations, judgeRunItems, judgeRuns } from '../../drizzle/schema';
import type { Judgement } from '../domain/judge-reply';
import { newId } from '../domain/ids';
import type { JudgeRunRow } from './judge-runs';

/** The next pending items of a run after `afterItemId`, by item id, with the attempts made so far. */
export function pendingItems(db: Db, runId: string, afterItemId: string, limit: number) {
	return db
		.select({
			itemId: judgeRunItems.itemId,
			attempts: judgeRunItems.attempts,
			error: judgeRunItems.error,
			raw: judgeRunItems.raw
		})
		.from(judgeRunItems)
		.where(
			and(eq(judgeRunItems.runId, runId), eq(judgeRunItems.state, 'pending'), gt(judgeRunItems.itemId, afterItemId))
		)
		.orderBy(asc(judgeRunItems.itemId))
		.limit(limit);
}

/**
 * Which of the items the run's judge already scored under the run's guideline version, each with its own prompt hash
 * (itemPromptHash: the run's, plus what was sent for a video it shows).
 */
export async function judgedAmong(
	db: Db,
	run: JudgeRunRow,
	items: readonly { itemId: string; hash: string }[]
): Promise<Set<string>> {
	if (!items.length) return new Set();
	// A page holds at most two hashes (with and without video frames): ask for both, then keep the item's own.
	const rows = await db
		.select({ itemId: judgeEvaluations.itemId, hash: judgeEvaluations.promptHash })
		.from(judgeEvaluations)
		.where(
			and(
				eq(judgeEvaluations.judgeId, run.judgeId),
				inArray(judgeEvaluations.promptHash, [...new Set(items.map((i) => i.hash))]),
				eq(judgeEvaluations.guidelineVersionId, run.guidelineVersionId),
				inArray(
					judgeEvaluations.itemId,
					items.map((i) => i.itemId)
				)
			)
		);
	const wanted = new Set(items.map((i) => `${i.itemId}\u0000${i.hash}`));
	return new Set(rows.filter((r) => wanted.has(`${r.itemId}\u0000${r.hash}`)).map((r) => r.itemId));
}

const attemptQuery = prepared((db) =>
	db
		.update(judgeRunItems)
		.set({ attempts: sql`${judgeRunItems.attempts} + 1`, updatedAt: sql`${sql.placeholder('now')}` })
		.where(
			and(
				eq(judgeRunItems.runId, sql.placeholder('runId')),
				eq(judgeRunItems.itemId, sql.placeholder('itemId')),
				eq(judgeRunItems.state, 'pending')
			)
		)
		.returning({ attempts: judgeRunItems.attempts })
		.prepare()
);

/**
 * Counts an attempt of a pending item, committed before its request is sent: a crash may count an attempt that never
 * reached the endpoint, never miss one that did. Returns the attempts so far (this one included), or null when the
 * item is no longer pending (nothing is then to be sent).
 */
export async function countAttempt(db: Db, runId: string, itemId: string): Promise<number | null> {
	const [row] = await attemptQuery(db, { runId, itemId, now: Date.now() });
	return row?.attempts ?? null;
}

/** Keeps why the last attempt of a pending item failed (it will be retried), for the lead to read meanwhile. */
export async function noteAttemptFailed(
	db: Db,
	runId: string,
	itemId: string,
	failure: { error: string; raw: string | null }
): Promise<void> {
	await db
		.update(judgeRunItems)
		.set({ error: failure.error, raw: failure.raw, updatedAt: Date.now() })
		.where(and(eq(judgeRunItems.runId, runId), eq(judgeRunItems.itemId, itemId), eq(judgeRunItems.state, 'pending')));
}

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

export type RecordedState = 'done' | 'failed' | 'skipped';

/**
 * Records items' outcomes and counts them, in one transaction. A judgement is stored as a judge evaluation unless one
 * exists for its key (the item then counts as skipped). Returns the state recorded per item; an item that was no
 * longer pending is left out (nothing changed for it).
 */
export async function recordOutcomes(
	db: Db,
	run: JudgeRunRow,
	outcomes: readonly { itemId: string; outcome: ItemOutcome }[]
): Promise<Map<string, RecordedState>> {
	if (!outcomes.length) return new Map();
	return tx(db, async (t) => {
		const now = Date.now();
		const judged = outcomes.flatMap(({ itemId, outcome }) => (outcome.state === 'done' ? [{ itemId, outcome }] : []));
		const stored = new Set<string>();
		if (judged.length) {
			const inserted = await t
				.insert(judgeEvaluations)
				.values(
					judged.map(({ itemId, outcome }) => ({
						id: newId(),
						projectId: run.projectId,
						judgeId: run.judgeId,
						itemId,
						runId: run.id,
						source: 'run' as const,
						rubricId: outcome.rubric.id,
						rubricVersion: outcome.rubric.version,
						guidelineVersionId: run.guidelineVersionId,
						model: outcome.model,
						promptHash: outcome.promptHash,
						scores: outcome.judgement.scores,
						flags: outcome.judgement.flags,
						rationale: outcome.judgement.rationale,
						latencyMs: outcome.latencyMs,
						createdAt: now
					}))
				)
				.onConflictDoNothing()
				.returning({ itemId: judgeEvaluations.itemId });
			for (const r of inserted) stored.add(r.itemId);
		}
		const recorded = new Map<string, RecordedState>();
		const pendingOf = (ids: string[]) =>
			and(eq(judgeRunItems.runId, run.id), eq(judgeRunItems.state, 'pending'), inArray(judgeRunItems.itemId, ids));
		// Done and skipped items change alike: one statement each. A failed item keeps its own error and raw reply.
		const byState: Record<'done' | 'skipped', string[]> = { done: [], skipped: [] };
		for (const { itemId, outcome } of outcomes)
			if (outcome.state !== 'failed')
				byState[outcome.state === 'done' && stored.has(itemId) ? 'done' : 'skipped'].push(itemId);
		for (const state of ['done', 'skipped'] as const) {
			if (!byState[state].length) continue;
			const changed = await t
				.update(judgeRunItems)
				.set({ state, error: null, raw: null, updatedAt: now })
				.where(pendingOf(byState[state]))
				.returning({ itemId: judgeRunItems.itemId });
			for (const r of changed) recorded.set(r.itemId, state);
		}
		for (const { itemId, outcome } of outcomes) {
			if (outcome.state !== 'failed') continue;
			const changed = await t
				.update(judgeRunItems)
				.set({ state: 'failed', error: outcome.error, raw: outcome.raw, updatedAt: now })
				.where(pendingOf([itemId]))
				.returning({ itemId: judgeRunItems.itemId });
			if (changed.length) recorded.set(itemId, 'failed');
		}
		const count = (state: RecordedState) => [...recorded.values()].filter((s) => s === state).length;
		const [done, failed, skipped] = [count('done'), count('failed'), count('skipped')];
		if (recorded.size)
			await t
				.update(judgeRuns)
				.set({
					done: sql`${judgeRuns.done} + ${done}`,
					failed: sql`${judgeRuns.failed} + ${failed}`,
					skipped: sql`${judgeRuns.skipped} + ${skipped}`
				})
				.where(eq(judgeRuns.id, run.id));
		return recorded;
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
