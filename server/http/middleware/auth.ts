// Resolves the caller from the session cookie or a Bearer token, and guards cookie-authenticated writes
// against cross-site requests by checking Origin (or Sec-Fetch-Site) against our own origin.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { credentialOf } from '../../db/users';
import { errorResponse } from '../errors';
import { sameOrigin } from '../../domain/credentials';
import { INVALID_TOKEN, credentialsOf } from '../../request-credentials';

export const resolveCaller: MiddlewareHandler<AppEnv> = async (c, next) => {
	const found = await c.var.deps.callers.callerFor(credentialsOf(c));
	if (found === 'invalid') return errorResponse(c, 'unauthenticated', INVALID_TOKEN);
	c.set('user', found?.user ?? null);
	c.set('authVia', found ? (found.tokenId === undefined ? 'cookie' : 'token') : null);
	c.set('credential', found && credentialOf(found));
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
