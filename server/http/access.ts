// Route helpers that turn the permission module's answers into errors: non-members get 404 (a project's
// existence is not disclosed), members without the permission get 403. The role they hand on is the one the
// caller acts with (permissions.projectRole): an admin who is not a member acts as 'admin'.
import type { Context } from 'hono';
import type { AppEnv } from './env';
import { can, projectRole, type Action } from '../domain/permissions';
import { Forbidden, NotFound, Unauthenticated } from '../domain/errors';
import { roleIn } from '../db/users';
import { projectWithRole, type ProjectRow } from '../db/projects';
import { itemHeaderWithRole, type ItemHeader } from '../db/items';
import type { ProjectRole, Role, User } from '#shared/roles';

export function requireUser(c: Context<AppEnv>): User {
	const user = c.var.user;
	if (!user) throw Unauthenticated();
	return user;
}

/** The caller, when they are an admin of Concord (403 saying `why` otherwise). */
export function requireAdmin(c: Context<AppEnv>, why = 'Only an admin can manage users'): User {
	const user = requireUser(c);
	if (!user.isAdmin) throw Forbidden(why);
	return user;
}

export interface ProjectAccess {
	user: User;
	role: ProjectRole | null;
}

/** Non-members get 404 (the project's existence is not disclosed), members without the permission 403. */
function admit(user: User, membership: Role | null, action: Action): ProjectAccess {
	const role = projectRole(user.isAdmin, membership);
	const actor = { isAdmin: user.isAdmin, role };
	if (!can(actor, 'project.read')) throw NotFound('No such project');
	if (!can(actor, action)) throw Forbidden();
	return { user, role };
}

export async function requireProject(c: Context<AppEnv>, projectId: string, action: Action): Promise<ProjectAccess> {
	const user = requireUser(c);
	return admit(user, await roleIn(c.var.deps.db, projectId, user.id), action);
}

/** The item (404 when there is none) with requireProject's answer for its project, read in one query. */
export function requireItem(
	c: Context<AppEnv>,
	itemId: string,
	action: Action
): Promise<ProjectAccess & { item: ItemHeader }> {
	return requireFound(c, action, 'No such item', (userId) => itemHeaderWithRole(c.var.deps.db, itemId, userId));
}

/** requireProject, with the project's row read in the same query as the caller's role. */
export function requireProjectRow(
	c: Context<AppEnv>,
	projectId: string,
	action: Action
): Promise<ProjectAccess & { project: ProjectRow }> {
	return requireFound(c, action, 'No such project', (userId) => projectWithRole(c.var.deps.db, projectId, userId));
}

/**
 * requireProject for what `read` finds with the caller's role in its project, in one query (404 saying `missing`
 * when it finds nothing): what else it read comes back beside the access.
 */
export async function requireFound<T extends { role: Role | null }>(
	c: Context<AppEnv>,
	action: Action,
	missing: string,
	read: (userId: string) => Promise<T | undefined>
): Promise<ProjectAccess & Omit<T, 'role'>> {
	const user = requireUser(c);
	const found = await read(user.id);
	if (!found) throw NotFound(missing);
	const { role, ...rest } = found;
	return { ...rest, ...admit(user, role, action) };
}

export function allowed(access: ProjectAccess, action: Action): boolean {
	return can({ isAdmin: access.user.isAdmin, role: access.role }, action);
}
