// The judges registry of a project: endpoint judges (run by Concord) and imported ones (scored elsewhere). Every
// change is audited in the caller's transaction; the API key never enters the database, only its variable's name.
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import { judgeEvaluations, judges, type JudgeConfig } from '../../drizzle/schema';
import type { JudgeInput, JudgeKind, JudgeView } from '#shared/judges';
import { newId } from '../domain/ids';
import { redactedUrl } from '../domain/audit-data';
import { Conflict } from '../domain/errors';
import { audit } from './audit';

export type JudgeRow = typeof judges.$inferSelect;

/** A project keeps at most this many judges (retired ones included): the registry is read whole. */
const MAX_JUDGES = 100;

/** `keys`: the JUDGE_* variables this server has (config.judges.keys), to say whether the judge's key is set. */
export function toJudgeView(j: JudgeRow, scoredItems: number, keys: Readonly<Record<string, string>>): JudgeView {
	const c = j.config;
	return {
		id: j.id,
		projectId: j.projectId,
		name: j.name,
		kind: j.kind,
		baseUrl: c.baseUrl ?? null,
		model: c.model,
		apiKeyEnv: c.apiKeyEnv ?? null,
		apiKeySet: !!c.apiKeyEnv && !!keys[c.apiKeyEnv],
		temperature: c.temperature,
		concurrency: c.concurrency,
		requestsPerMinute: c.requestsPerMinute,
		promptTemplate: c.promptTemplate ?? null,
		createdAt: j.createdAt,
		archivedAt: j.archivedAt,
		scoredItems
	};
}

export const getJudge = (db: Db, id: string) => first(db.select().from(judges).where(eq(judges.id, id)).limit(1));

export const judgeByName = (db: Db, projectId: string, name: string) =>
	first(
		db
			.select()
			.from(judges)
			.where(and(eq(judges.projectId, projectId), eq(judges.name, name)))
			.limit(1)
	);

/** Every judge of the project (active first, then by name) with how many items each has scores for. */
export async function listJudges(
	db: Db,
	projectId: string,
	keys: Readonly<Record<string, string>>
): Promise<JudgeView[]> {
	const rows = await db
		.select()
		.from(judges)
		.where(eq(judges.projectId, projectId))
		.orderBy(sql`${judges.archivedAt} is not null`, asc(judges.name));
	const counts = await db
		.select({ judgeId: judgeEvaluations.judgeId, n: sql<number>`count(distinct ${judgeEvaluations.itemId})` })
		.from(judgeEvaluations)
		.where(eq(judgeEvaluations.projectId, projectId))
		.groupBy(judgeEvaluations.judgeId);
	const scored = new Map(counts.map((r) => [r.judgeId, Number(r.n)]));
	return rows.map((j) => toJudgeView(j, scored.get(j.id) ?? 0, keys));
}

const configOf = (input: JudgeInput): JudgeConfig => ({
	baseUrl: input.baseUrl,
	model: input.model,
	apiKeyEnv: input.apiKeyEnv,
	temperature: input.temperature,
	concurrency: input.concurrency,
	requestsPerMinute: input.requestsPerMinute,
	promptTemplate: input.promptTemplate
});

/** What the audit trail keeps of a judge's settings: where it points (without credentials) and how it is paced. */
const auditedConfig = (c: JudgeConfig) => ({
	baseUrl: c.baseUrl ? redactedUrl(c.baseUrl) : null,
	model: c.model,
	keyVariable: c.apiKeyEnv ?? null,
	temperature: c.temperature,
	concurrency: c.concurrency,
	requestsPerMinute: c.requestsPerMinute,
	customPrompt: !!c.promptTemplate
});

async function assertRoom(db: Db, projectId: string, name: string, except?: string) {
	const same = await judgeByName(db, projectId, name);
	if (same && same.id !== except) throw Conflict(`A judge named “${name}” exists in this project already`);
	const [{ n }] = await db.select({ n: count() }).from(judges).where(eq(judges.projectId, projectId));
	if (!except && n >= MAX_JUDGES) throw Conflict(`A project has at most ${MAX_JUDGES} judges; retire one first`);
}

/** Registers a judge (kind 'endpoint' from the form; 'imported' when an import names a judge not yet known). */
export async function createJudge(
	db: Db,
	projectId: string,
	input: JudgeInput | { name: string; model: string },
	actorId: string,
	kind: JudgeKind = 'endpoint'
): Promise<JudgeRow> {
	await assertRoom(db, projectId, input.name);
	const config: JudgeConfig =
		'baseUrl' in input
			? configOf(input)
			: { model: input.model, temperature: 0, concurrency: 1, requestsPerMinute: 60 };
	const row: JudgeRow = {
		id: newId(),
		projectId,
		name: input.name,
		kind,
		config,
		createdBy: actorId,
		createdAt: Date.now(),
		archivedAt: null
	};
	await db.insert(judges).values(row);
	await audit(db, {
		actorId,
		projectId,
		action: 'judge.create',
		entityType: 'judge',
		entityId: row.id,
		data: { name: row.name, kind, ...auditedConfig(config) }
	});
	return row;
}

/** Changes a judge's settings (an imported judge given an endpoint becomes runnable). */
export async function updateJudge(db: Db, judge: JudgeRow, input: JudgeInput, actorId: string): Promise<JudgeRow> {
	await assertRoom(db, judge.projectId, input.name, judge.id);
	const config = configOf(input);
	await db.update(judges).set({ name: input.name, kind: 'endpoint', config }).where(eq(judges.id, judge.id));
	await audit(db, {
		actorId,
		projectId: judge.projectId,
		action: 'judge.update',
		entityType: 'judge',
		entityId: judge.id,
		data: { name: input.name, ...auditedConfig(config) }
	});
	return { ...judge, name: input.name, kind: 'endpoint', config };
}

/** Retires (or brings back) a judge: its scores stay, in agreement history too; a retired judge cannot be run. */
export async function setJudgeArchived(db: Db, judge: JudgeRow, archived: boolean, actorId: string) {
	const archivedAt = archived ? (judge.archivedAt ?? Date.now()) : null;
	await db
		.update(judges)
		.set({ archivedAt })
		.where(and(eq(judges.id, judge.id), archived ? isNull(judges.archivedAt) : sql`true`));
	await audit(db, {
		actorId,
		projectId: judge.projectId,
		action: archived ? 'judge.archive' : 'judge.restore',
		entityType: 'judge',
		entityId: judge.id,
		data: { name: judge.name }
	});
	return { ...judge, archivedAt };
}
