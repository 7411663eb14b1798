// The credentials a request presents, read the same way by REST routes, event streams and WebSocket upgrades:
// its Bearer token (or, for upgrades, where browsers cannot set headers, `?token=`) and its session cookie.
// db/users.ts callerFor decides whom they sign in.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE, bearerFrom } from './domain/credentials';

export const INVALID_TOKEN = 'The API token is not valid (unknown, revoked, expired, or its account deactivated)';

export function credentialsOf(c: Context, opts: { queryToken?: boolean } = {}) {
	const token = bearerFrom(c.req.header('authorization')) ?? (opts.queryToken ? (c.req.query('token') ?? null) : null);
	return { token, secret: getCookie(c, SESSION_COOKIE) };
}
