// The caller's API tokens: list (never the secret), create (the secret is shown once), revoke. A revoked token is
// refused from the next request on, and its open sockets close at once with 4401.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { credentialsEnded } from '../../caller-cache';
import { createApiToken, deleteApiToken, tokensOf } from '../../db/users';
import { audit } from '../../db/audit';
import { NotFound } from '../../domain/errors';
import { createTokenSchema } from '#shared/account';
import { pageOnlyQuerySchema } from '#shared/paging';

const app = new Hono<AppEnv>();

app.get(
	'/tokens',
	doc('auth', 'My API tokens, newest first, paged (never their secrets)', 'signed in'),
	validate('query', pageOnlyQuerySchema),
	async (c) => {
		const user = requireUser(c);
		return c.json(await tokensOf(c.var.deps.db, user.id, c.req.valid('query')));
	}
);

app.post(
	'/tokens',
	doc('auth', 'Create an API token (shown once)', 'signed in', { status: 201 }),
	validate('json', createTokenSchema),
	async (c) => {
		const user = requireUser(c);
		const { db } = c.var.deps;
		const { name, expiresInDays } = c.req.valid('json');
		const { token, id } = await createApiToken(db, user.id, name, expiresInDays);
		await audit(db, {
			actorId: user.id,
			projectId: null,
			action: 'token.create',
			entityType: 'token',
			entityId: id,
			data: { name, expiresInDays: expiresInDays ?? null }
		});
		return c.json({ token, id }, 201);
	}
);

app.delete('/tokens/:id', doc('auth', 'Revoke one of my API tokens (closes its sockets)', 'signed in'), async (c) => {
	const user = requireUser(c);
	const { db } = c.var.deps;
	const id = c.req.param('id');
	// Another user's token answers like an unknown one: its existence is not disclosed.
	if (!(await deleteApiToken(db, user.id, id))) throw NotFound('No such token');
	credentialsEnded(c.var.deps, [{ tokenId: id }]);
	await audit(db, { actorId: user.id, projectId: null, action: 'token.revoke', entityType: 'token', entityId: id });
	return c.json({ ok: true });
});

export default app;
