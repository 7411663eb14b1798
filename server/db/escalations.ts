// Escalation rows: opening (manual or automatic), state transitions as conditional updates (the WHERE clause
// names the states the transition may start from, so of two racing callers exactly one changes the row),
// lookups by item, and who is involved. Every write is audited by the caller's transaction.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { first, prepared, type Db } from './client';
import {
	escalations,
	evaluations,
	guidelineVersions,
	guidelines,
	items,
	memberships,
	users
} from '../../drizzle/schema';
import type { EscalationState, EscalationVerdict, EscalationView, VerdictReasonCode } from '#shared/escalation';
import { dimensionsFor, type Rubric } from '#shared/rubric';
import { newId } from '../domain/ids';
import { getRubric, latestRubrics } from './projects';
import { audit } from './audit';
import { setGold } from './items';
import { notify } from './notifications';

export type EscalationRow = typeof escalations.$inferSelect;

function person(id: string | null, name: string | null) {
	return id ? { id, name: name ?? '' } : null;
}

function toEscalationView(r: EscalationRow, openerName: string | null, claimerName: string | null): EscalationView {
	const verdict: EscalationVerdict | null = r.verdictScores
		? {
				scores: r.verdictScores as EscalationVerdict['scores'],
				reasonCode: r.reasonCode as VerdictReasonCode,
				note: r.verdictNote ?? '',
				guidelineVersionId: r.guidelineVersionId
			}
		: null;
	return {
		id: r.id,
		projectId: r.projectId,
		itemId: r.itemId,
		source: r.source,
		reason: r.reason,
		note: r.note,
		dimension: r.dimension,
		state: r.state,
		openedBy: person(r.openedBy, openerName),
		claimedBy: person(r.claimedBy, claimerName),
		createdAt: r.createdAt,
		claimedAt: r.claimedAt,
		closedAt: r.closedAt,
		closeNote: r.verdictNote,
		verdict
	};
}

/** The name of the user a column points at (a subquery: the two people of an escalation are both users). */
const nameOf = (column: typeof escalations.openedBy | typeof escalations.claimedBy) =>
	sql<string | null>`(select u.name from users u where u.id = ${column})`;

/** The columns of an escalation's view: its row and the names of who opened and who claimed it. */
export const viewColumns = {
	e: escalations,
	openerName: nameOf(escalations.openedBy),
	claimerName: nameOf(escalations.claimedBy)
};

/** Escalation rows with the names of who opened and who claimed them. */
function selectViews(db: Db) {
	return db.select(viewColumns).from(escalations);
}

export const rowToView = (r: { e: EscalationRow; openerName: string | null; claimerName: string | null }) =>
	toEscalationView(r.e, r.openerName, r.claimerName);

export function getEscalation(db: Db, id: string): Promise<EscalationRow | undefined> {
	return first(db.select().from(escalations).where(eq(escalations.id, id)).limit(1));
}

export async function getEscalationView(db: Db, id: string): Promise<EscalationView | undefined> {
	const row = await first(selectViews(db).where(eq(escalations.id, id)).limit(1));
	return row && rowToView(row);
}

export async function escalationViewsForItem(db: Db, itemId: string): Promise<EscalationView[]> {
	return (await selectViews(db).where(eq(escalations.itemId, itemId)).orderBy(asc(escalations.createdAt))).map(
		rowToView
	);
}

export function escalationsOfItem(db: Db, itemId: string): Promise<EscalationRow[]> {
	return escalationsOfItemQuery(db, { itemId });
}

const escalationsOfItemQuery = prepared((db) =>
	db
		.select()
		.from(escalations)
		.where(eq(escalations.itemId, sql.placeholder('itemId')))
		.prepare()
);

/**
 * Takes the item's row until the transaction ends (a no-op update), so escalations of one item are opened one
 * after the other on every node: on PostgreSQL (read committed) a second opening waits here for the first to
 * commit, and its duplicate check then sees it; on SQLite the immediate transaction already serialises them.
 * Call it first in the transaction, before reading the item's escalations.
 */
