// The admin page's directory of projects (a paged list) and the two things an admin creates (a user, a project);
// a project's creation reloads the list. The people are in user-directory.svelte.ts.
import { api } from './api';
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
	readonly projects = projectList();

	async createUser(input: NewUser): Promise<User> {
		const { user } = await api.post<{ user: User }>('/api/admin/users', input);
		return user;
	}

	async createProject(input: NewProject): Promise<void> {
		await api.post('/api/projects', input);
		await this.projects.reload();
	}
}
