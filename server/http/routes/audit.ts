// The audit trail, readable: GET /api/projects/:pid/audit (leads, managers, admins) and GET /api/admin/audit
// (admins, every project and what belongs to none: sign-ins, accounts, tokens), each a JSON page newest first or,
// with format=csv, a streamed CSV of every matching entry; plus the people and actions each trail can be filtered
// by (…/audit/facets). Both trails go through one query builder (db/audit-trail.ts).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { requireAdmin, requireProjectRow } from '../access';
import { publicOrigin } from '../client';
import { validate } from '../validate';
import { doc } from '../openapi';
import { Validation } from '../../domain/errors';
import { auditFacets, auditPage, type AuditFilters } from '../../db/audit-trail';
import { auditCsv } from '../../export/audit-csv';
import { openSnapshot } from '../../export/snapshot';
import { downloadResponse } from '../../export/stream';
import { projectSlug } from '../../export/formats';
import { z } from 'zod';
import {
	actionFilter,
	adminAuditQuerySchema,
	auditFromMs,
	auditQuerySchema,
	auditToMs,
	type AuditQuery
} from '#shared/audit';

const app = new Hono<AppEnv>();
type Ctx = Context<AppEnv>;

/** The facets take no parameters (an unknown one is a 400 like everywhere). */
const noQuery = z.strictObject({});

const CSV = { 'text/csv': 'format=csv: every matching entry, newest first' };
const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

/** The query's filters as the query builder takes them; an empty date range is a 400. */
function filtersOf(q: AuditQuery): AuditFilters {
	const from = q.from === undefined ? undefined : auditFromMs(q.from);
	const to = q.to === undefined ? undefined : auditToMs(q.to);
	if (from !== undefined && to !== undefined && from > to)
		throw Validation('The date range is empty', [{ path: 'to', message: 'must not be before from' }]);
	return { actorId: q.actor, action: q.action === undefined ? undefined : actionFilter(q.action), from, to };
}

const ADMINS_ONLY = 'Only an admin can read the whole audit trail';

/** The JSON page, or the whole trail as a streamed CSV file named `name`. */
async function answer(c: Ctx, q: AuditQuery, filters: AuditFilters, name: string) {
	const { deps } = c.var;
	if (q.format === 'json') return c.json(await auditPage(deps.db, filters, q));
	const snap = await openSnapshot(deps.database);
	const filename = `${name}-audit-${new Date().toISOString().slice(0, 10)}.csv`;
	return downloadResponse(
		auditCsv(snap, filters, publicOrigin(c)),
		{ contentType: CSV_TYPE, filename },
		deps.logger,
		() => snap.close()
	);
}

app.get(
	'/projects/:pid/audit',
	doc('audit', "The project's audit trail, newest first, paged; format=csv streams all of it", 'lead, manager, admin', {
		produces: { 'application/json': '{ entries, nextCursor }', ...CSV }
	}),
	validate('query', auditQuerySchema),
	async (c) => {
		const { project } = await requireProjectRow(c, c.req.param('pid'), 'audit.read');
		const q = c.req.valid('query');
		return answer(c, q, { ...filtersOf(q), projectId: project.id }, `concord-${projectSlug(project.name)}`);
	}
);

app.get(
	'/projects/:pid/audit/facets',
	doc('audit', 'The people and actions in the project’s audit trail (for its filters)', 'lead, manager, admin'),
	validate('query', noQuery),
	async (c) => {
		const { project } = await requireProjectRow(c, c.req.param('pid'), 'audit.read');
		return c.json(await auditFacets(c.var.deps.db, project.id));
	}
);

app.get(
	'/admin/audit',
	doc('audit', 'The whole audit trail (every project, and sign-ins and accounts), newest first, paged', 'admin', {
		produces: { 'application/json': '{ entries, nextCursor }', ...CSV }
	}),
	validate('query', adminAuditQuerySchema),
	async (c) => {
		requireAdmin(c, ADMINS_ONLY);
		const q = c.req.valid('query');
		const projectId = q.project === undefined ? undefined : q.project === 'none' ? null : q.project;
		return answer(c, q, { ...filtersOf(q), projectId }, 'concord');
	}
);

app.get(
	'/admin/audit/facets',
	doc('audit', 'The people and actions in the whole audit trail (for its filters)', 'admin'),
	validate('query', noQuery),
	async (c) => {
		requireAdmin(c, ADMINS_ONLY);
		return c.json(await auditFacets(c.var.deps.db, undefined));
	}
);

export default app;
