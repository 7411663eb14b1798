// Single sign-on attempts in progress: what the callback must find again (nonce, PKCE verifier, the invitation
// being accepted, where to return), stored under the sha256 of the state so the row alone cannot complete a
// sign-in. Taking an attempt deletes it in the same statement: a replayed callback finds nothing.
import { eq, lte } from 'drizzle-orm';
import type { Db } from './client';
import { oidcLogins } from '../../drizzle/schema';
import { secretHash } from '../domain/ids';

export type OidcLoginRow = typeof oidcLogins.$inferSelect;

/** How long a person has at the provider before the attempt lapses. */
const OIDC_LOGIN_TTL_MS = 10 * 60_000;

export async function createOidcLogin(
	db: Db,
	attempt: {
		state: string;
		nonce: string;
		codeVerifier: string;
		invitationTokenHash: string | null;
		returnTo: string | null;
	},
	now = Date.now()
): Promise<void> {
	// Lapsed attempts go as new ones come: the table holds at most ten minutes of starts.
	await db.delete(oidcLogins).where(lte(oidcLogins.expiresAt, now));
	await db.insert(oidcLogins).values({
		id: secretHash(attempt.state),
		nonce: attempt.nonce,
		codeVerifier: attempt.codeVerifier,
		invitationTokenHash: attempt.invitationTokenHash,
		returnTo: attempt.returnTo,
		createdAt: now,
		expiresAt: now + OIDC_LOGIN_TTL_MS
	});
}

/** Removes the attempt named by `state` and returns it, unless there was none or it has lapsed. */
export async function takeOidcLogin(db: Db, state: string, now = Date.now()): Promise<OidcLoginRow | undefined> {
	const [row] = await db
		.delete(oidcLogins)
		.where(eq(oidcLogins.id, secretHash(state)))
		.returning();
	return row && row.expiresAt > now ? row : undefined;
}
