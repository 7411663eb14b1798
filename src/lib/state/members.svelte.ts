// Who is in a project and with which role. ProjectMembership is what an admin edits: the list as a Query plus
// add (or change a role, by email) and remove, each followed by a reload so the table shows what the server has.
import { api } from './api';
import { Query } from './query.svelte';
import type { Member } from '$lib/shared/api-types';
import type { Role } from '$lib/shared/roles';

/** A project's members; reloads when `pid()` changes. */
export function projectMembers(pid: () => string): Query<{ members: Member[] }> {
	return new Query((signal) => api.get<{ members: Member[] }>(`/api/projects/${pid()}/members`, undefined, signal));
}

export class ProjectMembership {
	readonly members: Query<{ members: Member[] }>;
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
