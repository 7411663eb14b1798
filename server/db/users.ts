// Users, sign-in sessions and API tokens. Secrets are stored only as sha256 hashes.
import { and, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first, prepared } from './client';
import { apiTokens, authSessions, memberships, users } from '../../drizzle/schema';
import type { Membership, User } from '#shared/roles';
import type { Credential } from '../domain/ports';
import { newId, newSecret, secretHash } from '../domain/ids';
import type { PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';
import { audit } from './audit';

const sha256 = secretHash;

type UserRow = typeof users.$inferSelect;
export type { UserRow };
export const toUser = (u: UserRow): User => ({
	id: u.id,
	email: u.email,
	name: u.name,
	isAdmin: u.isAdmin,
	locale: u.locale
});

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
	return first(db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1));
}

export function userRowById(db: Db, id: string): Promise<UserRow | undefined> {
	return first(db.select().from(users).where(eq(users.id, id)).limit(1));
}

export async function findUser(db: Db, id: string): Promise<User | undefined> {
	const row = await userRowById(db, id);
	return row && toUser(row);
}

/**
 * A new account and its `user.create` audit row, in the caller's transaction `t`; null when the email already has
 * one (the email is unique: of two requests making the same account at once, the second gets null too).
 * `createdBy` is the admin who made it, or null when the person made it themselves (invitation, single sign-on);
 * `detail` says how, for the audit row.
 */
export async function createUser(
	t: Db,
	input: { email: string; name: string; passwordHash: string; isAdmin?: boolean },
	audited: { createdBy: string | null; detail?: Record<string, unknown> }
): Promise<UserRow | null> {
	const row: UserRow = {
		id: newId(),
		email: input.email.toLowerCase(),
		name: input.name,
		passwordHash: input.passwordHash,
		isAdmin: input.isAdmin ?? false,
		locale: null,
		createdAt: Date.now(),
		deactivatedAt: null,
		lastSignInAt: null
	};
	const inserted = await t
		.insert(users)
		.values(row)
		.onConflictDoNothing({ target: users.email })
		.returning({ id: users.id });
	if (inserted.length === 0) return null;
	await audit(t, {
		actorId: audited.createdBy ?? row.id,
		projectId: null,
		action: 'user.create',
		entityType: 'user',
		entityId: row.id,
		data: { email: row.email, ...audited.detail }
	});
	return row;
}

export async function createSession(db: Db, userId: string, ttlMs: number): Promise<string> {
	const secret = newSecret();
	const now = Date.now();
	await db.insert(authSessions).values({ id: sessionIdOf(secret), userId, createdAt: now, expiresAt: now + ttlMs });
	return secret;
}

/** A session's id is the hash of its cookie: what the database and the socket registry know it by. */
const sessionIdOf = (secret: string) => sha256(secret);

/** A caller found from their credential: the user, and the session (cookie) or token (Bearer) they used. */
export type Caller =
	{ user: User; sessionId: string; tokenId?: undefined } | { user: User; tokenId: string; sessionId?: undefined };

/** The credential part of a caller, as requests and sockets carry it. */
export const credentialOf = (caller: Caller): Credential =>
	caller.tokenId === undefined
		? { userId: caller.user.id, sessionId: caller.sessionId }
		: { userId: caller.user.id, tokenId: caller.tokenId };

/** A caller found in the record, and when the credential they used expires (null: never). */
export interface FoundCaller {
	caller: Caller;
	expiresAt: number | null;
}

/** What a request presents: a Bearer token (or `?token=` on upgrades) and the session cookie's secret. */
export type Credentials = { token: string | null; secret: string | undefined };

/**
 * How a credential lookup is made: `key` names the credential (its kind and hash), `load` reads the record. The
 * default reads every time; a node's CallerCache (server/caller-cache.ts) remembers answers for a moment.
 */
export type Remember = (key: string, load: () => Promise<FoundCaller | undefined>) => Promise<Caller | undefined>;

const everyTime: Remember = async (_key, load) => (await load())?.caller;

/**
 * Who presents these credentials. One rule for REST, WebSocket upgrades and event streams: a Bearer token, when
 * given, decides alone (an invalid one is 'invalid', never a fallback to the cookie); else the session cookie.
 * Only an active account's unexpired session or token counts.
 */
export async function callerFor(
	db: Db,
	credentials: Credentials,
	remember: Remember = everyTime
): Promise<Caller | 'invalid' | null> {
	if (credentials.token) {
		const hash = sha256(credentials.token);
		return (await remember(`token:${hash}`, () => tokenFor(db, hash))) ?? 'invalid';
	}
	if (!credentials.secret) return null;
	const id = sessionIdOf(credentials.secret);
	return (await remember(`session:${id}`, () => sessionFor(db, id))) ?? null;
}

/** Who a session belongs to, while it exists, has not expired and the account is active. */
async function sessionFor(db: Db, id: string): Promise<FoundCaller | undefined> {
	const [row] = await sessionQuery(db, { id, now: Date.now() });
	return row && { caller: { user: toUser(row.user), sessionId: row.id }, expiresAt: row.expiresAt };
}

