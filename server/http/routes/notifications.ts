// The caller's in-app notifications (newest first, paged, with the unread count) and marking them read (answered
// with the first page).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { doc } from '../openapi';
import { validate } from '../validate';
import { pageOnlyQuerySchema } from '#shared/paging';
import { markAllRead, markRead, notificationsFor } from '../../db/notifications';
import { NotFound } from '../../domain/errors';

const app = new Hono<AppEnv>();

app.get(
	'/notifications',
	doc('notifications', 'The caller’s notifications, newest first, paged, with the unread count', 'signed in'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const user = requireUser(c);
		return c.json(await notificationsFor(c.var.deps.db, user.id, c.req.valid('query')));
	}
);

app.post('/notifications/read-all', doc('notifications', 'Mark every notification read', 'signed in'), async (c) => {
	const user = requireUser(c);
	await markAllRead(c.var.deps.db, user.id);
	return c.json(await notificationsFor(c.var.deps.db, user.id));
});

app.post('/notifications/:id/read', doc('notifications', 'Mark one notification read', 'signed in'), async (c) => {
	const user = requireUser(c);
	if (!(await markRead(c.var.deps.db, user.id, c.req.param('id')))) throw NotFound('No such notification');
	return c.json(await notificationsFor(c.var.deps.db, user.id));
});

export default app;
