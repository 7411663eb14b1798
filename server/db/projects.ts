// Projects, memberships and rubrics. A rubric's versions are numbered 1, 2, … per family without gaps or
// duplicates, also when two nodes add a version of the same rubric at the same moment.
import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first, prepared, serialize } from './client';
import { memberships, projects, rubrics, users, type ProjectSettings } from '../../drizzle/schema';
import type { Rubric, RubricDefinition } from '#shared/rubric';
import type { ProjectRole, Role } from '#shared/roles';
import { Conflict } from '../domain/errors';
import { projectRole } from '../domain/permissions';
import { newId } from '../domain/ids';
import { audit } from './audit';
import type { PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';

export const DEFAULT_SETTINGS: ProjectSettings = { overlap: 3, agreementThreshold: 0.4, minEvaluations: 3 };

export interface ProjectView {
	id: string;
	name: string;
	description: string;
	settings: ProjectSettings;
	createdAt: number;
	/** The caller's role: their membership's, or 'admin' in a project an admin is not a member of. */
	role: ProjectRole | null;
}

export type ProjectRow = typeof projects.$inferSelect;
type ProjectListRow = { p: ProjectRow; role: Role | null };

/** 0 for the caller's own projects, 1 for the others an admin sees: the caller's come first. */
const notMine = sql<number>`case when ${memberships.role} is null then 1 else 0 end`;
const projectOrder = ordered<ProjectListRow>(
	'projects',
	'asc',
	{ expr: notMine, type: 'number', of: (r) => (r.role === null ? 1 : 0) },
	{ expr: projects.name, type: 'text', of: (r) => r.p.name },
	{ expr: projects.id, type: 'text', of: (r) => r.p.id }
);

/**
 * One page of the projects the caller belongs to by name (names compared bytewise on both dialects), then, for an
 * admin, every other project by name with no role.
 */
export async function projectsFor(
	db: Db,
	userId: string,
	isAdmin: boolean,
	page: PageRequest
): Promise<{ projects: ProjectView[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, projectOrder, page);
	const found = await db
		.select({ p: projects, role: memberships.role })
		.from(projects)
		.leftJoin(memberships, and(eq(memberships.projectId, projects.id), eq(memberships.userId, userId)))
		.where(and(isAdmin ? undefined : isNotNull(memberships.role), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	return { projects: rows.map((r) => ({ ...r.p, role: projectRole(isAdmin, r.role) })), nextCursor };
}

const projectQuery = prepared((db) =>
	db
		.select()
		.from(projects)
		.where(eq(projects.id, sql.placeholder('id')))
		.limit(1)
		.prepare()
);

export async function getProject(db: Db, id: string): Promise<ProjectRow | undefined> {
	return (await projectQuery(db, { id }))[0];
}

/** The project and the user's role in it (null: not a member), in one query; undefined when there is no project. */
export async function projectWithRole(
	db: Db,
	projectId: string,
	userId: string
): Promise<{ project: ProjectRow; role: Role | null } | undefined> {
	return (await projectWithRoleQuery(db, { projectId, userId }))[0];
}

const projectWithRoleQuery = prepared((db) =>
	db
		.select({ project: projects, role: memberships.role })
		.from(projects)
		.leftJoin(
			memberships,
			and(eq(memberships.projectId, projects.id), eq(memberships.userId, sql.placeholder('userId')))
		)
		.where(eq(projects.id, sql.placeholder('projectId')))
		.limit(1)
		.prepare()
);

export async function createProject(
	db: Db,
	input: { name: string; description?: string; settings?: Partial<ProjectSettings> },
	actorId: string
) {
	const row = {
		id: newId(),
		name: input.name,
		description: input.description ?? '',
		settings: { ...DEFAULT_SETTINGS, ...input.settings },
		createdAt: Date.now()
	};
	await db.insert(projects).values(row);
	await audit(db, {
		actorId,
		projectId: row.id,
		action: 'project.create',
		entityType: 'project',
		entityId: row.id,
		data: { name: row.name }
	});
	return row;
}

/** What the last lead guard says, wherever a membership change would leave a project without a lead. */
const LAST_LEAD =
	'A project needs a quality lead: this person is its only one. Make someone else lead first, then try again';

/**
 * The one rule for every change of a membership (leave, removal, role change): a project's last lead can neither
 * leave, be removed nor be demoted (409). Call inside the change's transaction: it takes the project's lead lock
 * first (PostgreSQL; SQLite's transactions already exclude each other), so of two leads demoting or removing each
 * other at once, the second sees the first's change and is refused.
 */
async function assertLeadRemains(t: Db, projectId: string, userId: string, next: Role | null): Promise<void> {
	if (await wouldLoseLastLead(t, projectId, userId, next)) throw Conflict(LAST_LEAD);
}

/** Whether giving `userId` the role `next` (null: no membership) would leave the project without a lead. */
export async function wouldLoseLastLead(t: Db, projectId: string, userId: string, next: Role | null): Promise<boolean> {
	if (next === 'lead') return false;
	await serialize(t, `leads:${projectId}`);
	const leads = await t
		.select({ userId: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.projectId, projectId), eq(memberships.role, 'lead')));
	return leads.length === 1 && leads[0].userId === userId;
}

/** Adds a member or changes their role (never the project's last lead away from lead); audited. */
export async function setMembership(
	db: Db,
	projectId: string,
	userId: string,
	role: Role,
	actorId: string | null
): Promise<void> {
	await assertLeadRemains(db, projectId, userId, role);
	await db
		.insert(memberships)
		.values({ projectId, userId, role, createdAt: Date.now() })
		.onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role } });
	await audit(db, {
		actorId,
		projectId,
		action: 'membership.set',
		entityType: 'user',
		entityId: userId,
		data: { role }
	});
}

