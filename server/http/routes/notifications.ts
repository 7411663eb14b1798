// The caller's in-app notifications (newest first, paged, with the unread count), marking them read (answered
// with the first page), and a live stream of the first page: Server-Sent Events that send it at once and again
// whenever the caller's notifications change on any node (deps.inbox). The stream reads the inbox with the
// caller's own identity, so it carries nobody else's notifications, and ends as soon as the credential it was
// opened with no longer signs them in (signed out, session ended, token revoked, account deactivated).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { doc } from '../openapi';
import { validate } from '../validate';
import { pageOnlyQuerySchema } from '#shared/paging';
import { markAllRead, markRead, notificationsFor } from '../../db/notifications';
import { NotFound } from '../../domain/errors';
import { credentialsOf } from '../../request-credentials';

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

/** Whether the cookie or token this request came with still signs `userId` in (checked again before each event). */
function stillSignedIn(c: Context<AppEnv>, userId: string): () => Promise<boolean> {
	const { callers } = c.var.deps;
	const credentials = credentialsOf(c);
	return async () => {
		const found = await callers.callerFor(credentials);
		return found !== null && found !== 'invalid' && found.user.id === userId;
	};
}

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 25_000;

app.get(
	'/notifications/stream',
	doc('notifications', 'The caller’s first page of notifications, live (Server-Sent Events `inbox`)', 'signed in', {
		produces: { 'text/event-stream': 'an `inbox` event with the first page now and at every change' }
	}),
	(c) => {
		const user = requireUser(c);
		const { db, inbox, logger } = c.var.deps;
		// Not compressed or cached on the way: each event must reach the page when it is written.
		c.header('Cache-Control', 'no-cache, no-transform');
		c.header('X-Accel-Buffering', 'no');
		const signedIn = stillSignedIn(c, user.id);
		return streamSSE(c, async (stream) => {
			let changed = true;
			let ended = false;
			let wake = () => {};
			const unsubscribe = inbox.subscribe(user.id, {
				poke: () => ((changed = true), wake()),
				close: () => ((ended = true), wake())
			});
			stream.onAbort(() => ((ended = true), wake()));
			try {
				while (!ended && !stream.aborted) {
					if (!(await signedIn())) break;
					if (changed) {
						changed = false;
						await stream.writeSSE({ event: 'inbox', data: JSON.stringify(await notificationsFor(db, user.id)) });
						continue; // a poke while it was read or written: read again
					}
					const poked = await new Promise<boolean>((resolve) => {
						const timer = setTimeout(() => resolve(false), KEEPALIVE_MS);
						wake = () => (clearTimeout(timer), resolve(true));
					});
					if (!poked) await stream.write(': keepalive\n\n');
				}
			} catch (err) {
				logger.warn({ err, user: user.id }, 'notification stream ended with an error');
			} finally {
				unsubscribe();
			}
		});
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
