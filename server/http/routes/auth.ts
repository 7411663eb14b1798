// Sign-in and sign-out. Unknown email and wrong password get the same answer in the same time. Failed attempts
// are limited per (email, client address) and per client address, never per email alone: someone hammering an
// account from one address is stopped without locking its owner out from another. The counts are shared by every
// node when Redis is configured (deps.bus). Signing out ends the session
// and closes its open sockets at once (4401). GET /session tells the web app who is signed in, if anyone.
import { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { validate } from '../validate';
import { doc } from '../openapi';
import { credentialsEnded } from '../../caller-cache';
import { deleteSession, findUserByEmail, membershipsOf } from '../../db/users';
import { DUMMY_HASH, verifyPassword } from '../../domain/passwords';
import { AppError, Forbidden } from '../../domain/errors';
import { SESSION_COOKIE } from '../../domain/credentials';
import type { AppDeps } from '../../deps';
import { clientAddress } from '../client';
import { signIn, signInFailed, signInMethods } from '../sign-in';

const loginSchema = z.strictObject({
	email: z.string().trim().toLowerCase().email().max(320),
	password: z.string().min(1).max(1000)
});

export function authRoutes(deps: AppDeps) {
	const perEmailAndAddress = deps.bus.counter('login-pair', { windowMs: 15 * 60_000, max: 10 });
	const perAddress = deps.bus.counter('login-address', { windowMs: 15 * 60_000, max: 100 });
	const app = new Hono<AppEnv>();

	app.post(
		'/login',
		doc('auth', 'Sign in; sets the session cookie', 'anyone'),
		validate('json', loginSchema),
		async (c) => {
			if (!c.var.deps.config.identity.passwordSignIn) {
				throw Forbidden('Password sign-in is turned off here; use single sign-on');
			}
			const { email, password } = c.req.valid('json');
			const address = clientAddress(c);
			const pair = JSON.stringify([email, address]);
			if ((await perAddress.blocked(address)) || (await perEmailAndAddress.blocked(pair))) {
				throw new AppError('rate_limited', 'Too many failed sign-in attempts; wait a few minutes and try again');
			}
			const row = await findUserByEmail(c.var.deps.db, email);
			// An account without a password (made by single sign-on) is checked against the dummy hash: same time.
			const ok = await verifyPassword(password, row?.passwordHash || DUMMY_HASH);
			if (!row || !ok) {
				await Promise.all([perAddress.fail(address), perEmailAndAddress.fail(pair)]);
				await signInFailed(c, { userId: row?.id, tried: email, method: 'password', reason: 'credentials' });
				throw new AppError('invalid_credentials', 'Email or password is not correct');
			}
			await perEmailAndAddress.reset(pair);
			if (row.deactivatedAt !== null) {
				await signInFailed(c, { userId: row.id, tried: email, method: 'password', reason: 'deactivated' });
				throw Forbidden('This account has been deactivated; ask an admin of Concord to reactivate it');
			}
			return c.json(await signIn(c, row, 'password'));
		}
	);

	// What the web app asks on every page load: a signed-out visitor is an answer here, not an error (GET /api/me,
	// for API clients, still answers 401).
	app.get(
		'/session',
		doc('auth', 'The caller and their project roles, or a null user when signed out', 'anyone'),
		async (c) => {
			const user = c.var.user;
			if (!user) return c.json({ user: null, memberships: [] });
			return c.json({ user, memberships: await membershipsOf(c.var.deps.db, user.id) });
		}
	);

	// What the sign-in and invitation pages offer: the password form and/or the single sign-on button.
	app.get('/methods', doc('auth', 'How one can sign in here: password, single sign-on', 'anyone'), (c) =>
		c.json(signInMethods(c.var.deps.config.identity))
	);

	app.post('/logout', doc('auth', 'Sign out (ends the session of the cookie)', 'signed in'), async (c) => {
		const secret = getCookie(c, SESSION_COOKIE);
		const sessionId = secret ? await deleteSession(c.var.deps.db, secret) : null;
		if (sessionId) credentialsEnded(c.var.deps, [{ sessionId }]);
		deleteCookie(c, SESSION_COOKIE, { path: '/' });
		return c.json({ ok: true });
	});

	return app;
}