/**
 * Ends a membership (never the project's last lead's); audited as `membership.leave` when the member leaves,
 * `membership.remove` when someone (null: Concord itself, e.g. the identity provider's role map) removes them, with
 * `detail` as the row's data. False when the user was not a member.
 */
export async function removeMembership(
	db: Db,
	projectId: string,
	userId: string,
	actorId: string | null,
	detail?: Record<string, unknown>
): Promise<boolean> {
	await assertLeadRemains(db, projectId, userId, null);
	const removed = await db
		.delete(memberships)
		.where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
		.returning({ userId: memberships.userId });
	if (removed.length === 0) return false;
	const action = actorId === userId ? 'membership.leave' : 'membership.remove';
	await audit(db, { actorId, projectId, action, entityType: 'user', entityId: userId, data: detail });
	return true;
}

export interface MemberRow {
	id: string;
	name: string;
	email: string;
	role: Role;
}

const membersByName = ordered<MemberRow>(
	'members',
	'asc',
	{ expr: users.name, type: 'text', of: (m) => m.name },
	{ expr: users.id, type: 'text', of: (m) => m.id }
);

/** One page of a project's members by name (compared bytewise on both dialects). */
export async function projectMembers(
	db: Db,
	projectId: string,
	page: PageRequest
): Promise<{ members: MemberRow[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, membersByName, page);
	const found = await db
		.select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(and(eq(memberships.projectId, projectId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	return { members: rows, nextCursor };
}

type RubricRow = typeof rubrics.$inferSelect;
const toRubric = (r: RubricRow): Rubric => ({
	id: r.id,
	projectId: r.projectId,
	name: r.name,
	version: r.version,
	createdAt: r.createdAt,
	...r.definition
});

/** The newest version of every rubric in a project. */
export async function latestRubrics(db: Db, projectId: string): Promise<Rubric[]> {
	const found = await db
		.select()
		.from(rubrics)
		.where(eq(rubrics.projectId, projectId))
		.orderBy(desc(rubrics.version), asc(rubrics.createdAt));
	const seen = new Set<string>();
	return found.filter((r) => !seen.has(r.familyId) && seen.add(r.familyId)).map(toRubric);
}

/** Rubric versions are never changed once written (a change is a new version), so each is read once. */
const rubricCache = new Map<string, Rubric>();
const RUBRIC_CACHE_SIZE = 1000;

const rubricQuery = prepared((db) =>
	db
		.select()
		.from(rubrics)
		.where(eq(rubrics.id, sql.placeholder('id')))
		.limit(1)
		.prepare()
);

export async function getRubric(db: Db, id: string): Promise<Rubric | undefined> {
	const cached = rubricCache.get(id);
	if (cached) return cached;
	const [row] = await rubricQuery(db, { id });
	if (!row) return undefined;
	const rubric = toRubric(row);
	if (rubricCache.size >= RUBRIC_CACHE_SIZE) rubricCache.delete(rubricCache.keys().next().value as string);
	rubricCache.set(id, rubric);
	return rubric;
}

export async function getRubrics(db: Db, ids: string[]): Promise<Rubric[]> {
	if (!ids.length) return [];
	return (await db.select().from(rubrics).where(inArray(rubrics.id, ids))).map(toRubric);
}

/** The family a rubric version belongs to, and whether it is that family's newest version. */
export async function rubricFamily(db: Db, id: string): Promise<{ familyId: string; newest: boolean } | undefined> {
	const row = await first(
		db.select({ familyId: rubrics.familyId, version: rubrics.version }).from(rubrics).where(eq(rubrics.id, id)).limit(1)
	);
	if (!row) return undefined;
	const newer = await first(
		db
			.select({ id: rubrics.id })
			.from(rubrics)
			.where(and(eq(rubrics.familyId, row.familyId), sql`${rubrics.version} > ${row.version}`))
			.limit(1)
	);
	return { familyId: row.familyId, newest: !newer };
}

/** How often a new version is numbered again after losing its number to a concurrent one. */
const MAX_VERSION_ATTEMPTS = 5;

/**
 * Adds a rubric, or the next version of the family `familyId`; audited. When another node adds a version of the
 * same family at the same moment, the unique (family, version) index turns one insert away and that one takes
 * the next number (the retry reads the version committed meanwhile: each statement sees the latest commits).
 */
export async function createRubric(
	db: Db,
	projectId: string,
	name: string,
	definition: RubricDefinition,
	actorId: string | null,
	familyId?: string
): Promise<Rubric> {
	for (let attempt = 1; ; attempt++) {
		const prev = familyId
			? await first(
					db
						.select({ version: rubrics.version })
						.from(rubrics)
						.where(eq(rubrics.familyId, familyId))
						.orderBy(desc(rubrics.version))
						.limit(1)
				)
			: undefined;
		const row = {
			id: newId(),
			projectId,
			familyId: familyId ?? newId(),
			name,
			version: (prev?.version ?? 0) + 1,
			definition,
			createdAt: Date.now()
		};
		const inserted = await db.insert(rubrics).values(row).onConflictDoNothing().returning({ id: rubrics.id });
		if (!inserted.length) {
			if (attempt < MAX_VERSION_ATTEMPTS) continue;
			throw Conflict('The rubric is being changed by someone else; try again');
		}
		await audit(db, {
			actorId,
			projectId,
			action: 'rubric.create',
			entityType: 'rubric',
			entityId: row.id,
			data: { version: row.version }
		});
		return toRubric(row);
	}
}
