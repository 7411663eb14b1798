// Roles: per-project membership roles, plus the global admin flag on a user.
export const ROLES = ['evaluator', 'lead', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The role a caller acts with in a project: their membership's, or 'admin' for an admin who is not a member
 * (a reader and manager of every project; server/domain/permissions.ts decides what each may do).
 */
export type ProjectRole = Role | 'admin';

export interface Membership {
	projectId: string;
	role: Role;
}

export interface User {
	id: string;
	email: string;
	name: string;
	isAdmin: boolean;
	locale: string | null;
}
