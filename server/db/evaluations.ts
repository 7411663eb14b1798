// Evaluations (one per item and evaluator; a draft until submitted) and the guideline version they are made under.
import { and, asc, eq, inArray, sql, type AnyColumn, type Placeholder } from 'drizzle-orm';
import type { Db } from './client';
import { first, prepared, tx } from './client';
import { bumpEvaluationSeq, countSubmission, touchItem } from './project-counts';
import { markAssignment } from './queue';
import {
	evaluations,
	guidelineAcks,
	guidelineVersions,
	guidelines,
	items,
	memberships,
	projects,
	users,
	type ProjectSettings
} from '../../drizzle/schema';
import { itemHeaderColumns, type ItemHeader } from './items';
import type { Role } from '#shared/roles';
import { webSources, type Evaluation, type EvaluationInput, type Scores } from '#shared/evaluation';
import { newId } from '../domain/ids';
import { audit } from './audit';

type EvaluationRow = typeof evaluations.$inferSelect;

export function toEvaluation(r: EvaluationRow, evaluatorName?: string): Evaluation {
	return {
		id: r.id,
		itemId: r.itemId,
		evaluatorId: r.evaluatorId,
		evaluatorName,
		rubricId: r.rubricId,
		rubricVersion: r.rubricVersion,
		guidelineVersionId: r.guidelineVersionId,
		scores: r.scores as Evaluation['scores'],
		flags: r.flags,
		tags: r.tags,
		spans: r.spans as Evaluation['spans'],
		rationale: r.rationale,
		sources: webSources(r.sources),
		timeSpentMs: r.timeSpentMs,
		state: r.state,
		createdAt: r.createdAt,
		updatedAt: r.updatedAt,
		submittedAt: r.submittedAt,
		suggestionId: r.suggestionId
	};
}

/**
 * The id of the newest published version of a project's guidelines (the first guideline is the project's main
 * one), as a subquery: the one definition of "the guideline version an evaluation is made under". Select it as a
 * column, or compare with it in a where clause; not in a join's condition, where SQLite runs it once for every row
 * of the joined table.
 */
function currentVersionId(projectId: Placeholder | AnyColumn) {
	return sql<string | null>`(select ${guidelineVersions.id} from ${guidelineVersions}
		inner join ${guidelines} on ${guidelines.id} = ${guidelineVersions.guidelineId}
		where ${guidelines.projectId} = ${projectId}
		order by ${guidelines.createdAt} asc, ${guidelineVersions.number} desc limit 1)`;
}

/** The newest published version of the project's guidelines (see currentVersionId), or undefined. */
export async function currentGuidelineVersion(db: Db, projectId: string) {
	return (await currentVersionQuery(db, { projectId }))[0];
}

const currentVersionQuery = prepared((db) =>
	db
		.select({ id: guidelineVersions.id, number: guidelineVersions.number, guidelineId: guidelineVersions.guidelineId })
		.from(guidelineVersions)
		.where(eq(guidelineVersions.id, currentVersionId(sql.placeholder('projectId'))))
		.limit(1)
		.prepare()
);

/** What saving an evaluation of an item needs to know first, read in one query (see itemForSave). */
export interface ItemForSave {
	item: ItemHeader;
	/** The user's role in the item's project (null: not a member). */
	role: Role | null;
	settings: ProjectSettings;
	/** The settings as the database holds them (JSON text): what autosaveUnchanged compares them with. */
	settingsJson: string;
	/** The guideline version an evaluation saved now is made under (null: the project has none yet). */
	guidelineVersionId: string | null;
}

/**
 * The item's header, the user's role in its project, the project's settings and its current guideline version, in
 * one query (every save of a draft reads them); undefined: no item.
 */
export async function itemForSave(db: Db, itemId: string, userId: string): Promise<ItemForSave | undefined> {
	return (await itemForSaveQuery(db, { itemId, userId }))[0];
}

const itemForSaveQuery = prepared((db) =>
	db
		.select({
			item: itemHeaderColumns,
			role: memberships.role,
			settings: projects.settings,
			settingsJson: sql<string>`${projects.settings}`,
			guidelineVersionId: currentVersionId(items.projectId)
		})
		.from(items)
		.innerJoin(projects, eq(projects.id, items.projectId))
		.leftJoin(
			memberships,
			and(eq(memberships.projectId, items.projectId), eq(memberships.userId, sql.placeholder('userId')))
		)
		.where(eq(items.id, sql.placeholder('itemId')))
		.limit(1)
		.prepare()
);

