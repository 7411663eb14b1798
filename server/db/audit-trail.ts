// Reading the audit trail: ONE query builder for a project's trail and the admin's trail across projects, used by
// the JSON pages, the CSV download and the facets. Filters are SQL on the trail's indexes: audit_project
// (project_id, at) for a project, audit_actor (actor_id, at) for a person, audit_at (at) across everything; each
// ends in the row id (SQLite's rowid, PostgreSQL's identity), so the page order (at, id) newest first is read from
// the index. Pages are keyset pages (./paging.ts); the CSV walks the same order without a limit.
import { and, asc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { keysetPage, ordered } from './paging';
import { auditLog, users } from '../../drizzle/schema';
import { auditLink } from '#shared/audit-link';
import type { ActionFilter, AuditEntry, AuditFacets, AuditPage } from '#shared/audit';
import type { PageRequest } from '#shared/paging';
import { startsWith } from './like';

/** What a trail is narrowed to; every field optional. `projectId: null` is what belongs to no project. */
export interface AuditFilters {
	projectId?: string | null;
	actorId?: string;
	action?: ActionFilter;
	/** Inclusive bounds, epoch ms. */
	from?: number;
	to?: number;
}

/** The WHERE of a trail (undefined: every row). */
function auditWhere(f: AuditFilters): SQL | undefined {
	const conds: (SQL | undefined)[] = [
		f.projectId === undefined
			? undefined
			: f.projectId === null
				? isNull(auditLog.projectId)
				: eq(auditLog.projectId, f.projectId),
		f.actorId === undefined ? undefined : eq(auditLog.actorId, f.actorId),
		f.from === undefined ? undefined : gte(auditLog.at, f.from),
		f.to === undefined ? undefined : lte(auditLog.at, f.to)
	];
	if (f.action && 'exact' in f.action) conds.push(eq(auditLog.action, f.action.exact));
	if (f.action && 'prefix' in f.action) conds.push(startsWith(auditLog.action, f.action.prefix));
	return and(...conds);
}

/** A row of the trail with its actor, as both the page query and the CSV stream read it. */
export interface AuditRow {
	id: number;
	at: number;
	actorId: string | null;
	actorName: string | null;
	actorEmail: string | null;
	projectId: string | null;
	action: string;
	entityType: string;
	entityId: string;
	data: unknown;
}

const newestFirst = ordered<AuditRow>(
	'audit:newest',
	'desc',
	{ expr: auditLog.at, type: 'number', of: (r) => r.at },
	{ expr: auditLog.id, type: 'number', of: (r) => r.id }
);

/** JSON columns read back as text (SQLite, raw queries) or parsed already (PostgreSQL through drizzle). */
function parseData(data: unknown): unknown {
	if (typeof data !== 'string') return data ?? null;
	try {
		return JSON.parse(data) as unknown;
	} catch {
		return data;
	}
}

export function toAuditEntry(r: AuditRow): AuditEntry {
	const detail = parseData(r.data);
	return {
		id: String(r.id),
		at: Number(r.at),
		actor: r.actorId === null ? null : { id: r.actorId, name: r.actorName ?? '', email: r.actorEmail ?? '' },
		projectId: r.projectId,
		action: r.action,
		entityType: r.entityType,
		entityId: r.entityId,
		detail,
		link: auditLink({
			projectId: r.projectId,
			action: r.action,
			entityType: r.entityType,
			entityId: r.entityId,
			detail
		})
	};
}

const rowColumns = {
	id: auditLog.id,
	at: auditLog.at,
	actorId: auditLog.actorId,
	actorName: users.name,
	actorEmail: users.email,
	projectId: auditLog.projectId,
	action: auditLog.action,
	entityType: auditLog.entityType,
	entityId: auditLog.entityId,
	data: auditLog.data
};

/** One page of the trail, newest first. */
export async function auditPage(db: Db, filters: AuditFilters, page: PageRequest): Promise<AuditPage> {
	const keyset = keysetPage(db, newestFirst, page);
	const rows = await db
		.select(rowColumns)
		.from(auditLog)
		.leftJoin(users, eq(users.id, auditLog.actorId))
		.where(and(auditWhere(filters), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows: kept, nextCursor } = keyset.finish(rows);
	return { entries: kept.map(toAuditEntry), nextCursor };
}

/** Every matching row newest first, for a streamed read (server/export/snapshot.ts): standard SQL, no limit. */
export function auditStreamQuery(filters: AuditFilters): SQL {
	const where = auditWhere(filters);
	return sql`select ${auditLog.id} as "id", ${auditLog.at} as "at", ${auditLog.actorId} as "actorId",
		${users.name} as "actorName", ${users.email} as "actorEmail", ${auditLog.projectId} as "projectId",
		${auditLog.action} as "action", ${auditLog.entityType} as "entityType", ${auditLog.entityId} as "entityId",
		${auditLog.data} as "data"
		from ${auditLog} left join ${users} on ${users.id} = ${auditLog.actorId}
		${where ? sql`where ${where}` : sql``}
		order by ${auditLog.at} desc, ${auditLog.id} desc`;
}

/** How many distinct people and actions a facet lists at most (a select stays a select). */
const FACET_LIMIT = 500;

/**
 * The people and actions that appear in a trail (a project's, or everything), from `distinct` over the scope's
 * index range (audit_project for a project; audit_actor for the admin's people), bounded.
 */
export async function auditFacets(db: Db, projectId: string | undefined): Promise<AuditFacets> {
	const scope = projectId === undefined ? undefined : eq(auditLog.projectId, projectId);
	const actorIds = db.selectDistinct({ id: auditLog.actorId }).from(auditLog).where(scope).limit(FACET_LIMIT);
	const actors = await db
		.select({ id: users.id, name: users.name })
		.from(users)
		.where(inArray(users.id, actorIds))
		.orderBy(asc(users.name), asc(users.id));
	const actions = await db
		.selectDistinct({ action: auditLog.action })
		.from(auditLog)
		.where(scope)
		.orderBy(asc(auditLog.action))
		.limit(FACET_LIMIT);
	return { actors, actions: actions.map((a) => a.action) };
}
