// The audit trail in the browser: a project's or the admin's trail, a page at a time (PagedList: a filter change
// starts again from the first page), its facets (people and actions to filter by), and the CSV download address
// with the same filters. Filters are strings ('' = any) so they map 1:1 to the page's URL.
import { api } from './api';
import { PagedList } from './paged-list.svelte';
import { Query } from './query.svelte';
import type { AuditEntry, AuditFacets, AuditPage } from '$lib/shared/audit';

export interface AuditFilterValues {
	actor: string;
	action: string;
	from: string;
	to: string;
	/** Admin trail only: a project id, or `none`. */
	project: string;
}

/** The filters found in a page's search parameters (unknown ones ignored). */
export function auditFiltersFrom(search: URLSearchParams): AuditFilterValues {
	const pick = (k: string) => search.get(k) ?? '';
	return { actor: pick('actor'), action: pick('action'), from: pick('from'), to: pick('to'), project: pick('project') };
}

/** `/api/projects/:pid/audit`, or `/api/admin/audit` when `projectId` is null. */
export function auditBase(projectId: string | null): string {
	return projectId === null ? '/api/admin/audit' : `/api/projects/${encodeURIComponent(projectId)}/audit`;
}

const sent = (f: AuditFilterValues, admin: boolean) =>
	Object.fromEntries(
		Object.entries(f).filter(([k, v]) => v !== '' && (admin || k !== 'project'))
	) as Partial<AuditFilterValues>;

export function auditTrail(base: () => string, filters: () => AuditFilterValues): PagedList<AuditPage, AuditEntry> {
	return new PagedList(
		(cursor, signal) =>
			api.get<AuditPage>(base(), { ...sent(filters(), base().startsWith('/api/admin')), cursor }, signal),
		(page) => page.entries
	);
}

export function auditFacets(base: () => string): Query<AuditFacets> {
	return new Query((signal) => api.get<AuditFacets>(`${base()}/facets`, undefined, signal));
}

/** The CSV download of every entry matching the filters. */
export function auditCsvUrl(base: string, filters: AuditFilterValues): string {
	const query = Object.entries({ ...sent(filters, base.startsWith('/api/admin')), format: 'csv' })
		.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
		.join('&');
	return `${base}?${query}`;
}
