// The open project (name, settings, caller's role) and its rubrics, shared by every page under /projects/:pid, one
// page of its items, and the list of projects the caller can open.
import { api } from './api';
import type { ItemSummary, ProjectView } from '$lib/shared/api-types';
import type { Rubric } from '$lib/shared/rubric';
import type { Role } from '$lib/shared/roles';
import { Query } from './query.svelte';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';

export interface ProjectContext {
	project: ProjectView;
	rubrics: Rubric[];
}

async function fetchProject(pid: string, signal?: AbortSignal): Promise<ProjectContext> {
	const [{ project }, { rubrics }] = await Promise.all([
		api.get<{ project: ProjectView }>(`/api/projects/${pid}`, undefined, signal),
		api.get<{ rubrics: Rubric[] }>(`/api/projects/${pid}/rubrics`, undefined, signal)
	]);
	return { project, rubrics };
}

/**
 * The project and its rubrics as a Query: create once while the page initialises; it reloads when `pid()`
 * changes (client-side navigation to another project) and aborts the previous request.
 */
export function projectQuery(pid: () => string | null | undefined): Query<ProjectContext> {
	return new Query((signal) => {
		const id = pid();
		return id ? fetchProject(id, signal) : null;
	});
}

export interface ItemPage extends Paged {
	items: ItemSummary[];
	/** How many items match the filter (all pages). */
	total: number;
}

/** A project's items in import order, filtered by modality, a page at a time; starts again when an argument changes. */
export function projectItems(args: () => { pid: string; modality: string }): PagedList<ItemPage, ItemSummary> {
	return new PagedList(
		(cursor, signal) => {
			const { pid, ...query } = args();
			return api.get<ItemPage>(`/api/projects/${pid}/items`, { ...query, cursor }, signal);
		},
		(page) => page.items
	);
}

/** A project as the project list shows it, with the caller's role (null for an admin who is not a member). */
export interface ProjectListEntry {
	id: string;
	name: string;
	description: string;
	role: Role | null;
}

export interface ProjectListPage extends Paged {
	projects: ProjectListEntry[];
}

/** The projects the caller can open, by name, a page at a time. */
export function projectList(): PagedList<ProjectListPage, ProjectListEntry> {
	return new PagedList(
		(cursor, signal) => api.get<ProjectListPage>('/api/projects', { cursor }, signal),
		(page) => page.projects
	);
}

/** Replaces a rubric's translations; the server answers with the rubric's next version (same keys). */
export async function saveRubricTranslations(
	projectId: string,
	rubricId: string,
	translations: NonNullable<Rubric['translations']>
): Promise<Rubric> {
	const res = await api.put<{ rubric: Rubric }>(`/api/projects/${projectId}/rubrics/${rubricId}/translations`, {
		translations
	});
	return res.rubric;
}
