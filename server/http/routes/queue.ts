// The evaluator's queue: next items (reserved for the caller up to the project's overlap) with the caller's own
// state on each, progress, the filter values the project has, and skip.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { allowed, requireFound, requireItem } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { nextItems, readQueue, skipItem } from '../../db/queue';
import { projectFacetValues } from '../../db/project-counts';
import { toItem } from '../../db/items';
import { modalitySchema } from '#shared/items';

const app = new Hono<AppEnv>();

app.get(
	'/projects/:pid/queue',
	doc('evaluations', 'Next items for the caller, with progress and filter values', 'evaluator, lead'),
	validate('query', z.object({ modality: modalitySchema.optional(), language: z.string().max(20).optional() })),
	async (c) => {
		const pid = c.req.param('pid');
		const { db } = c.var.deps;
		const filter = c.req.valid('query');
		// The project, the caller's role and own list in one query; decided on before anything is written.
		const { project, mine, ...access } = await requireFound(c, 'item.evaluate', 'No such project', (userId) =>
			readQueue(db, pid, userId, filter)
		);
		const { overlap } = project.settings;
		const state = await nextItems(db, pid, access.user.id, overlap, mine, filter, project.evaluationSeq);
		const withGold = allowed(access, 'item.readGold');
		// With the caller's own state per item, so the queue can say "draft" and "sent back for re-review".
		const items = state.items.map(({ item, myState, reviewRequested }) => ({
			...toItem(item, withGold),
			myState,
			reviewRequested
		}));
		return c.json({
			items,
			progress: { done: state.done, total: state.total },
			facets: await projectFacetValues(db, pid, project.evaluationSeq)
		});
	}
);

app.post(
	'/items/:id/skip',
	doc('evaluations', 'Skip an item, saying why', 'evaluator, lead'),
	validate('json', z.strictObject({ reason: z.string().trim().min(1, 'say why you skip').max(500) })),
	async (c) => {
		const { item, user } = await requireItem(c, c.req.param('id'), 'item.evaluate');
		const { reason } = c.req.valid('json');
		await skipItem(c.var.deps.db, item, user.id, reason);
		return c.json({ ok: true });
	}
);

export default app;
