// The one way a person becomes signed in, whatever proved who they are (password, single sign-on, an accepted
// invitation, a password reset): a new session, its cookie, the account's last sign-in time and an audit row
// `auth.sign_in` naming the method. Failed attempts are audited by `signInFailed` (`auth.sign_in_failed`), so an
// admin can read both in the audit trail.
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { eq } from 'drizzle-orm';
import type { AppEnv } from './env';
import type { Config } from '../config';
import { createSession, membershipsOf, toUser, type UserRow } from '../db/users';
import { audit } from '../db/audit';
import { tx } from '../db/client';
import { users } from '../../drizzle/schema';
import { SESSION_COOKIE } from '../domain/credentials';
import { clientAddress, isHttps } from './client';

export type SignInMethod = 'password' | 'oidc' | 'invitation' | 'password_reset';

/** The ways to sign in this server offers (GET /api/auth/methods, the invitation preview). */
export function signInMethods(identity: Config['identity']) {
	return {
		password: identity.passwordSignIn,
		oidc: identity.oidc ? { name: identity.oidc.name, start: '/api/auth/oidc/start' } : null
	};
}

/** Signs `row` in on this response; returns what POST /api/auth/login answers. The account must be active. */
export async function signIn(c: Context<AppEnv>, row: UserRow, method: SignInMethod) {
	const { config, db } = c.var.deps;
	const now = Date.now();
	const secret = await tx(db, async (t) => {
		const made = await createSession(t, row.id, config.sessionTtlMs);
		await t.update(users).set({ lastSignInAt: now }).where(eq(users.id, row.id));
		await audit(t, {
			actorId: row.id,
			projectId: null,
			action: 'auth.sign_in',
			entityType: 'user',
			entityId: row.id,
			data: { method, address: clientAddress(c) }
		});
		return made;
	});
	setCookie(c, SESSION_COOKIE, secret, {
		httpOnly: true,
		sameSite: 'Lax',
		path: '/',
		secure: isHttps(c),
		maxAge: Math.floor(config.sessionTtlMs / 1000)
	});
	return { user: toUser(row), memberships: await membershipsOf(db, row.id) };
}

/** Records a refused sign-in: the account when one was named (else the email or subject tried) and why. */
export async function signInFailed(
	c: Context<AppEnv>,
	attempt: { userId?: string; tried: string; method: SignInMethod; reason: string }
): Promise<void> {
	await audit(c.var.deps.db, {
		actorId: attempt.userId ?? null,
		projectId: null,
		action: 'auth.sign_in_failed',
		entityType: 'user',
		entityId: attempt.userId ?? attempt.tried,
		data: { method: attempt.method, reason: attempt.reason, tried: attempt.tried, address: clientAddress(c) }
	});
}
