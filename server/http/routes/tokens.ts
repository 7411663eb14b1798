// The caller's API tokens: list (never the secret), create (the secret is shown once), revoke. A revoked token is
// refused from the next request on, and its open sockets close at once with 4401.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { validate } from '../validate';
import { createApiToken, deleteApiToken, tokensOf } from '../../db/users';
import { audit } from '../../db/audit';
import { NotFound } from '../../domain/errors';
import { createTokenSchema } from '#shared/account';

const app = new Hono<AppEnv>();

app.get('/tokens', (c) => {
	const user = requireUser(c);
	return c.json({ tokens: tokensOf(c.var.deps.db, user.id) });
});

app.post('/tokens', validate('json', createTokenSchema), (c) => {
	const user = requireUser(c);
	const { db } = c.var.deps;
	const { name, expiresInDays } = c.req.valid('json');
	const { token, id } = createApiToken(db, user.id, name, expiresInDays);
	audit(db, { actorId: user.id, projectId: null, action: 'token.create', entityType: 'token', entityId: id, data: { name, expiresInDays: expiresInDays ?? null } });
	return c.json({ token, id }, 201);
});

app.delete('/tokens/:id', (c) => {
	const user = requireUser(c);
	const { db, rooms } = c.var.deps;
	const id = c.req.param('id');
	// Another user's token answers like an unknown one: its existence is not disclosed.
	if (!deleteApiToken(db, user.id, id)) throw NotFound('No such token');
	rooms.disconnect({ tokenId: id });
	audit(db, { actorId: user.id, projectId: null, action: 'token.revoke', entityType: 'token', entityId: id });
	return c.json({ ok: true });
});

export default app;
