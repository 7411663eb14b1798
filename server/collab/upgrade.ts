// Decides, during the HTTP upgrade of /collab/:room, who is connecting and what they may do. Order of checks:
// authentication (token from `Authorization: Bearer` or `?token=`, else the session cookie, which must come from
// our own origin) → 4401; the room exists → 4404; the user may join it → 4403. The socket is accepted either way
// and then closed with that code, because a close code (unlike an HTTP status) reaches browser code.
import type { Context } from 'hono';
import type { AppDeps } from '../deps';
import { sameOrigin } from '../domain/credentials';
import type { Caller } from '../db/users';
import { INVALID_TOKEN, credentialsOf } from '../request-credentials';
import { AppError, Forbidden, NotFound, Unauthenticated } from '../domain/errors';
import type { User } from '#shared/roles';
import { closeFor } from './close-codes';
import { findRoom, permissionIn, type RoomPermission, type RoomTarget } from './room-access';
import type { ConnectionUser } from './connection';

export type UpgradeDecision =
	| { ok: true; user: ConnectionUser; target: RoomTarget; permission: RoomPermission }
	| { ok: false; code: number; reason: string; room: string; userId: string | null };

export async function decideUpgrade(c: Context, deps: AppDeps): Promise<UpgradeDecision> {
	const room = c.req.param('room') ?? '';
	let user: User | null = null;
	try {
		const caller = await authenticate(c, deps);
		user = caller.user;
		const target = await findRoom(deps.db, room);
		if (!target) throw NotFound(`There is no room "${room}"`);
		const permission = await permissionIn(deps.db, target, user.id);
		if (permission.access === null) throw Forbidden('You do not have access to this room');
		return {
			ok: true,
			user: { id: user.id, name: user.name, sessionId: caller.sessionId, tokenId: caller.tokenId },
			target,
			permission
		};
	} catch (err) {
		if (!(err instanceof AppError)) deps.logger.error({ err, room, user: user?.id }, 'collaboration upgrade failed');
		return { ok: false, ...closeFor(err), room, userId: user?.id ?? null };
	}
}

async function authenticate(c: Context, deps: AppDeps): Promise<Caller> {
	const credentials = credentialsOf(c, { queryToken: true });
	const found = await deps.callers.callerFor(credentials);
	if (found === 'invalid') throw Unauthenticated(INVALID_TOKEN);
	if (!found) throw Unauthenticated('Sign in to join this room');
	// Browsers attach cookies to cross-site WebSocket handshakes too; only our own pages may use them here.
	const origin = c.req.header('origin');
	if (found.sessionId && origin && !sameOrigin(c.req.url, c.req.header('host'), origin, deps.config.allowedOrigins)) {
		throw Forbidden('Cross-site connection refused (Origin does not match this server)');
	}
	return found;
}
