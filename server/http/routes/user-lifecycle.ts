// The user lifecycle: an admin deactivates or reactivates an account and grants or removes the global admin role
// (PATCH /api/admin/users/:id; the guards live in domain/user-lifecycle.ts), and makes single-use password reset
// links (POST /api/admin/users/:id/password-reset) that anyone holding one redeems (/api/password-resets).
// Deactivating ends the account's sessions and API tokens in its transaction, then, once committed, closes its
// sockets on every node (4401) and ends its notification streams.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { requireAdmin } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { publicOrigin } from '../client';
import { signIn } from '../sign-in';
import { credentialsEnded } from '../../caller-cache';
import { changeAccount } from '../../db/user-admin';
import {
	RESET_PROBLEM_MESSAGES,
	createPasswordReset,
	passwordResetByToken,
	resetProblem,
	usePasswordReset
} from '../../db/password-resets';
import { commonPasswords } from '../../db/common-passwords';
import { findUser } from '../../db/users';
import { hashPassword } from '../../domain/passwords';
import { assertPasswordAllowed } from '../../domain/password-policy';
import { Conflict } from '../../domain/errors';
import { passwordResetMail } from '../../domain/password-reset-mail';
import { sendMail } from '../../mail';
import { isLocale } from '#shared/locales';
import { accountChangeSchema, resetAcceptSchema, resetTokenParamSchema } from '#shared/user-admin';

const app = new Hono<AppEnv>();
const PASSWORDS_OFF = 'Password sign-in is turned off here; people sign in with single sign-on';
const userParam = z.strictObject({ id: z.string().min(1).max(64) });

app.patch(
	'/admin/users/:id',
	doc('admin', 'Deactivate or reactivate an account, grant or remove the admin role', 'admin'),
	validate('param', userParam),
	validate('json', accountChangeSchema),
	async (c) => {
		const admin = requireAdmin(c);
		const { deps } = c.var;
		const targetId = c.req.valid('param').id;
		const result = await changeAccount(deps.db, admin.id, targetId, c.req.valid('json'));
		if (result.changed.includes('user.deactivate')) {
			// Committed: nothing of theirs may read or write any more, on this node or another.
			credentialsEnded(deps, [{ userId: targetId }]);
			deps.inbox.signedOut([targetId]);
		} else if (result.changed.length) {
			// Reactivated, or the admin role granted or removed: every node looks the account up again.
			deps.callers.changed();
		}
		// An admin role removed or granted changes which rooms they may read.
		if (result.changed.includes('user.role_change')) await deps.rooms.recheckUser(targetId);
		return c.json({
			user: await findUser(deps.db, targetId),
			active: result.user.deactivatedAt === null,
			deactivatedAt: result.user.deactivatedAt,
			endedSessions: result.endedSessions,
			endedTokens: result.endedTokens
		});
	}
);

app.post(
	'/admin/users/:id/password-reset',
	doc(
		'admin',
		'A single-use password reset link for an account (replaces its unused ones; mailed to it when SMTP_URL is set)',
		'admin',
		{
			status: 201
		}
	),
	validate('param', userParam),
	async (c) => {
		const admin = requireAdmin(c);
		const { config, db, logger } = c.var.deps;
		if (!config.identity.passwordSignIn) throw Conflict(PASSWORDS_OFF);
		const { token, expiresAt, user } = await createPasswordReset(db, {
			userId: c.req.valid('param').id,
			createdBy: admin.id,
			ttlMs: config.identity.passwordResetTtlMs
		});
		const url = `${publicOrigin(c)}/reset-password/${token}`;
		// With a mail server the link also goes to the account's own address; the admin sees it either way.
		const facts = { to: user.email, name: user.name, adminName: admin.name, expiresAt, url };
		const locale = user.locale && isLocale(user.locale) ? user.locale : 'en';
		let mailed = false;
		try {
			mailed = await sendMail(config.mail, passwordResetMail(facts, locale));
		} catch (err) {
			logger.warn({ err, userId: user.id }, 'password reset mail not sent');
		}
		return c.json({ url, expiresAt, mailed }, 201);
	}
);

app.get(
	'/password-resets/:token',
	doc('auth', 'What a reset link is for, and why it does not work (problem: null when it does)', 'anyone'),
	validate('param', resetTokenParamSchema),
	async (c) => {
		const found = await passwordResetByToken(c.var.deps.db, c.req.valid('param').token);
		const problem = resetProblem(found);
		// An unknown link names nobody.
		return c.json({
			email: found?.user.email ?? null,
			name: found?.user.name ?? null,
			expiresAt: found?.reset.expiresAt ?? null,
			problem
		});
	}
);

app.post(
	'/password-resets/accept',
	doc('auth', 'Set a new password with a reset link; ends every other session and signs in', 'anyone'),
	validate('json', resetAcceptSchema),
	async (c) => {
		const { token, password } = c.req.valid('json');
		const { config, db } = c.var.deps;
		if (!config.identity.passwordSignIn) throw Conflict(PASSWORDS_OFF);
		// Checked before the expensive hash: the link, then the policy against its account.
		const found = await passwordResetByToken(db, token);
		const problem = resetProblem(found);
		if (problem || !found) throw Conflict(RESET_PROBLEM_MESSAGES[problem ?? 'invalid']);
		assertPasswordAllowed(password, found.user, commonPasswords(), 'password');
		const { user, endedSessions } = await usePasswordReset(db, token, await hashPassword(password));
		credentialsEnded(
			c.var.deps,
			endedSessions.map((sessionId) => ({ sessionId }))
		);
		return c.json(await signIn(c, user, 'password_reset'));
	}
);

export default app;
