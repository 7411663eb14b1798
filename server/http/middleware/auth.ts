// Resolves the caller from the session cookie or a Bearer token, and guards cookie-authenticated writes
// against cross-site requests by checking Origin (or Sec-Fetch-Site) against our own origin.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { sessionFor, tokenFor } from '../../db/users';
import { errorResponse } from '../errors';
import { SESSION_COOKIE, bearerFrom, sameOrigin } from '../../domain/credentials';

export const resolveCaller: MiddlewareHandler<AppEnv> = async (c, next) => {
	const { db } = c.var.deps;
	const token = bearerFrom(c.req.header('authorization'));
	if (token) {
		const found = await tokenFor(db, token);
		if (!found) return errorResponse(c, 'unauthenticated', 'The API token is not valid (unknown, revoked or expired)');
		c.set('user', found.user);
		c.set('authVia', 'token');
		c.set('credential', { userId: found.user.id, tokenId: found.tokenId });
	} else {
		const secret = getCookie(c, SESSION_COOKIE);
		const found = secret ? await sessionFor(db, secret) : undefined;
		c.set('user', found?.user ?? null);
		c.set('authVia', found ? 'cookie' : null);
		c.set('credential', found ? { userId: found.user.id, sessionId: found.sessionId } : null);
	}
	await next();
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Cross-site request forgery guard for browser (cookie) writes and for sign-in itself. */
export const originGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (SAFE.has(c.req.method) || c.var.authVia === 'token') return next();
	const origin = c.req.header('origin');
	const fetchSite = c.req.header('sec-fetch-site');
	const allowed = c.var.deps.config.allowedOrigins;
	const ok = origin ? sameOrigin(c.req.url, c.req.header('host'), origin, allowed) : fetchSite === 'same-origin';
	if (!ok) return errorResponse(c, 'forbidden', 'Cross-site request refused (Origin does not match this server)');
	await next();
};
