// What the item workspace may show of model judges on one item, decided by the blind rule (domain/blind.ts,
// judgeSight): every judge's scores once the caller may see other people's work on the item; before that, only
// the opted-in suggestion (labelled as such in the UI), and nothing at all when suggestions are off.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireItem } from '../access';
import { doc } from '../openapi';
import { getProject } from '../../db/projects';
import { hasSubmitted } from '../../db/evaluations';
import { activeSuggestionJudge, judgeColumnsForItems, suggestionColumn } from '../../db/judge-columns';
import { judgeSight } from '../../domain/blind';
import type { ItemJudges } from '#shared/judge-rooms';

const app = new Hono<AppEnv>();

app.get(
	'/items/:id/judges',
	doc(
		'judges',
		'Model judges’ scores on an item: all once the caller may see others’ work, else only a suggestion (if on)',
		'member'
	),
	async (c) => {
		const { item, user, role } = await requireItem(c, c.req.param('id'), 'item.read');
		const { db } = c.var.deps;
		const project = await getProject(db, item.projectId);
		const submitted = await hasSubmitted(db, item.id, user.id);
		const sight = judgeSight(
			{ role, submitted },
			await activeSuggestionJudge(db, item.projectId, project?.settings.judges)
		);
		const body: ItemJudges = {
			judges: sight.all ? ((await judgeColumnsForItems(db, item.projectId, [item.id])).get(item.id) ?? []) : [],
			// Once she sees every judge the suggestion has served its purpose: it is shown only while she scores blind.
			suggestion:
				sight.suggestedJudgeId && !sight.all
					? await suggestionColumn(db, item.projectId, sight.suggestedJudgeId, item.id)
					: null
		};
		return c.json(body);
	}
);

export default app;
