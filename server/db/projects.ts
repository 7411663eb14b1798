// Projects, memberships and rubrics.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { memberships, projects, rubrics, users, type ProjectSettings } from '../../drizzle/schema';
import type { Rubric, RubricDefinition } from '#shared/rubric';
import type { Role } from '#shared/roles';
import { newId } from '../domain/ids';
import { audit } from './audit';

export const DEFAULT_SETTINGS: ProjectSettings = { overlap: 3, agreementThreshold: 0.4, minEvaluations: 3 };

export interface ProjectView {
	id: string;
	name: string;
	description: string;
	settings: ProjectSettings;
	createdAt: number;
	role: Role | null;
}

export function projectsFor(db: Db, userId: string, isAdmin: boolean): ProjectView[] {
	const mine = db
		.select({ p: projects, role: memberships.role })
		.from(memberships)
		.innerJoin(projects, eq(projects.id, memberships.projectId))
		.where(eq(memberships.userId, userId))
		.orderBy(asc(projects.name))
		.all()
		.map((r) => ({ ...r.p, role: r.role }));
	if (!isAdmin) return mine;
	const seen = new Set(mine.map((p) => p.id));
	const others = db
		.select()
		.from(projects)
		.orderBy(asc(projects.name))
		.all()
		.filter((p) => !seen.has(p.id));
	return [...mine, ...others.map((p) => ({ ...p, role: null }))];
}

export function getProject(db: Db, id: string) {
	return db.select().from(projects).where(eq(projects.id, id)).get();
}

export function createProject(
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
	db.insert(projects).values(row).run();
	audit(db, {
		actorId,
		projectId: row.id,
		action: 'project.create',
		entityType: 'project',
		entityId: row.id,
		data: { name: row.name }
	});
	return row;
}

export function setMembership(db: Db, projectId: string, userId: string, role: Role, actorId: string | null) {
	db.insert(memberships)
		.values({ projectId, userId, role, createdAt: Date.now() })
		.onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role } })
		.run();
	audit(db, { actorId, projectId, action: 'membership.set', entityType: 'user', entityId: userId, data: { role } });
}

export function removeMembership(db: Db, projectId: string, userId: string, actorId: string) {
	db.delete(memberships)
		.where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
		.run();
	audit(db, { actorId, projectId, action: 'membership.remove', entityType: 'user', entityId: userId });
}

export function projectMembers(db: Db, projectId: string) {
	return db
		.select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.where(eq(memberships.projectId, projectId))
		.orderBy(asc(users.name))
		.all();
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
export function latestRubrics(db: Db, projectId: string): Rubric[] {
	const rows = db.select().from(rubrics).where(eq(rubrics.projectId, projectId)).orderBy(desc(rubrics.version)).all();
	const seen = new Set<string>();
	return rows.filter((r) => !seen.has(r.familyId) && seen.add(r.familyId)).map(toRubric);
}

export function getRubric(db: Db, id: string): Rubric | undefined {
	const row = db.select().from(rubrics).where(eq(rubrics.id, id)).get();
	return row && toRubric(row);
}

export function getRubrics(db: Db, ids: string[]): Rubric[] {
	return ids.length ? db.select().from(rubrics).where(inArray(rubrics.id, ids)).all().map(toRubric) : [];
}

export function createRubric(
	db: Db,
	projectId: string,
	name: string,
	definition: RubricDefinition,
	actorId: string | null,
	familyId?: string
): Rubric {
	const prev = familyId
		? db.select().from(rubrics).where(eq(rubrics.familyId, familyId)).orderBy(desc(rubrics.version)).get()
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
	db.insert(rubrics).values(row).run();
	audit(db, {
		actorId,
		projectId,
		action: 'rubric.create',
		entityType: 'rubric',
		entityId: row.id,
		data: { version: row.version }
	});
	return toRubric(row);
}