/**
 * What this node last read with itemForSave for an (item, user) pair, so that her next autosave of the item need
 * not read it again: autosaveUnchanged writes only if all of it still holds, in the save's own statement. A
 * context that went stale here (a role, the settings or the guideline changed, on any node) costs a second try,
 * never a save made under the old one. The newest KNOWN_CONTEXTS pairs per database are kept.
 */
const knownContexts = new WeakMap<Db, Map<string, ItemForSave>>();
const KNOWN_CONTEXTS = 4096;

export function knownSaveContext(db: Db, itemId: string, userId: string): ItemForSave | undefined {
	return knownContexts.get(db)?.get(`${itemId} ${userId}`);
}

export function rememberSaveContext(db: Db, itemId: string, userId: string, context: ItemForSave): void {
	let known = knownContexts.get(db);
	if (!known) knownContexts.set(db, (known = new Map<string, ItemForSave>()));
	const key = `${itemId} ${userId}`;
	known.delete(key); // re-inserted as the newest
	if (known.size >= KNOWN_CONTEXTS) known.delete(known.keys().next().value as string);
	known.set(key, context);
}

/**
 * A guideline version's number and guideline, and whether the user acknowledged it (a submission must have);
 * undefined when there is no such version.
 */
export async function versionAcknowledgement(
	db: Db,
	versionId: string,
	userId: string
): Promise<{ number: number; guidelineId: string; acknowledged: boolean } | undefined> {
	const [row] = await versionAckQuery(db, { versionId, userId });
	return row && { number: row.number, guidelineId: row.guidelineId, acknowledged: row.at !== null };
}

const versionAckQuery = prepared((db) =>
	db
		.select({ number: guidelineVersions.number, guidelineId: guidelineVersions.guidelineId, at: guidelineAcks.at })
		.from(guidelineVersions)
		.leftJoin(
			guidelineAcks,
			and(eq(guidelineAcks.versionId, guidelineVersions.id), eq(guidelineAcks.userId, sql.placeholder('userId')))
		)
		.where(eq(guidelineVersions.id, sql.placeholder('versionId')))
		.limit(1)
		.prepare()
);

export interface SaveEvaluation {
	itemId: string;
	projectId: string;
	evaluatorId: string;
	input: EvaluationInput;
	rubricVersion: number;
	guidelineVersionId: string | null;
	/**
	 * The judge evaluation shown to the evaluator as a suggestion while she scored (decided by the server from the
	 * project's settings: domain/blind.ts judgeSight), or null. Every save records it anew.
	 */
	suggestionId?: string | null;
}

export interface SavedEvaluation {
	row: EvaluationRow;
	/** Whether the evaluation was submitted before this save (reopening one re-applies the blind rule). */
	wasSubmitted: boolean;
}

/** The row a save writes, as the values of its statements' placeholders. */
function saveValues(s: SaveEvaluation, now: number) {
	return {
		projectId: s.projectId,
		itemId: s.itemId,
		evaluatorId: s.evaluatorId,
		rubricId: s.input.rubricId,
		rubricVersion: s.rubricVersion,
		guidelineVersionId: s.guidelineVersionId,
		scores: s.input.scores,
		flags: s.input.flags,
		tags: s.input.tags,
		spans: s.input.spans,
		rationale: s.input.rationale,
		sources: s.input.sources,
		timeSpentMs: s.input.timeSpentMs,
		suggestionId: s.suggestionId ?? null,
		createdAt: now,
		updatedAt: now,
		submittedAt: s.input.state === 'submitted' ? now : null
	};
}

/**
 * Creates or replaces the caller's evaluation of an item, committed before it returns (an autosave of a draft in
 * one statement, every other save in a transaction); a submission is audited. One upsert on (item,
 * evaluator), so two saves racing on different nodes end as one row (the later save wins) instead of a
 * duplicate-key failure. A submission also marks the queue assignment done. When what the project's evaluations
 * add up to changes (a submission, a submitted one reopened), the item's count and the project's seq move with
 * it (project-counts.ts); a draft of a draft touches nothing else.
 */
