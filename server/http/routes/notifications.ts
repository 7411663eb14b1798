// The caller's in-app notifications (newest first, with the unread count) and marking them read.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { doc } from '../openapi';
import { markAllRead, markRead, notificationsFor } from '../../db/notifications';
import { NotFound } from '../../domain/errors';

const app = new Hono<AppEnv>();

app.get(
	'/notifications',
	doc('notifications', 'The caller’s notifications, newest first, with the unread count', 'signed in'),
	async (c) => {
		const user = requireUser(c);
		return c.json(await notificationsFor(c.var.deps.db, user.id));
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
