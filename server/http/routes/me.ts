// GET /api/me, PATCH /api/me (display name, locale), POST /api/tokens.
import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { createApiToken, findUser, membershipsOf } from '../../db/users';
import { users } from '../../../drizzle/schema';
import { audit } from '../../db/audit';

const app = new Hono<AppEnv>();

app.get('/me', doc('auth', 'The caller and their project roles', 'signed in'), (c) => {
	const user = requireUser(c);
	return c.json({ user, memberships: membershipsOf(c.var.deps.db, user.id) });
});

app.patch(
	'/me',
	doc('auth', 'Change the display name or locale', 'signed in'),
	validate('json', z.object({ name: z.string().trim().min(1).max(100).optional(), locale: z.enum(['en', 'pt-BR']).nullable().optional() })),
	(c) => {
		const user = requireUser(c);
		const patch = c.req.valid('json');
		c.var.deps.db.update(users).set(patch).where(eq(users.id, user.id)).run();
		// Open collaboration sockets take the new name: new comments must carry it (collab/authorship.ts).
		if (patch.name !== undefined && patch.name !== user.name) c.var.deps.events.emit('user.renamed', { userId: user.id, name: patch.name });
		return c.json({ user: findUser(c.var.deps.db, user.id) });
	}
);

app.post('/tokens', doc('auth', 'Create an API token (shown once)', 'signed in', { status: 201 }), validate('json', z.object({ name: z.string().trim().min(1).max(100) })), (c) => {
	const user = requireUser(c);
	const { db } = c.var.deps;
	const token = createApiToken(db, user.id, c.req.valid('json').name);
	audit(db, { actorId: user.id, projectId: null, action: 'token.create', entityType: 'user', entityId: user.id });
	return c.json({ token }, 201);
});

export default app;
