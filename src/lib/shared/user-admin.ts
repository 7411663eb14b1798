// Contracts of the user lifecycle API (the admin's user directory, account changes, password reset links),
// shared by the server and the admin and reset pages.
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from './account';
import { pageQuery } from './paging';
import type { Role } from './roles';

export const USER_STATUSES = ['active', 'deactivated', 'all'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** GET /api/admin/users: a page, optionally filtered by status and by text in the name or email. */
export const userDirectoryQuerySchema = z.strictObject({
	...pageQuery,
	q: z.string().trim().max(100).optional(),
	status: z.enum(USER_STATUSES).default('all')
});

/** PATCH /api/admin/users/:id: at least one of the two. */
export const accountChangeSchema = z
	.strictObject({ active: z.boolean().optional(), role: z.enum(['admin', 'user']).optional() })
	.refine((c) => c.active !== undefined || c.role !== undefined, { message: 'Give active, role or both' });

/** Reset tokens are 43 base64url characters (newSecret); anything much longer is not one. */
const resetToken = z.string().min(1).max(200);

export const resetAcceptSchema = z.strictObject({
	token: resetToken,
	// Length and the other rules are checked by the password policy (one message each).
	password: z.string().max(MAX_PASSWORD_LENGTH)
});

export const resetTokenParamSchema = z.strictObject({ token: resetToken });

/** Why a reset link does not work; null: it does. */
export type ResetProblem = 'invalid' | 'used' | 'expired' | 'deactivated' | null;

export interface DirectoryUser {
	id: string;
	email: string;
	name: string;
	isAdmin: boolean;
	active: boolean;
	deactivatedAt: number | null;
	lastSignInAt: number | null;
	createdAt: number;
	sso: boolean;
	projects: { projectId: string; projectName: string; role: Role }[];
}

export interface ResetLinkView {
	email: string;
	name: string;
	expiresAt: number;
	problem: ResetProblem;
}
