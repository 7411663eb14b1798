// Guideline documents, their published versions (frozen content + Markdown, independent of the Yjs log),
// the escalations a version resolves, acknowledgements, and sending evaluations back for review (which ones a
// version touches: guideline-affected.ts). The lists (guidelines, versions, acknowledgements) page by cursor.
// Writes take the caller's transaction and write their audit row in it. A write that must happen once (a version
// number, an acknowledgement, a re-review request) is decided by the database (a unique key or a conditional
// update), not by a read before it, so nodes writing at the same moment cannot both succeed.
import { and, asc, count, desc, eq, inArray, isNull, max } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
import {
	escalations,
	evaluations,
	guidelineAcks,
	guidelineVersionEscalations,
	guidelineVersions,
	guidelines,
	memberships,
	users
} from '../../drizzle/schema';
import type { AckRow, GuidelineSummary, GuidelineVersionSummary, GuidelineVersionView } from '#shared/guideline';
import type { PmNode } from '#shared/markdown-doc';
import { ROLES, type ProjectRole } from '#shared/roles';
import type { PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';
import { can } from '../domain/permissions';
import { newId } from '../domain/ids';
import { Conflict, Validation } from '../domain/errors';
import { bumpEvaluationSeq } from './project-counts';
import { audit } from './audit';
import { currentGuidelineVersion } from './evaluations';

export type GuidelineRow = typeof guidelines.$inferSelect;
export type VersionRow = typeof guidelineVersions.$inferSelect;

export function getGuideline(db: Db, id: string): Promise<GuidelineRow | undefined> {
	return first(db.select().from(guidelines).where(eq(guidelines.id, id)).limit(1));
}

export async function createGuideline(
	db: Db,
	projectId: string,
	title: string,
	actorId: string
): Promise<GuidelineRow> {
	const [row] = await db
		.insert(guidelines)
		.values({ id: newId(), projectId, title, createdBy: actorId, createdAt: Date.now() })
		.returning();
	await audit(db, {
		actorId,
		projectId,
		action: 'guideline.create',
		entityType: 'guideline',
		entityId: row.id,
		data: { title }
	});
	return row;
}

export function latestVersion(db: Db, guidelineId: string): Promise<VersionRow | undefined> {
	return first(
		db
			.select()
			.from(guidelineVersions)
			.where(eq(guidelineVersions.guidelineId, guidelineId))
			.orderBy(desc(guidelineVersions.number))
			.limit(1)
	);
}

async function summaries(db: Db, rows: { v: VersionRow; name: string | null }[]): Promise<GuidelineVersionSummary[]> {
	const ids = rows.map((r) => r.v.id);
	const links = ids.length
		? await db
				.select()
				.from(guidelineVersionEscalations)
				.where(inArray(guidelineVersionEscalations.versionId, ids))
				.orderBy(asc(guidelineVersionEscalations.versionId), asc(guidelineVersionEscalations.escalationId))
		: [];
	return rows.map(({ v, name }) => ({
		id: v.id,
		number: v.number,
		changelog: v.changelog,
		dimensions: v.dimensions,
		publishedAt: v.publishedAt,
		publishedBy: v.publishedBy ? { id: v.publishedBy, name: name ?? '' } : null,
		escalationIds: links.filter((l) => l.versionId === v.id).map((l) => l.escalationId)
	}));
}

const versionsWithPublisher = (db: Db) =>
	db
		.select({ v: guidelineVersions, name: users.name })
		.from(guidelineVersions)
		.leftJoin(users, eq(users.id, guidelineVersions.publishedBy));

/** Versions newest first: the number is unique within a guideline. */
const newestVersionFirst = ordered<{ v: VersionRow }>('guideline-versions', 'desc', {
	expr: guidelineVersions.number,
	type: 'number',
	of: (r) => r.v.number
});

/** One page of a guideline's versions, newest first. */
export async function versionSummaries(
	db: Db,
	guidelineId: string,
	page: PageRequest
): Promise<{ versions: GuidelineVersionSummary[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, newestVersionFirst, page);
	const found = await versionsWithPublisher(db)
		.where(and(eq(guidelineVersions.guidelineId, guidelineId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	return { versions: await summaries(db, rows), nextCursor };
}

export function getVersionRow(db: Db, guidelineId: string, number: number): Promise<VersionRow | undefined> {
	return first(
		db
			.select()
			.from(guidelineVersions)
			.where(and(eq(guidelineVersions.guidelineId, guidelineId), eq(guidelineVersions.number, number)))
			.limit(1)
	);
}

export async function getVersion(
	db: Db,
	guidelineId: string,
	number: number
): Promise<GuidelineVersionView | undefined> {
	const row = await first(
		versionsWithPublisher(db)
			.where(and(eq(guidelineVersions.guidelineId, guidelineId), eq(guidelineVersions.number, number)))
			.limit(1)
	);
	if (!row) return undefined;
	return { ...(await summaries(db, [row]))[0], content: row.v.content as PmNode, markdown: row.v.markdown };
}

async function acknowledgedNumber(db: Db, guidelineId: string, userId: string): Promise<number | null> {
	const found = await first(
		db
			.select({ n: max(guidelineVersions.number) })
			.from(guidelineAcks)
			.innerJoin(guidelineVersions, eq(guidelineVersions.id, guidelineAcks.versionId))
			.where(and(eq(guidelineVersions.guidelineId, guidelineId), eq(guidelineAcks.userId, userId)))
	);
	return found?.n ?? null;
}

function ackOf(db: Db, versionId: string, userId: string): Promise<{ at: number } | undefined> {
	return first(
		db
			.select({ at: guidelineAcks.at })
			.from(guidelineAcks)
			.where(and(eq(guidelineAcks.versionId, versionId), eq(guidelineAcks.userId, userId)))
			.limit(1)
	);
}

/** The guideline as the caller sees it in lists: current version, and whether they still have to acknowledge it. */
export async function guidelineSummary(
	db: Db,
	g: GuidelineRow,
	caller: { id: string; role: ProjectRole | null; isAdmin: boolean }
): Promise<GuidelineSummary> {
	const current = (await versionSummaries(db, g.id, { limit: 1 })).versions[0] ?? null;
	const versionCount = await first(
		db.select({ n: count() }).from(guidelineVersions).where(eq(guidelineVersions.guidelineId, g.id))
	);
	const canAcknowledge = can({ isAdmin: caller.isAdmin, role: caller.role }, 'guideline.acknowledge');
	return {
		id: g.id,
		projectId: g.projectId,
		title: g.title,
		createdAt: g.createdAt,
		current,
		versionCount: Number(versionCount?.n ?? 0),
		gatesEvaluation: (await currentGuidelineVersion(db, g.projectId))?.guidelineId === g.id,
		ack: {
			acknowledged: await acknowledgedNumber(db, g.id, caller.id),
			pending: !!current && canAcknowledge && !(await ackOf(db, current.id, caller.id)),
			canAcknowledge
		}
	};
}

const guidelinesOldestFirst = ordered<GuidelineRow>(
	'guidelines',
	'asc',
	{ expr: guidelines.createdAt, type: 'number', of: (g) => g.createdAt },
	{ expr: guidelines.id, type: 'text', of: (g) => g.id }
);

/** One page of a project's guidelines, oldest first. */
export async function guidelinesOf(
	db: Db,
	projectId: string,
	page: PageRequest
): Promise<{ rows: GuidelineRow[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, guidelinesOldestFirst, page);
	const found = await db
		.select()
		.from(guidelines)
		.where(and(eq(guidelines.projectId, projectId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	return keyset.finish(found);
}

export interface Publication {
	guideline: GuidelineRow;
	number: number;
	content: PmNode;
	markdown: string;
	changelog: string;
	dimensions: string[];
	escalationIds: string[];
	actorId: string;
}

/** Stores version n and links the escalations it resolves (they must belong to the guideline's project). When
 * another publication took number n first (two nodes publishing at once), nothing is stored and it fails with a
 * conflict. */
export async function insertVersion(db: Db, p: Publication): Promise<VersionRow> {
	const escalationIds = [...new Set(p.escalationIds)];
	if (escalationIds.length) {
		const found = await db
			.select({ id: escalations.id })
			.from(escalations)
			.where(and(inArray(escalations.id, escalationIds), eq(escalations.projectId, p.guideline.projectId)));
		const missing = escalationIds.filter((id) => !found.some((f) => f.id === id));
		if (missing.length)
			throw Validation(
				'Unknown escalations',
				missing.map((id) => ({ path: 'escalationIds', message: `${id} is not an escalation of this project` }))
			);
	}
	const [version] = await db
		.insert(guidelineVersions)
		.values({
			id: newId(),
			guidelineId: p.guideline.id,
			number: p.number,
			content: p.content,
			markdown: p.markdown,
			changelog: p.changelog,
			dimensions: p.dimensions,
			publishedBy: p.actorId,
			publishedAt: Date.now()
		})
		.onConflictDoNothing({ target: [guidelineVersions.guidelineId, guidelineVersions.number] })
		.returning();
	if (!version) throw Conflict(`Version ${p.number} was published a moment ago; reload the guideline`);
	for (const escalationId of escalationIds)
		await db.insert(guidelineVersionEscalations).values({ versionId: version.id, escalationId });
	if (escalationIds.length)
		await db.update(escalations).set({ guidelineVersionId: version.id }).where(inArray(escalations.id, escalationIds));
	await audit(db, {
		actorId: p.actorId,
		projectId: p.guideline.projectId,
		action: 'guideline.publish',
		entityType: 'guideline',
		entityId: p.guideline.id,
		data: { versionId: version.id, number: p.number, changelog: p.changelog, dimensions: p.dimensions, escalationIds }
	});
	return version;
}

/** Records the caller's acknowledgement (idempotent: the first time is kept, and audited once). */
export async function acknowledge(db: Db, version: VersionRow, projectId: string, userId: string): Promise<number> {
	const [inserted] = await db
		.insert(guidelineAcks)
		.values({ versionId: version.id, userId, at: Date.now() })
		.onConflictDoNothing({ target: [guidelineAcks.versionId, guidelineAcks.userId] })
		.returning({ at: guidelineAcks.at });
	if (!inserted) {
		const existing = await ackOf(db, version.id, userId);
		if (!existing) throw new Error(`acknowledgement of ${version.id} by ${userId} vanished`);
		return existing.at;
	}
	await audit(db, {
		actorId: userId,
		projectId,
		action: 'guideline.acknowledge',
		entityType: 'guideline_version',
		entityId: version.id,
		data: { guidelineId: version.guidelineId, number: version.number }
	});
	return inserted.at;
}

/** The roles that acknowledge guidelines (from the permission table). */
const ACKNOWLEDGING_ROLES = ROLES.filter((role) => can({ isAdmin: false, role }, 'guideline.acknowledge'));

const acksByName = ordered<AckRow>(
	'version-acks',
	'asc',
	{ expr: users.name, type: 'text', of: (a) => a.name },
	{ expr: users.id, type: 'text', of: (a) => a.userId }
);

/**
 * One page of the members who acknowledge guidelines (evaluators and leads) by name, with when they acknowledged
 * this version, and how many of them in all have and have not.
 */
export async function versionAcks(
	db: Db,
	projectId: string,
	versionId: string,
	page: PageRequest
): Promise<{ acks: AckRow[]; acknowledged: number; pending: number; nextCursor: string | null }> {
	const acknowledging = and(eq(memberships.projectId, projectId), inArray(memberships.role, [...ACKNOWLEDGING_ROLES]));
	const ackOfMember = and(eq(guidelineAcks.userId, users.id), eq(guidelineAcks.versionId, versionId));
	const keyset = keysetPage(db, acksByName, page);
	const found = await db
		.select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, at: guidelineAcks.at })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.leftJoin(guidelineAcks, ackOfMember)
		.where(and(acknowledging, keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found.map((m) => ({ ...m, at: m.at ?? null })));
	const totals = await first(
		db
			.select({ all: count(), acknowledged: count(guidelineAcks.at) })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.leftJoin(guidelineAcks, ackOfMember)
			.where(acknowledging)
	);
	const acknowledged = Number(totals?.acknowledged ?? 0);
	return { acks: rows, acknowledged, pending: Number(totals?.all ?? 0) - acknowledged, nextCursor };
}

/** Marks evaluations for re-review (those not already waiting for one); returns the ones it changed. */
export async function requestRereview(
	db: Db,
	evaluationIds: string[],
	ctx: { projectId: string; guidelineId: string; number: number; actorId: string }
): Promise<{ id: string; evaluatorId: string; itemId: string }[]> {
	if (!evaluationIds.length) return [];
	const changed: { id: string; evaluatorId: string; itemId: string }[] = [];
	const now = Date.now();
	// In slices: a list of ids as SQL parameters stays far below SQLite's limit however many were affected.
	for (let i = 0; i < evaluationIds.length; i += 500) {
		changed.push(
			...(await db
				.update(evaluations)
				.set({ reviewRequestedAt: now })
				.where(and(inArray(evaluations.id, evaluationIds.slice(i, i + 500)), isNull(evaluations.reviewRequestedAt)))
				.returning({ id: evaluations.id, evaluatorId: evaluations.evaluatorId, itemId: evaluations.itemId }))
		);
	}
	if (changed.length) {
		await bumpEvaluationSeq(db, ctx.projectId);
		await audit(db, {
			actorId: ctx.actorId,
			projectId: ctx.projectId,
			action: 'guideline.rereview',
			entityType: 'guideline',
			entityId: ctx.guidelineId,
			data: { number: ctx.number, evaluationIds: changed.map((c) => c.id) }
		});
	}
	return changed;
}

/** Members who should hear about a new version (everyone who acknowledges guidelines). */
export async function acknowledgingMembers(db: Db, projectId: string): Promise<string[]> {
	return (
		await db
			.select({ id: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.projectId, projectId), inArray(memberships.role, [...ACKNOWLEDGING_ROLES])))
	).map((m) => m.id);
}
