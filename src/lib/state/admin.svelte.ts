// The admin page's directory: every user and every project, as paged lists, and the two things an admin creates
// (a user, a project); each creation reloads its list so the page shows what the server has.
import { api } from './api';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';
import type { User } from '$lib/shared/roles';
import { projectList } from './project.svelte';

export interface NewUser {
	name: string;
	email: string;
	password: string;
	isAdmin: boolean;
}

export interface NewProject {
	name: string;
	description: string;
}

export class AdminDirectory {
	readonly users = new PagedList(
		(cursor, signal) => api.get<{ users: User[] } & Paged>('/api/admin/users', { cursor }, signal),
		(page) => page.users
	);
	readonly projects = projectList();

	async createUser(input: NewUser): Promise<User> {
		const { user } = await api.post<{ user: User }>('/api/admin/users', input);
		await this.users.reload();
		return user;
	}

	async createProject(input: NewProject): Promise<void> {
		await api.post('/api/projects', input);
		await this.projects.reload();
	}
}