export async function saveEvaluation(db: Db, s: SaveEvaluation): Promise<SavedEvaluation> {
	const submitted = s.input.state === 'submitted';
	const values = saveValues(s, Date.now());
	// An autosave (a draft saved over a draft, the most frequent write of all) is this one statement and nothing
	// else, atomic and committed on its own: no transaction is opened around it (on PostgreSQL two round trips
	// fewer). It changes only what was written: no indexed column moves and no id is drawn. Nothing back: there was
	// no draft (a first save, or a submitted evaluation reopened), which the transaction below handles.
	if (!submitted) {
		const [row] = await updateDraft(db, values);
		if (row) return { row, wasSubmitted: false };
	}
	return tx(db, async (t) => {
		// A submission of a first save or of a draft is one upsert that leaves a submitted evaluation alone (then
		// nothing comes back); a row back means the evaluation was not submitted before.
		const id = newId();
		let [row] = submitted ? await submitNewOrDraft(t, { ...values, id }) : [];
		let wasSubmitted = false;
		if (!row) {
			const [before] = await stateQuery(t, { itemId: s.itemId, evaluatorId: s.evaluatorId });
			wasSubmitted = before?.state === 'submitted';
			[row] = await (submitted ? upsertSubmitted : upsertDraft)(t, { ...values, id });
			// A first save that submits is marked touched by countSubmission below.
			if (!before && !submitted) await touchItem(t, s.itemId);
		}
		if (submitted !== wasSubmitted) await countSubmission(t, s.projectId, s.itemId, submitted ? 1 : -1);
		else if (submitted) await bumpEvaluationSeq(t, s.projectId);
		if (submitted) {
			await markAssignment(t, s.itemId, s.evaluatorId, 'done');
			await audit(t, {
				actorId: s.evaluatorId,
				projectId: s.projectId,
				action: 'evaluation.submit',
				entityType: 'evaluation',
				entityId: row.id,
				data: { itemId: s.itemId, scores: s.input.scores }
			});
		}
		return { row, wasSubmitted };
	});
}

const stateQuery = prepared((db) =>
	db
		.select({ state: evaluations.state })
		.from(evaluations)
		.where(
			and(
				eq(evaluations.itemId, sql.placeholder('itemId')),
				eq(evaluations.evaluatorId, sql.placeholder('evaluatorId'))
			)
		)
		.limit(1)
		.prepare()
);

const ph = (name: string) => sql.placeholder(name);

/** What a save writes of an evaluation's content, as placeholders named after its fields. */
const contentValues = {
	rubricId: ph('rubricId'),
	rubricVersion: ph('rubricVersion'),
	guidelineVersionId: ph('guidelineVersionId'),
	scores: ph('scores'),
	flags: ph('flags'),
	tags: ph('tags'),
	spans: ph('spans'),
	rationale: ph('rationale'),
	sources: ph('sources'),
	timeSpentMs: ph('timeSpentMs'),
	suggestionId: ph('suggestionId')
};

/**
 * The save's upsert, prepared once per state: the values of the row to insert replace the existing one's (with
 * `overDraftOnly`, only a draft's: a submitted row is left as it is and nothing is returned).
 */
function upsert(state: 'draft' | 'submitted', overDraftOnly = false) {
	const excluded = (column: string) => sql.raw(`excluded.${column}`);
	return prepared((db) =>
		db
			.insert(evaluations)
			.values({
				id: ph('id'),
				projectId: ph('projectId'),
				itemId: ph('itemId'),
				evaluatorId: ph('evaluatorId'),
				...contentValues,
				state,
				reviewRequestedAt: null,
				createdAt: ph('createdAt'),
				updatedAt: ph('updatedAt'),
				submittedAt: ph('submittedAt')
			})
			.onConflictDoUpdate({
				target: [evaluations.itemId, evaluations.evaluatorId],
				set: {
					rubricId: excluded('rubric_id'),
					rubricVersion: excluded('rubric_version'),
					guidelineVersionId: excluded('guideline_version_id'),
					scores: excluded('scores'),
					flags: excluded('flags'),
					tags: excluded('tags'),
					spans: excluded('spans'),
					rationale: excluded('rationale'),
					sources: excluded('sources'),
					timeSpentMs: excluded('time_spent_ms'),
					suggestionId: excluded('suggestion_id'),
					state: excluded('state'),
					updatedAt: excluded('updated_at'),
					submittedAt: excluded('submitted_at'),
					// Submitting answers a re-review request; a draft keeps it open.
					...(state === 'submitted' ? { reviewRequestedAt: null } : {})
				},
				...(overDraftOnly ? { setWhere: eq(evaluations.state, 'draft') } : {})
			})
			.returning()
			.prepare()
	);
}
const upsertDraft = upsert('draft');
const upsertSubmitted = upsert('submitted');
const submitNewOrDraft = upsert('submitted', true);

