// Rules of single sign-on that need no I/O: where a sign-in may return to, which email domains may create an
// account, and how a provider's role claim maps to Concord roles (OIDC_ROLE_MAP).
//
// OIDC_ROLE_MAP is a comma-separated list of `value=role` entries: `value` is one value of the claim named by
// OIDC_ROLE_CLAIM (a group, an app role), `role` is `admin` (Concord's admin flag) or `evaluator|manager|lead@<projectId>`
// (that role in that project), e.g. `concord-admins=admin,raters=evaluator@p1,qa-leads=lead@p1`.
// The map is authoritative for what it names, at every sign-in: the admin flag (when some entry maps to admin) and
// the role in each project it names become exactly what the person's claim values map to (the highest role when
// several do; no membership when none does). Projects the map does not name are left to invitations and admins.
import { ROLES, type Role } from '#shared/roles';
import type { SsoError } from '#shared/sign-in-errors';
import { AppError } from './errors';

const PROJECT_RANK: Record<Role, number> = { evaluator: 0, manager: 1, lead: 2 };

/**
 * The same-site path a sign-in may return to, or null when `value` is not one: absolute URLs, protocol-relative
 * `//host` and `/\host` (browsers read a backslash as a slash) and control characters are refused.
 */
export function safeReturnTo(value: string | undefined | null): string | null {
	if (!value || value.length > 2000 || !value.startsWith('/')) return null;
	if (value.startsWith('//') || value.startsWith('/\\') || hasControlCharacter(value)) return null;
	const base = 'http://concord.invalid';
	let url: URL;
	try {
		url = new URL(value, base);
	} catch {
		return null;
	}
	return url.origin === base ? url.pathname + url.search + url.hash : null;
}

function hasControlCharacter(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}

/** The lower-cased domain of an email address ('' when it has none). */
const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/** Whether signing in with this (verified) email may create an account without an invitation. */
export const domainAllowed = (email: string, allowedDomains: readonly string[]) =>
	email.includes('@') && allowedDomains.includes(emailDomain(email));

export type RoleMapEntry =
	{ value: string; admin: true } | { value: string; admin?: false; projectId: string; role: Role };

/** Parses OIDC_ROLE_MAP; throws an Error naming the first malformed entry (the server refuses to start). */
export function parseRoleMap(text: string): RoleMapEntry[] {
	const entries: RoleMapEntry[] = [];
	for (const raw of text.split(',')) {
		const entry = raw.trim();
		if (!entry) continue;
		const eq = entry.lastIndexOf('=');
		const value = entry.slice(0, eq).trim();
		const target = entry.slice(eq + 1).trim();
		const [role, projectId, ...rest] = target.split('@');
		const bad = (why: string) => new Error(`OIDC_ROLE_MAP entry "${entry}": ${why}`);
		if (eq <= 0 || !value) throw bad('write it as value=role or value=role@projectId');
		if (rest.length > 0) throw bad('one @ at most');
		if (role === 'admin') {
			if (projectId !== undefined) throw bad('admin is not a project role; write value=admin');
			entries.push({ value, admin: true });
		} else if ((ROLES as readonly string[]).includes(role)) {
			if (!projectId) throw bad(`name the project: value=${role}@<projectId>`);
			entries.push({ value, projectId, role: role as Role });
		} else throw bad(`the role must be admin, ${ROLES.join(', ')}`);
	}
	return entries;
}

/** A claim's values: a string is one value, an array its string members; anything else (or absent) none. */
export function claimValues(claim: unknown): string[] {
	if (typeof claim === 'string') return [claim];
	if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string');
	return [];
}

export interface MappedRoles {
	/** The admin flag to set; null when the map names no admin entry (the flag is then not the map's business). */
	admin: boolean | null;
	/** For every project the map names: the role to hold there, or null for no membership. */
	projects: Map<string, Role | null>;
}

/** What the map says a person with these claim values should hold (see the module header). */
export function mappedRoles(map: readonly RoleMapEntry[], values: readonly string[]): MappedRoles {
	const held = new Set(values);
	let admin: boolean | null = null;
	const projects = new Map<string, Role | null>();
	for (const entry of map) {
		const matches = held.has(entry.value);
		if (entry.admin) {
			admin = (admin ?? false) || matches;
			continue;
		}
		const current = projects.get(entry.projectId) ?? null;
		if (!projects.has(entry.projectId)) projects.set(entry.projectId, null);
		if (matches && (current === null || PROJECT_RANK[entry.role] > PROJECT_RANK[current]))
			projects.set(entry.projectId, entry.role);
	}
	return { admin, projects };
}

/** A single sign-on refused for a reason the sign-in page explains (thrown inside the account's transaction). */
export class SsoRefusal extends AppError {
	constructor(
		readonly reason: SsoError,
		message: string,
		/** The account concerned, when one was found (for the audit trail). */
		readonly userId?: string
	) {
		super('forbidden', message);
	}
}
