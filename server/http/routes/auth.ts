// Sign-in and sign-out. Unknown email and wrong password get the same answer in the same time; attempts are
// rate-limited per client address and per email.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { validate } from '../validate';
import { doc } from '../openapi';
import { createSession, deleteSession, findUserByEmail, membershipsOf, toUser } from '../../db/users';
import { DUMMY_HASH, verifyPassword } from '../../domain/passwords';
import { AppError } from '../../domain/errors';
import { SESSION_COOKIE } from '../middleware/auth';
import { RateLimiter } from '../rate-limit';

const loginSchema = z.object({ email: z.string().trim().toLowerCase().email().max(320), password: z.string().min(1).max(1000) });

export function authRoutes() {
	const perEmail = new RateLimiter({ windowMs: 15 * 60_000, max: 10 });
	const perAddress = new RateLimiter({ windowMs: 15 * 60_000, max: 100 });
	const app = new Hono<AppEnv>();

	app.post('/login', doc('auth', 'Sign in; sets the session cookie', 'anyone'), validate('json', loginSchema), async (c) => {
		const { email, password } = c.req.valid('json');
		let address = 'local';
		try {
			address = getConnInfo(c).remote.address ?? 'local';
		} catch {
			// app.request() in tests has no socket; all such calls share one bucket.
		}
		if (perAddress.blocked(address) || perEmail.blocked(email)) {
			throw new AppError('rate_limited', 'Too many failed sign-in attempts; wait a few minutes and try again');
		}
		const row = findUserByEmail(c.var.deps.db, email);
		const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
		if (!row || !ok) {
			perAddress.fail(address);
			perEmail.fail(email);
			throw new AppError('invalid_credentials', 'Email or password is not correct');
		}
		perEmail.reset(email);
		const { config, db } = c.var.deps;
		const secret = createSession(db, row.id, config.sessionTtlMs);
		setCookie(c, SESSION_COOKIE, secret, {
			httpOnly: true,
			sameSite: 'Lax',
			path: '/',
			secure: new URL(c.req.url).protocol === 'https:',
			maxAge: Math.floor(config.sessionTtlMs / 1000)
		});
		return c.json({ user: toUser(row), memberships: membershipsOf(db, row.id) });
	});

	app.post('/logout', doc('auth', 'Sign out (ends the session of the cookie)', 'signed in'), (c) => {
		const secret = getCookie(c, SESSION_COOKIE);
		if (secret) deleteSession(c.var.deps.db, secret);
		deleteCookie(c, SESSION_COOKIE, { path: '/' });
		return c.json({ ok: true });
	});

	return app;
}