const sessionQuery = prepared((db) =>
	db
		.select({ user: users, id: authSessions.id, expiresAt: authSessions.expiresAt })
		.from(authSessions)
		.innerJoin(users, eq(users.id, authSessions.userId))
		.where(
			and(
				eq(authSessions.id, sql.placeholder('id')),
				gt(authSessions.expiresAt, sql.placeholder('now')),
				isNull(users.deactivatedAt)
			)
		)
		.limit(1)
		.prepare()
);

/** Ends one session; returns its id (for closing its sockets), or null when there was none. */
export async function deleteSession(db: Db, secret: string): Promise<string | null> {
	const id = sessionIdOf(secret);
	const ended = await db.delete(authSessions).where(eq(authSessions.id, id)).returning({ id: authSessions.id });
	return ended.length > 0 ? id : null;
}

/** Ends every session of a user except `keepId` (null: every one); returns the ids it ended. */
export async function deleteOtherSessions(db: Db, userId: string, keepId: string | null): Promise<string[]> {
	const others = and(eq(authSessions.userId, userId), keepId ? ne(authSessions.id, keepId) : undefined);
	const ended = await db.delete(authSessions).where(others).returning({ id: authSessions.id });
	return ended.map((r) => r.id);
}

const DAY_MS = 24 * 3600 * 1000;
/** lastUsedAt is a hint for people, not an audit trail: one write a minute per token is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

export async function createApiToken(
	db: Db,
	userId: string,
	name: string,
	expiresInDays?: number
): Promise<{ token: string; id: string }> {
	const token = 'cnc_' + newSecret();
	const id = newId();
	const now = Date.now();
	const expiresAt = expiresInDays === undefined ? null : now + expiresInDays * DAY_MS;
	await db.insert(apiTokens).values({ id, userId, name, tokenHash: sha256(token), createdAt: now, expiresAt });
	return { token, id };
}

/** Who the token of this hash belongs to, unless it is unknown, expired or its account deactivated; records its last use. */
async function tokenFor(db: Db, hash: string, now = Date.now()): Promise<FoundCaller | undefined> {
	const [row] = await tokenQuery(db, { hash, now });
	if (!row) return undefined;
	if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
		await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
	}
	return { caller: { user: toUser(row.user), tokenId: row.id }, expiresAt: row.expiresAt };
}

const tokenQuery = prepared((db) =>
	db
		.select({ user: users, id: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt, expiresAt: apiTokens.expiresAt })
		.from(apiTokens)
		.innerJoin(users, eq(users.id, apiTokens.userId))
		.where(
			and(
				eq(apiTokens.tokenHash, sql.placeholder('hash')),
				or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql.placeholder('now'))),
				isNull(users.deactivatedAt)
			)
		)
		.limit(1)
		.prepare()
);

export interface ApiTokenSummary {
	id: string;
	name: string;
	createdAt: number;
	lastUsedAt: number | null;
	expiresAt: number | null;
}

const tokensNewestFirst = ordered<ApiTokenSummary>(
	'tokens',
	'desc',
	{ expr: apiTokens.createdAt, type: 'number', of: (t) => t.createdAt },
	{ expr: apiTokens.id, type: 'text', of: (t) => t.id }
);

/** One page of a user's tokens, newest first; never the secret or its hash. */
export async function tokensOf(
	db: Db,
	userId: string,
	page: PageRequest
): Promise<{ tokens: ApiTokenSummary[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, tokensNewestFirst, page);
	const found = await db
		.select({
			id: apiTokens.id,
			name: apiTokens.name,
			createdAt: apiTokens.createdAt,
			lastUsedAt: apiTokens.lastUsedAt,
			expiresAt: apiTokens.expiresAt
		})
		.from(apiTokens)
		.where(and(eq(apiTokens.userId, userId), keyset.after))
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	const { rows, nextCursor } = keyset.finish(found);
	return { tokens: rows, nextCursor };
}

/** Deletes one of the user's own tokens; false when the user has no token with that id. */
export async function deleteApiToken(db: Db, userId: string, tokenId: string): Promise<boolean> {
	const deleted = await db
		.delete(apiTokens)
		.where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
		.returning({ id: apiTokens.id });
	return deleted.length > 0;
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
	await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** The stored hash, for checking a password the user types again. */
export async function passwordHashOf(db: Db, userId: string): Promise<string | undefined> {
	return (await first(db.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1)))?.h;
}

export function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
	return db
		.select({ projectId: memberships.projectId, role: memberships.role })
		.from(memberships)
		.where(eq(memberships.userId, userId));
}

export async function roleIn(db: Db, projectId: string, userId: string): Promise<Membership['role'] | null> {
	const [row] = await roleQuery(db, { projectId, userId });
	return row?.role ?? null;
}

const roleQuery = prepared((db) =>
	db
		.select({ role: memberships.role })
		.from(memberships)
		.where(
			and(eq(memberships.projectId, sql.placeholder('projectId')), eq(memberships.userId, sql.placeholder('userId')))
		)
		.limit(1)
		.prepare()
);
