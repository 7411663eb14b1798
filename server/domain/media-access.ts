// Who may fetch a media file. Files are content-addressed and may be shared by items of several projects, so
// access follows the items: a caller reads a file when an item of a project in which they may read items
// references it, or when they uploaded it themselves (a lead sees an upload before any item uses it). Admins read
// the items of every project (permissions.ts), so they read every file an item references. Everyone else is told
// the file does not exist.
import { can } from './permissions';
import type { Role } from '#shared/roles';

export interface MediaReach {
	/** The caller's roles in the projects whose items reference the file (null: not a member of that project). */
	roles: (Role | null)[];
	/** Whether the caller uploaded the file. */
	uploaded: boolean;
}

export function mayReadMedia(isAdmin: boolean, reach: MediaReach): boolean {
	return reach.uploaded || reach.roles.some((role) => can({ isAdmin, role }, 'item.read'));
}
