// The open project (name, settings, caller's role) and its rubrics, shared by every page under /projects/:pid.
import { api } from './api';
import type { ProjectView } from '$lib/shared/api-types';
import type { Rubric } from '$lib/shared/rubric';
import { Resource } from './resource.svelte';

export interface ProjectContext {
	project: ProjectView;
	rubrics: Rubric[];
}

export function loadProject(pid: string): Resource<ProjectContext> {
	return new Resource(async () => {
		const [{ project }, { rubrics }] = await Promise.all([
			api.get<{ project: ProjectView }>(`/api/projects/${pid}`),
			api.get<{ rubrics: Rubric[] }>(`/api/projects/${pid}/rubrics`)
		]);
		return { project, rubrics };
	});
}
