// The caller's in-app notifications (newest first, with the unread count) and marking them read.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { markAllRead, markRead, notificationsFor } from '../../db/notifications';
import { NotFound } from '../../domain/errors';

const app = new Hono<AppEnv>();

app.get('/notifications', (c) => {
	const user = requireUser(c);
	return c.json(notificationsFor(c.var.deps.db, user.id));
});

app.post('/notifications/read-all', (c) => {
	const user = requireUser(c);
	markAllRead(c.var.deps.db, user.id);
	return c.json(notificationsFor(c.var.deps.db, user.id));
});

app.post('/notifications/:id/read', (c) => {
	const user = requireUser(c);
	if (!markRead(c.var.deps.db, user.id, c.req.param('id'))) throw NotFound('No such notification');
	return c.json(notificationsFor(c.var.deps.db, user.id));
});

export default app;
