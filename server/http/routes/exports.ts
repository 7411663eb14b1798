// GET /api/projects/:pid/export?format=…: streamed exports for leads and managers, with date, state, rubric
// version and guideline version filters. Each download reads from its own snapshot (see server/export/).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { Validation } from '../../domain/errors';
import { openExport } from '../../export/context';
import { downloadResponse } from '../../export/stream';
import { EXPORT_FORMATS, exportFilename, exportMediaTypes, formatSpec, stateFilter } from '../../export/formats';
import { agreementFilterSchema, dateParamToMs } from '#shared/agreement-report';
import { audit } from '../../db/audit';

const definedOnly = (o: Record<string, unknown>) =>
	Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

// The same date parameters as the agreement API: a date, an ISO date-time or epoch ms; a plain `to` date
// includes that whole day (UTC).
const { from: fromParam, to: toParam } = agreementFilterSchema.shape;

const exportQuerySchema = z.strictObject({
	format: z.enum(EXPORT_FORMATS).default('jsonl'),
	/** Inclusive start. */
	from: fromParam,
	/** Exclusive end; a plain date includes that whole day (UTC). */
	to: toParam,
	state: z.string().max(20).optional(),
	rubricVersion: z.coerce.number().int().min(1).optional(),
	guidelineVersionId: z.string().min(1).max(64).optional()
});

const app = new Hono<AppEnv>();

app.get(
	'/projects/:pid/export',
	doc(
		'exports',
		'Streamed export: evaluations, gold, escalations, agreement, pairs, guidelines, items',
		'lead, manager',
		{ produces: exportMediaTypes() }
	),
	validate('query', exportQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'export.read');
		const q = c.req.valid('query');
		const spec = formatSpec(q.format);
		const unused = (['from', 'to', 'state', 'rubricVersion', 'guidelineVersionId'] as const).filter(
			(f) => q[f] !== undefined && !spec.filters.includes(f)
		);
		if (unused.length)
			throw Validation(
				`The ${q.format} export does not take ${unused.join(', ')}`,
				unused.map((path) => ({ path, message: 'not used by this format' }))
			);
		if (q.state !== undefined && !spec.states?.includes(q.state)) {
			throw Validation(`state "${q.state}" does not apply to the ${q.format} export`, [
				{ path: 'state', message: `one of ${spec.states?.join(', ')}` }
			]);
		}
		const from = q.from === undefined ? undefined : dateParamToMs(q.from, false);
		const to = q.to === undefined ? undefined : dateParamToMs(q.to, true);
		if (from !== undefined && to !== undefined && from >= to)
			throw Validation('The date range is empty', [{ path: 'to', message: 'must be after from' }]);
		const { deps } = c.var;
		// Who took which data out, with the filters as asked (a download is a decision about the data).
		await audit(deps.db, {
			actorId: user.id,
			projectId: pid,
			action: 'export.download',
			entityType: 'project',
			entityId: pid,
			data: {
				format: q.format,
				filters: definedOnly({
					from: q.from,
					to: q.to,
					state: q.state,
					rubricVersion: q.rubricVersion,
					guidelineVersionId: q.guidelineVersionId
				})
			}
		});
		const ctx = await openExport(deps.database, pid, {
			from,
			to,
			state: stateFilter(spec, q.state),
			rubricVersion: q.rubricVersion,
			guidelineVersionId: q.guidelineVersionId
		});
		const filename = exportFilename(ctx.projectName, q.format);
		return downloadResponse(spec.write(ctx), { contentType: spec.contentType, filename }, deps.logger, ctx.release);
	}
);

export default app;
