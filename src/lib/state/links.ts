// Links that carry a query string. `resolve()` from '$app/paths' builds typed route paths but takes no query, so
// a link to a filtered view or a case to propose from is resolve()'s path plus a search built here. The result is
// still a ResolvedPathname (base path and route checked by resolve()); empty values are left out.
import type { ResolvedPathname } from '$app/types';

export type Search = URLSearchParams | Record<string, string | null | undefined>;

export function withSearch(path: ResolvedPathname, search: Search): ResolvedPathname {
	const params = new URLSearchParams();
	const entries = search instanceof URLSearchParams ? search.entries() : Object.entries(search);
	for (const [key, value] of entries) if (value) params.append(key, value);
	const qs = params.toString();
	return (qs ? `${path}?${qs}` : path) as ResolvedPathname;
}
