// A project's judge settings: automatic escalation when a judge disagrees with the human majority, and judge
// suggestions shown to evaluators while they score. Both off by default; leads change them, managers read them.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireProject, requireProjectRow } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { tx } from '../../db/client';
import { judgeSettingsOf, setJudgeSettings } from '../../db/judge-settings';
import { judgeSettingsSchema } from '#shared/judges';

const app = new Hono<AppEnv>();

app.get(
	'/projects/:pid/judges/settings',
	doc('judges', 'Judge settings: automatic escalation and suggestions (both off by default)', 'lead, manager'),
	async (c) => {
		const { project } = await requireProjectRow(c, c.req.param('pid'), 'judge.read');
		return c.json({ settings: judgeSettingsOf(project.settings) });
	}
);

app.put(
	'/projects/:pid/judges/settings',
	doc('judges', 'Change the judge settings (a judge named must be the project’s own and not retired)', 'lead'),
	validate('json', judgeSettingsSchema),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'judge.manage');
		const settings = await tx(c.var.deps.db, (t) => setJudgeSettings(t, pid, c.req.valid('json'), user.id));
		return c.json({ settings });
	}
);

export default app;
