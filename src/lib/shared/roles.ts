// Roles: per-project membership roles, plus the global admin flag on a user.
export const ROLES = ['evaluator', 'lead', 'manager'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The role a caller acts with in a project: their membership's, or 'admin' for an admin who is not a member
 * (a reader and manager of every project; server/domain/permissions.ts decides what each may do).
 */
export type ProjectRole = Role | 'admin';

/** Who scores items in a project: evaluators and leads (what the pages offer; the server decides). */
export const evaluates = (role: ProjectRole | null): boolean => role === 'evaluator' || role === 'lead';

/** Who reads the team's work (agreement, exports, the escalation queue, reports): leads, managers and admins. */
export const overseesTeam = (role: ProjectRole | null): boolean =>
	role === 'lead' || role === 'manager' || role === 'admin';

/** Who reads a project without taking part in it: managers and admins. */
export const readsOnly = (role: ProjectRole | null): boolean => role === 'manager' || role === 'admin';

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