export async function holdItem(t: Db, itemId: string): Promise<void> {
	await holdQuery(t, { itemId });
}

const holdQuery = prepared((db) =>
	db
		.update(items)
		.set({ createdAt: sql`${items.createdAt}` })
		.where(eq(items.id, sql.placeholder('itemId')))
		.prepare()
);

export interface OpenEscalation {
	projectId: string;
	itemId: string;
	source: 'manual' | 'auto';
	openedBy: string | null;
	reason: string;
	note: string;
	dimension: string | null;
}

export async function openEscalation(db: Db, input: OpenEscalation): Promise<EscalationRow> {
	const [row] = await db
		.insert(escalations)
		.values({ id: newId(), ...input, state: 'open', createdAt: Date.now() })
		.returning();
	await audit(db, {
		actorId: input.openedBy,
		projectId: input.projectId,
		action: 'escalation.open',
		entityType: 'escalation',
		entityId: row.id,
		data: {
			itemId: input.itemId,
			source: input.source,
			reason: input.reason,
			dimension: input.dimension,
			note: input.note
		}
	});
	return row;
}

export interface TransitionChange {
	to: EscalationState;
	set: Partial<Omit<EscalationRow, 'id' | 'projectId' | 'itemId' | 'state'>>;
	actorId: string;
	action: string;
	data?: Record<string, unknown>;
}

/**
 * Moves an escalation to `to` only if it is still in one of `from`; returns the updated row, or undefined when
 * another caller changed the state first. Audited in the caller's transaction.
 */
export async function transitionEscalation(
	db: Db,
	id: string,
	from: readonly EscalationState[],
	change: TransitionChange
): Promise<EscalationRow | undefined> {
	const row = await first(
		db
			.update(escalations)
			.set({ ...change.set, state: change.to })
			.where(and(eq(escalations.id, id), inArray(escalations.state, [...from])))
			.returning()
	);
	if (row) {
		await audit(db, {
			actorId: change.actorId,
			projectId: row.projectId,
			action: change.action,
			entityType: 'escalation',
			entityId: id,
			data: { from, to: change.to, ...change.data }
		});
	}
	return row;
}

/** Opens an evaluator's (or lead's) escalation of an item and tells the project's other leads. */
export async function openManualEscalation(
	db: Db,
	item: { id: string; projectId: string },
	by: { id: string; name: string },
	reason: string,
	note: string
): Promise<EscalationRow> {
	const opened = await openEscalation(db, {
		projectId: item.projectId,
		itemId: item.id,
		source: 'manual',
		openedBy: by.id,
		reason,
		note,
		dimension: null
	});
	await notify(
		db,
		(await projectLeadIds(db, item.projectId)).filter((id) => id !== by.id),
		{
			projectId: item.projectId,
			kind: 'escalation.opened',
			data: { escalationId: opened.id, itemId: item.id, reason, by: by.name }
		}
	);
	return opened;
}

/** A lead's verdict, with the rubric its scores were checked against. */
export interface Verdict extends EscalationVerdict {
	rubricId: string;
}

/** What a verdict writes on its escalation (the in_review → resolved transition's change). */
export function verdictChange(v: Verdict, now: number): Pick<TransitionChange, 'set' | 'data'> {
	return {
		set: {
			verdictScores: v.scores,
			reasonCode: v.reasonCode,
			verdictNote: v.note,
			guidelineVersionId: v.guidelineVersionId,
			closedAt: now
		},
		data: { scores: v.scores, reasonCode: v.reasonCode, rubricId: v.rubricId }
	};
}

