// Judge runs: a lead starts a background run of a judge over a selection of the project's items and may cancel
// it; leads, managers and admins follow its progress and read its items (failed ones with error and raw reply).
// The work itself is done by the JudgeRunner (server/judges/runner.ts), woken here when a run is created.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { requireJudge } from './judges';
import { NotFound } from '../../domain/errors';
import { tx } from '../../db/client';
import { createJudgeRun, getRun, requestCancel, runItemPage, runPage, toRunView } from '../../db/judge-runs';
import { judgeRunInputSchema, JUDGE_RUN_ITEM_FILTERS } from '#shared/judge-runs';
import { pageOnlyQuerySchema, pageQuery } from '#shared/paging';
import type { Action } from '../../domain/permissions';

const app = new Hono<AppEnv>();

app.post(
	'/judges/:id/runs',
	doc('judges', 'Run a judge over some items, a calibration session’s items, a filter, or every item', 'lead', {
		status: 201
	}),
	validate('json', judgeRunInputSchema),
	async (c) => {
		const { judge, access } = await requireJudge(c, c.req.param('id'), 'judge.manage');
		const sight = await c.var.deps.videoFrames.sight();
		const row = await tx(c.var.deps.db, (t) => createJudgeRun(t, judge, c.req.valid('json'), access.user.id, sight));
		c.var.deps.judgeRuns.wake();
		return c.json({ run: toRunView(row) }, 201);
	}
);

app.get(
	'/judges/:id/runs',
	doc('judges', 'A judge’s runs, newest first, paged', 'lead, manager'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const { judge } = await requireJudge(c, c.req.param('id'), 'judge.read');
		const { rows, nextCursor } = await runPage(c.var.deps.db, judge.id, c.req.valid('query'));
		return c.json({ runs: rows.map(toRunView), nextCursor });
	}
);

/** The run (404 when there is none) and the caller's access to its project for `action`. */
async function requireRun(c: Context<AppEnv>, id: string, action: Action) {
	const run = await getRun(c.var.deps.db, id);
	if (!run) throw NotFound('No such judge run');
	return { run, access: await requireProject(c, run.projectId, action) };
}

app.get('/judge-runs/:id', doc('judges', 'One run with its progress', 'lead, manager'), async (c) => {
	const { run } = await requireRun(c, c.req.param('id'), 'judge.read');
	return c.json({ run: toRunView(run) });
});

app.post(
	'/judge-runs/:id/cancel',
	doc('judges', 'Cancel a run (requests in flight are aborted); 409 once it has finished', 'lead'),
	async (c) => {
		const { run, access } = await requireRun(c, c.req.param('id'), 'judge.manage');
		const row = await tx(c.var.deps.db, (t) => requestCancel(t, run, access.user.id));
		c.var.deps.judgeRuns.wake(run.id);
		return c.json({ run: toRunView(row) });
	}
);

app.get(
	'/judge-runs/:id/items',
	doc(
		'judges',
		'A run’s items, by state or `retrying` (pending after a failed attempt), paged, with attempts, error and raw reply',
		'lead, manager'
	),
	validate('query', z.strictObject({ state: z.enum(JUDGE_RUN_ITEM_FILTERS).optional(), ...pageQuery })),
	async (c) => {
		const { run } = await requireRun(c, c.req.param('id'), 'judge.read');
		const { state, ...page } = c.req.valid('query');
		const { rows, nextCursor } = await runItemPage(c.var.deps.db, run.id, state, page);
		return c.json({ items: rows, nextCursor });
	}
);

export default app;
