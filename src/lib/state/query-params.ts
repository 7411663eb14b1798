// The same page with some query parameters changed. Filters and views that live in the URL (shareable, kept on
// reload) change it in place: no new history entry, no focus jump, no scroll. Empty or null values drop out.
import { goto } from '$app/navigation';
import { page } from '$app/state';
import type { ResolvedPathname } from '$app/types';
import { withSearch } from './links';

export function replaceQuery(path: ResolvedPathname, patch: Record<string, string | null | undefined>): void {
	const search = { ...Object.fromEntries(page.url.searchParams), ...patch };
	void goto(withSearch(path, search), { replaceState: true, keepFocus: true, noScroll: true });
}
