// Contracts of the invitation API (server routes and the invite dialog, list and accept page): the request bodies,
// the states an invitation is in, and what the server answers. A link's token is shown once, at creation.
import { z } from 'zod';
import { ROLES, type Role } from './roles';
import { pageQuery } from './paging';
import { MAX_PASSWORD_LENGTH } from './account';

/** Where an invitation stands: pending until accepted, revoked (withdrawn or replaced) or past its expiry. */
export const INVITATION_STATES = ['pending', 'accepted', 'expired', 'revoked'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

/** Longest token a link can carry (newSecret() gives 43 characters); anything longer is not one of ours. */
const MAX_TOKEN_LENGTH = 200;

export const createInvitationSchema = z.strictObject({
	email: z.string().trim().toLowerCase().email().max(320),
	role: z.enum(ROLES)
});

export const invitationListQuerySchema = z.strictObject({
	state: z.enum([...INVITATION_STATES, 'all']).default('pending'),
	...pageQuery
});

/**
 * Accepting a link. Without an account for the invited email: `name` and `password` create it. With one: the
 * token alone, sent while signed in as that account (name and password are then refused: the account has them).
 */
export const acceptInvitationSchema = z
	.strictObject({
		token: z.string().min(1).max(MAX_TOKEN_LENGTH),
		name: z.string().trim().min(1).max(100).optional(),
		// Length and the other rules are the password policy's (server/domain/password-policy.ts).
		password: z.string().max(MAX_PASSWORD_LENGTH).optional()
	})
	.refine((b) => (b.name === undefined) === (b.password === undefined), {
		message: 'Give both name and password (new account) or neither (signed in as the invited account)',
		path: ['password']
	});

export const invitationTokenSchema = z.strictObject({ token: z.string().min(1).max(MAX_TOKEN_LENGTH) });

export interface InvitationView {
	id: string;
	email: string;
	role: Role;
	state: InvitationState;
	createdAt: number;
	expiresAt: number;
	acceptedAt: number | null;
	revokedAt: number | null;
	/** Who sent it (null once their account is gone). */
	invitedBy: { id: string; name: string } | null;
}

/** POST /api/projects/:pid/invitations: the link is in `url` this once; `mailed` says whether it went by mail. */
export interface CreatedInvitation {
	invitation: InvitationView & { url: string };
	mailed: boolean;
	/** Why the mail was not sent, when mail is configured and sending failed. */
	mailProblem: string | null;
}

/** GET /api/invitations/:token: what the accept page shows before anyone signs in. */
export interface InvitationPreview {
	projectName: string;
	role: Role;
	email: string;
	invitedByName: string | null;
	expiresAt: number;
	state: InvitationState;
	/** Why the link no longer works, in words; null while it is pending. */
	problem: string | null;
	/** Whether an account with the invited email exists (then the person signs in to accept). */
	accountExists: boolean;
	methods: { password: boolean; oidc: { name: string; start: string } | null };
}
