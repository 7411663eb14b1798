// Roles: per-project membership roles, plus the global admin flag on a user.
export const ROLES = ['evaluator', 'lead', 'manager'] as const;
export type Role = (typeof ROLES)[number];

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