/**
 * An autosave of a draft: its content and time, nothing that an index holds (state, submission, re-review), so
 * the save rewrites the row alone (a third cheaper than the upsert, which rewrites every index entry it sets).
 * `guarded`: only while the context the save was checked against still holds (autosaveUnchanged).
 */
function draftUpdate(guarded: boolean) {
	const unchanged = [
		sql`coalesce((select ${memberships.role} from ${memberships} where ${memberships.projectId} = ${ph('projectId')}
			and ${memberships.userId} = ${ph('evaluatorId')}), '') = ${ph('role')}`,
		sql`(select ${projects.settings} from ${projects} where ${projects.id} = ${ph('projectId')}) = ${ph('settingsJson')}`,
		sql`coalesce(${currentVersionId(ph('projectId'))}, '') = ${ph('currentVersion')}`
	];
	return prepared((db) =>
		db
			.update(evaluations)
			// drizzle encodes a placeholder in SET with its column (JSON as text), as in VALUES; only its types say no
			.set({ ...contentValues, updatedAt: ph('updatedAt') } as unknown as Partial<typeof evaluations.$inferInsert>)
			.where(
				and(
					eq(evaluations.itemId, ph('itemId')),
					eq(evaluations.evaluatorId, ph('evaluatorId')),
					eq(evaluations.state, 'draft'),
					...(guarded ? unchanged : [])
				)
			)
			.returning()
			.prepare()
	);
}
const updateDraft = draftUpdate(false);
const updateDraftIfUnchanged = draftUpdate(true);

/**
 * An autosave of a draft checked against a context known from before (knownSaveContext) instead of one read now:
 * one statement that writes only while the caller's role, the project's settings and its current guideline
 * version are still those of `known`. The row saved, or undefined when nothing was written (no draft, or the
 * context changed): then save as usual, from a context read anew. Whatever a save's checks read from the context
 * and could change must be among these conditions (the item's project and modality never change, nor do rubrics).
 */
export async function autosaveUnchanged(
	db: Db,
	s: SaveEvaluation,
	known: ItemForSave
): Promise<EvaluationRow | undefined> {
	const [row] = await updateDraftIfUnchanged(db, {
		...saveValues(s, Date.now()),
		role: known.role ?? '',
		settingsJson: known.settingsJson,
		currentVersion: known.guidelineVersionId ?? ''
	});
	return row;
}

/** The scores of the item's submitted evaluations, oldest first (what its agreement is computed from). */
export async function submittedScores(db: Db, itemId: string): Promise<Scores[]> {
	return (await submittedScoresQuery(db, { itemId })).map((r) => r.scores as Scores);
}

const submittedScoresQuery = prepared((db) =>
	db
		.select({ scores: evaluations.scores })
		.from(evaluations)
		.where(and(eq(evaluations.itemId, sql.placeholder('itemId')), eq(evaluations.state, 'submitted')))
		.orderBy(asc(evaluations.createdAt))
		.prepare()
);

export async function evaluationsForItems(
	db: Db,
	itemIds: string[],
	opts: { evaluatorId?: string; submittedOnly?: boolean } = {}
): Promise<Evaluation[]> {
	if (!itemIds.length) return [];
	const conds = [inArray(evaluations.itemId, itemIds)];
	if (opts.evaluatorId) conds.push(eq(evaluations.evaluatorId, opts.evaluatorId));
	if (opts.submittedOnly) conds.push(eq(evaluations.state, 'submitted'));
	const found = await db
		.select({ e: evaluations, name: users.name })
		.from(evaluations)
		.innerJoin(users, eq(users.id, evaluations.evaluatorId))
		.where(and(...conds))
		.orderBy(asc(evaluations.createdAt));
	return found.map((r) => toEvaluation(r.e, r.name));
}

/** Whether the user has a submitted evaluation of the item: the fact the blind rule (domain/blind.ts) turns on. */
export async function hasSubmitted(db: Db, itemId: string, userId: string): Promise<boolean> {
	const found = await first(
		db
			.select({ id: evaluations.id })
			.from(evaluations)
			.where(
				and(eq(evaluations.itemId, itemId), eq(evaluations.evaluatorId, userId), eq(evaluations.state, 'submitted'))
			)
			.limit(1)
	);
	return found !== undefined;
}
