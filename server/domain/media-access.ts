// Who may fetch a media file. Files are content-addressed and may be shared by items of several projects, so
// access follows the items: a caller reads a file when an item of a project in which they may read items
// references it, or when they uploaded it themselves (a lead sees an upload before any item uses it). Admins get
// nothing beyond their memberships, as with items (`can` gives them no 'item.read'). Everyone else is told the
// file does not exist.
import { can } from './permissions';
import type { Role } from '#shared/roles';

export interface MediaReach {
	/** The caller's roles in the projects whose items reference the file. */
	roles: Role[];
	/** Whether the caller uploaded the file. */
	uploaded: boolean;
}

export function mayReadMedia(isAdmin: boolean, reach: MediaReach): boolean {
	return reach.uploaded || reach.roles.some((role) => can({ isAdmin, role }, 'item.read'));
}
