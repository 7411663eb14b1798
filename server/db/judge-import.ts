// Stores one batch of imported judge scores, in the caller's transaction: finds each record's item (by external id
// in the project) and judge (by name; an unknown name registers an 'imported' judge), checks the answer with the
// item's rubric (domain/judge-import.ts), then inserts, replaces or skips it under the key judge_evaluations is
// unique on: (judge, item, prompt = 'import:<format>', guideline version current at import). A bad record becomes a
// problem of its line and changes nothing. One audit row per batch says what the batch did.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { items, judgeEvaluations } from '../../drizzle/schema';
import { audit } from './audit';
import { createJudge, judgeByName, type JudgeRow } from './judges';
import { rubricForItem } from './escalations';
import { newId } from '../domain/ids';
import { AppError } from '../domain/errors';
import { answerProblem, sameAnswer, type JudgeImportEntry, type JudgeRecord } from '../domain/judge-import';
import { dimensionsFor, type Rubric } from '#shared/rubric';
import type { LineProblem } from '#shared/imports';
import type { JudgeImportFormat } from '#shared/judge-import';

/** What stays the same across the batches of one import. */
export interface JudgeImportRun {
	projectId: string;
	actorId: string;
	format: JudgeImportFormat;
	/** 'import:jsonl' or 'import:label-studio': the prompt part of the key. */
	promptRef: string;
	/** The guideline version current when the import began ('' when none). */
	guidelineVersionId: string;
	/** Judges by name, as found or registered by earlier batches. */
	judges: Map<string, JudgeRow>;
	/** `judge \0 externalId` → the line that gave it, to report a pair the file gives twice. */
	seen: Map<string, number>;
}

export interface BatchOutcome {
	imported: number;
	replaced: number;
	skipped: number;
	newJudges: string[];
	problems: LineProblem[];
	/** Judge → the items whose scores this batch stored (for what runs after the commit). */
	stored: Map<string, string[]>;
}

type ItemRef = { id: string; projectId: string; modality: string; externalId: string | null };

async function itemsByExternalId(t: Db, projectId: string, ids: string[]): Promise<Map<string, ItemRef>> {
	if (!ids.length) return new Map();
	const rows = await t
		.select({ id: items.id, projectId: items.projectId, modality: items.modality, externalId: items.externalId })
		.from(items)
		.where(and(eq(items.projectId, projectId), inArray(items.externalId, ids)));
	return new Map(rows.map((r) => [r.externalId!, r]));
}

type Stored = typeof judgeEvaluations.$inferSelect;

/** What earlier imports stored under this import's key for the batch's items, by `judge \0 item`: one query. */
async function storedScores(t: Db, run: JudgeImportRun, itemIds: string[]): Promise<Map<string, Stored>> {
	if (!itemIds.length) return new Map();
	const rows = await t
		.select()
		.from(judgeEvaluations)
		.where(
			and(
				inArray(judgeEvaluations.itemId, itemIds),
				eq(judgeEvaluations.promptHash, run.promptRef),
				eq(judgeEvaluations.guidelineVersionId, run.guidelineVersionId)
			)
		);
	return new Map(rows.map((r) => [`${r.judgeId}\u0000${r.itemId}`, r]));
}

/** The judge of a record: known by name, else registered as imported (its model from the record). */
async function judgeFor(t: Db, run: JudgeImportRun, r: JudgeRecord, newJudges: string[]): Promise<JudgeRow | string> {
	let judge = run.judges.get(r.judge) ?? (await judgeByName(t, run.projectId, r.judge));
	if (!judge) {
		try {
			judge = await createJudge(
				t,
				run.projectId,
				{ name: r.judge, model: r.model ?? 'unknown' },
				run.actorId,
				'imported'
			);
		} catch (err) {
			if (err instanceof AppError) return err.message;
			throw err;
		}
		newJudges.push(r.judge);
	}
	run.judges.set(r.judge, judge);
	return judge.archivedAt ? `the judge “${r.judge}” is retired: restore it to import its scores` : judge;
}

