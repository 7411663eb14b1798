// The judges registry: leads register, change and retire a project's model judges; managers and admins read it.
// Runs (judge-runs.ts) and imports (judge-import.ts) live beside it.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { NotFound } from '../../domain/errors';
import { tx } from '../../db/client';
import { createJudge, getJudge, listJudges, setJudgeArchived, toJudgeView, updateJudge } from '../../db/judges';
import { judgeInputSchema } from '#shared/judges';
import type { Action } from '../../domain/permissions';

const app = new Hono<AppEnv>();

app.get('/projects/:pid/judges', doc('judges', 'The project’s model judges', 'lead, manager'), async (c) => {
	const pid = c.req.param('pid');
	await requireProject(c, pid, 'judge.read');
	return c.json({ judges: await listJudges(c.var.deps.db, pid, c.var.deps.config.judges.keys) });
});

app.post(
	'/projects/:pid/judges',
	doc('judges', 'Register a judge (an OpenAI-compatible chat-completions endpoint)', 'lead', { status: 201 }),
	validate('json', judgeInputSchema),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'judge.manage');
		const row = await tx(c.var.deps.db, (t) => createJudge(t, pid, c.req.valid('json'), user.id));
		return c.json({ judge: toJudgeView(row, 0, c.var.deps.config.judges.keys) }, 201);
	}
);

/** The judge (404 when there is none) and the caller's access to its project for `action`. */
export async function requireJudge(c: Context<AppEnv>, id: string, action: Action) {
	const judge = await getJudge(c.var.deps.db, id);
	if (!judge) throw NotFound('No such judge');
	return { judge, access: await requireProject(c, judge.projectId, action) };
}

app.get(
	'/judges/:id',
	doc(
		'judges',
		'One judge, and what this server sends it for a video (`video`: frames per video, or why none)',
		'lead, manager'
	),
	async (c) => {
		const { judge } = await requireJudge(c, c.req.param('id'), 'judge.read');
		const all = await listJudges(c.var.deps.db, judge.projectId, c.var.deps.config.judges.keys);
		return c.json({ judge: all.find((j) => j.id === judge.id)!, video: await c.var.deps.videoFrames.sight() });
	}
);

app.put(
	'/judges/:id',
	doc('judges', 'Change a judge’s endpoint, model, pacing or prompt', 'lead'),
	validate('json', judgeInputSchema),
	async (c) => {
		const { judge, access } = await requireJudge(c, c.req.param('id'), 'judge.manage');
		const row = await tx(c.var.deps.db, (t) => updateJudge(t, judge, c.req.valid('json'), access.user.id));
		return c.json({ judge: toJudgeView(row, 0, c.var.deps.config.judges.keys) });
	}
);

app.post(
	'/judges/:id/archive',
	doc('judges', 'Retire a judge (its scores stay) or bring it back', 'lead'),
	validate('json', z.strictObject({ archived: z.boolean() })),
	async (c) => {
		const { judge, access } = await requireJudge(c, c.req.param('id'), 'judge.manage');
		const row = await tx(c.var.deps.db, (t) =>
			setJudgeArchived(t, judge, c.req.valid('json').archived, access.user.id)
		);
		return c.json({ judge: toJudgeView(row, 0, c.var.deps.config.judges.keys) });
	}
);

export default app;
