// The caller's own account: GET/PATCH /api/me (display name, locale), POST /api/me/password, and
// POST /api/me/sessions/revoke-others. Ending a session also closes its open sockets at once (4401).
import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../deps';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { credentialsEnded } from '../../caller-cache';
import { deleteOtherSessions, findUser, membershipsOf, passwordHashOf, setPasswordHash } from '../../db/users';
import { commonPasswords } from '../../db/common-passwords';
import { users } from '../../../drizzle/schema';
import { audit } from '../../db/audit';
import { hashPassword, verifyPassword } from '../../domain/passwords';
import { assertPasswordAllowed } from '../../domain/password-policy';
import { Validation } from '../../domain/errors';
import { changePasswordSchema } from '#shared/account';

const app = new Hono<AppEnv>();

app.get('/me', doc('auth', 'The caller and their project roles', 'signed in'), async (c) => {
	const user = requireUser(c);
	return c.json({ user, memberships: await membershipsOf(c.var.deps.db, user.id) });
});

app.patch(
	'/me',
	doc('auth', 'Change the display name or locale', 'signed in'),
	validate(
		'json',
		z.strictObject({
			name: z.string().trim().min(1).max(100).optional(),
			locale: z.enum(['en', 'pt-BR']).nullable().optional()
		})
	),
	async (c) => {
		const user = requireUser(c);
		const patch = c.req.valid('json');
		await c.var.deps.db.update(users).set(patch).where(eq(users.id, user.id));
		// Requests from now on are handed the new name and locale, on every node.
		c.var.deps.callers.changed();
		// Open collaboration sockets take the new name: new comments must carry it (collab/authorship.ts).
		if (patch.name !== undefined && patch.name !== user.name)
			await c.var.deps.events.emit('user.renamed', { userId: user.id, name: patch.name });
		return c.json({ user: await findUser(c.var.deps.db, user.id) });
	}
);

/** Ends the user's sessions other than `keepSessionId` and closes their sockets; returns how many ended. */
async function endOtherSessions(deps: AppDeps, userId: string, keepSessionId: string | null): Promise<number> {
	const ended = await deleteOtherSessions(deps.db, userId, keepSessionId);
	credentialsEnded(
		deps,
		ended.map((sessionId) => ({ sessionId }))
	);
	return ended.length;
}

app.post(
	'/me/password',
	doc('auth', 'Change my password (ends my other sessions and their sockets)', 'signed in'),
	validate('json', changePasswordSchema),
	async (c) => {
		const user = requireUser(c);
		const { currentPassword, newPassword } = c.req.valid('json');
		const { db } = c.var.deps;
		if (!(await verifyPassword(currentPassword, (await passwordHashOf(db, user.id)) ?? ''))) {
			throw Validation('The current password is not correct', [
				{ path: 'currentPassword', message: 'The current password is not correct' }
			]);
		}
		assertPasswordAllowed(newPassword, user, commonPasswords());
		const hash = await hashPassword(newPassword);
		await setPasswordHash(db, user.id, hash);
		const keep = c.var.credential?.sessionId ?? null;
		const endedSessions = await endOtherSessions(c.var.deps, user.id, keep);
		await audit(db, {
			actorId: user.id,
			projectId: null,
			action: 'user.password_change',
			entityType: 'user',
			entityId: user.id,
			data: { endedSessions }
		});
		return c.json({ ok: true, endedSessions });
	}
);

app.post(
	'/me/sessions/revoke-others',
	doc('auth', 'Sign out my other sessions (and close their sockets)', 'signed in'),
	async (c) => {
		const user = requireUser(c);
		const endedSessions = await endOtherSessions(c.var.deps, user.id, c.var.credential?.sessionId ?? null);
		await audit(c.var.deps.db, {
			actorId: user.id,
			projectId: null,
			action: 'user.sessions_revoke',
			entityType: 'user',
			entityId: user.id,
			data: { endedSessions }
		});
		return c.json({ ok: true, endedSessions });
	}
);

export default app;
