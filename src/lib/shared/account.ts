// Contracts of the account API (password change, API tokens) shared by the server and the account page, and the
// password policy's parameters so the page can explain exactly what the server enforces.
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1000;
const MAX_TOKEN_DAYS = 3650;

/** Why a new password is refused (the server checks; the page translates). */
export const PASSWORD_RULES = ['too_short', 'too_long', 'common', 'personal'] as const;
export type PasswordRule = (typeof PASSWORD_RULES)[number];

export const changePasswordSchema = z.strictObject({
	currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH),
	// Length and the other rules are checked by the policy (server/domain/password-policy.ts) with one message each.
	newPassword: z.string().max(MAX_PASSWORD_LENGTH)
});

export const createTokenSchema = z.strictObject({
	name: z.string().trim().min(1).max(100),
	expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional()
});

export interface ApiToken {
	id: string;
	name: string;
	createdAt: number;
	lastUsedAt: number | null;
	expiresAt: number | null;
}