export async function storeJudgeBatch(t: Db, run: JudgeImportRun, entries: JudgeImportEntry[]): Promise<BatchOutcome> {
	const out: BatchOutcome = { imported: 0, replaced: 0, skipped: 0, newJudges: [], problems: [], stored: new Map() };
	const records = entries.filter((e): e is JudgeRecord => !('problem' in e));
	const found = await itemsByExternalId(t, run.projectId, [...new Set(records.map((r) => r.externalId))]);
	const stored = await storedScores(t, run, [...new Set([...found.values()].map((i) => i.id))]);
	const rubrics = new Map<string, Rubric | null>();
	const fail = (line: number, message: string) => out.problems.push({ line, message });
	for (const entry of entries) {
		if ('problem' in entry) {
			fail(entry.line, entry.problem);
			continue;
		}
		const item = found.get(entry.externalId);
		if (!item) {
			fail(entry.line, `no item with externalId “${entry.externalId}” in this project`);
			continue;
		}
		const pair = `${entry.judge}\u0000${entry.externalId}`;
		const earlier = run.seen.get(pair);
		if (earlier !== undefined) {
			fail(entry.line, `repeats line ${earlier} (the same judge and item)`);
			continue;
		}
		if (!rubrics.has(item.id)) rubrics.set(item.id, await rubricForItem(t, item));
		const rubric = rubrics.get(item.id)!;
		if (!rubric) {
			fail(entry.line, `the project has no rubric for ${item.modality} items`);
			continue;
		}
		const answer = entry.answer(dimensionsFor(rubric, item.modality), rubric.flags);
		if ('problem' in answer) {
			fail(entry.line, answer.problem);
			continue;
		}
		const problem = answerProblem(rubric, item.modality, answer);
		if (problem) {
			fail(entry.line, problem);
			continue;
		}
		const judge = await judgeFor(t, run, entry, out.newJudges);
		if (typeof judge === 'string') {
			fail(entry.line, judge);
			continue;
		}
		// Only a good line claims its pair: a later line may correct a bad one.
		run.seen.set(pair, entry.line);
		const model = entry.model ?? judge.config.model;
		// The file gives each (judge, item) pair once (run.seen), so what was stored before this batch is the row.
		const existing = stored.get(`${judge.id}\u0000${item.id}`);
		if (existing && sameAnswer({ ...answer, model }, existing)) {
			out.skipped++;
			continue;
		}
		const values = {
			rubricId: rubric.id,
			rubricVersion: rubric.version,
			model,
			scores: answer.scores,
			flags: answer.flags,
			rationale: answer.rationale,
			createdAt: Date.now()
		};
		if (existing) {
			await t.update(judgeEvaluations).set(values).where(eq(judgeEvaluations.id, existing.id));
			out.replaced++;
		} else {
			await t.insert(judgeEvaluations).values({
				id: newId(),
				projectId: run.projectId,
				judgeId: judge.id,
				itemId: item.id,
				runId: null,
				source: 'import',
				guidelineVersionId: run.guidelineVersionId,
				promptHash: run.promptRef,
				latencyMs: null,
				...values
			});
		}
		out.imported++;
		out.stored.set(judge.id, [...(out.stored.get(judge.id) ?? []), item.id]);
	}
	const lines = entries.map((e) => e.line);
	await audit(t, {
		actorId: run.actorId,
		projectId: run.projectId,
		action: 'judge.import',
		entityType: 'project',
		entityId: run.projectId,
		data: {
			format: run.format,
			fromLine: lines.length ? Math.min(...lines) : 0,
			toLine: lines.length ? Math.max(...lines) : 0,
			imported: out.imported,
			replaced: out.replaced,
			skipped: out.skipped,
			problems: out.problems.length,
			newJudges: out.newJudges
		}
	});
	return out;
}
