// Who is in a project and with which role. ProjectMembership is what an admin edits: the list (paged) plus
// add (or change a role, by email) and remove, each followed by a reload so the table shows what the server has.
import { api } from './api';
import { session } from './session.svelte';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';
import type { Member } from '$lib/shared/api-types';
import type { Role } from '$lib/shared/roles';

export interface MemberPage extends Paged {
	members: Member[];
}

/** A project's members by name, a page at a time; starts again when `pid()` changes. */
export function projectMembers(pid: () => string): PagedList<MemberPage, Member> {
	return new PagedList(
		(cursor, signal) => api.get<MemberPage>(`/api/projects/${pid()}/members`, { cursor }, signal),
		(page) => page.members
	);
}

export class ProjectMembership {
	readonly members: PagedList<MemberPage, Member>;
	#pid: () => string;

	constructor(pid: () => string) {
		this.#pid = pid;
		this.members = projectMembers(pid);
	}

	/** Adds the person with this email, or changes their role if they are already a member. */
	async setRole(email: string, role: Role): Promise<void> {
		await api.put(`/api/projects/${this.#pid()}/members`, { email, role });
		await this.members.reload();
	}

	async remove(userId: string): Promise<void> {
		await api.delete(`/api/projects/${this.#pid()}/members/${userId}`);
		await this.members.reload();
	}
}

/** The caller leaves the project (refused, 409, to its last quality lead); their session's roles are loaded again. */
export async function leaveProject(projectId: string): Promise<void> {
	await api.delete(`/api/projects/${projectId}/members/me`);
	await session.load();
}
