// Users, sign-in sessions and API tokens. Secrets are stored only as sha256 hashes.
import { and, eq, gt } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { Db } from './client';
import { apiTokens, authSessions, memberships, users } from '../../drizzle/schema';
import type { Membership, User } from '#shared/roles';
import { newId, newSecret } from '../domain/ids';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

type UserRow = typeof users.$inferSelect;
export const toUser = (u: UserRow): User => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin, locale: u.locale });

export function findUserByEmail(db: Db, email: string): UserRow | undefined {
	return db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
}

export function findUser(db: Db, id: string): User | undefined {
	const row = db.select().from(users).where(eq(users.id, id)).get();
	return row && toUser(row);
}

export function createSession(db: Db, userId: string, ttlMs: number): string {
	const secret = newSecret();
	const now = Date.now();
	db.insert(authSessions).values({ id: sha256(secret), userId, createdAt: now, expiresAt: now + ttlMs }).run();
	return secret;
}

export function userForSession(db: Db, secret: string): User | undefined {
	const row = db
		.select({ user: users })
		.from(authSessions)
		.innerJoin(users, eq(users.id, authSessions.userId))
		.where(and(eq(authSessions.id, sha256(secret)), gt(authSessions.expiresAt, Date.now())))
		.get();
	return row && toUser(row.user);
}

export function deleteSession(db: Db, secret: string): void {
	db.delete(authSessions).where(eq(authSessions.id, sha256(secret))).run();
}

export function createApiToken(db: Db, userId: string, name: string): string {
	const token = 'cnc_' + newSecret();
	db.insert(apiTokens).values({ id: newId(), userId, name, tokenHash: sha256(token), createdAt: Date.now() }).run();
	return token;
}

export function userForToken(db: Db, token: string): User | undefined {
	const row = db
		.select({ user: users, id: apiTokens.id })
		.from(apiTokens)
		.innerJoin(users, eq(users.id, apiTokens.userId))
		.where(eq(apiTokens.tokenHash, sha256(token)))
		.get();
	if (!row) return undefined;
	db.update(apiTokens).set({ lastUsedAt: Date.now() }).where(eq(apiTokens.id, row.id)).run();
	return toUser(row.user);
}

export function membershipsOf(db: Db, userId: string): Membership[] {
	return db.select({ projectId: memberships.projectId, role: memberships.role }).from(memberships).where(eq(memberships.userId, userId)).all();
}

export function roleIn(db: Db, projectId: string, userId: string): Membership['role'] | null {
	const row = db
		.select({ role: memberships.role })
		.from(memberships)
		.where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
		.get();
	return row?.role ?? null;
}