/** What a verdict does beyond its escalation: it becomes the item's gold answer, and the people involved hear of it. */
export async function applyVerdict(
	db: Db,
	resolved: EscalationRow,
	v: Verdict,
	actorId: string,
	now: number
): Promise<void> {
	await setGold(db, resolved.itemId, {
		scores: v.scores,
		note: v.note,
		source: 'verdict',
		escalationId: resolved.id,
		reasonCode: v.reasonCode,
		rubricId: v.rubricId,
		decidedBy: actorId,
		decidedAt: now
	});
	const recipients = [
		...(await submittedEvaluators(db, resolved.itemId)).map((u) => u.id),
		...(resolved.openedBy ? [resolved.openedBy] : [])
	].filter((u) => u !== actorId);
	await notify(db, recipients, {
		projectId: resolved.projectId,
		kind: 'escalation.resolved',
		data: { escalationId: resolved.id, itemId: resolved.itemId, reasonCode: v.reasonCode }
	});
}

/** Evaluators who submitted an evaluation of the item, with their names. */
export function submittedEvaluators(db: Db, itemId: string): Promise<{ id: string; name: string }[]> {
	return db
		.select({ id: users.id, name: users.name })
		.from(evaluations)
		.innerJoin(users, eq(users.id, evaluations.evaluatorId))
		.where(and(eq(evaluations.itemId, itemId), eq(evaluations.state, 'submitted')));
}

/**
 * The rubric an item is judged by: the one its newest submitted evaluation used, else the newest rubric of the
 * project that has dimensions for the item's modality.
 */
export async function rubricForItem(
	db: Db,
	item: { id: string; projectId: string; modality: string }
): Promise<Rubric | null> {
	const [used] = await usedRubricQuery(db, { itemId: item.id });
	if (used) return (await getRubric(db, used.rubricId)) ?? null;
	return newestFor(await latestRubrics(db, item.projectId), item.modality);
}

const newestFor = (latest: Rubric[], modality: string) =>
	latest.find((r) => dimensionsFor(r, modality).length > 0) ?? null;

/** rubricForItem for a page of one project's items (a judge run's), in two queries; by item id. */
export async function rubricsForItems(
	db: Db,
	projectId: string,
	page: readonly { id: string; modality: string }[]
): Promise<Map<string, Rubric | null>> {
	const found = new Map<string, Rubric | null>();
	if (!page.length) return found;
	const used = new Map<string, string>();
	const rows = await db
		.select({ itemId: evaluations.itemId, rubricId: evaluations.rubricId })
		.from(evaluations)
		.where(
			and(
				inArray(
					evaluations.itemId,
					page.map((i) => i.id)
				),
				eq(evaluations.state, 'submitted')
			)
		)
		.orderBy(sql`${evaluations.submittedAt} desc nulls last`);
	for (const r of rows) if (!used.has(r.itemId)) used.set(r.itemId, r.rubricId);
	const latest = used.size < page.length ? await latestRubrics(db, projectId) : [];
	for (const item of page) {
		const usedId = used.get(item.id);
		found.set(item.id, usedId ? ((await getRubric(db, usedId)) ?? null) : newestFor(latest, item.modality));
	}
	return found;
}

const usedRubricQuery = prepared((db) =>
	db
		.select({ rubricId: evaluations.rubricId })
		.from(evaluations)
		.where(and(eq(evaluations.itemId, sql.placeholder('itemId')), eq(evaluations.state, 'submitted')))
		.orderBy(sql`${evaluations.submittedAt} desc nulls last`)
		.limit(1)
		.prepare()
);

/** Ids of the project's leads (they hear about new escalations). */
export async function projectLeadIds(db: Db, projectId: string): Promise<string[]> {
	const leads = await db
		.select({ id: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.projectId, projectId), eq(memberships.role, 'lead')));
	return leads.map((r) => r.id);
}

export async function guidelineVersionInProject(db: Db, projectId: string, versionId: string): Promise<boolean> {
	return !!(await first(
		db
			.select({ id: guidelineVersions.id })
			.from(guidelineVersions)
			.innerJoin(guidelines, eq(guidelines.id, guidelineVersions.guidelineId))
			.where(and(eq(guidelineVersions.id, versionId), eq(guidelines.projectId, projectId)))
			.limit(1)
	));
}
