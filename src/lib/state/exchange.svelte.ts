// Reads for the export page that are not the download itself (a plain link the browser streams): every
// guideline of the project with its published versions, for the "guideline version" filter.
import { api } from './api';
import { Query } from './query.svelte';
import type { GuidelineSummary, GuidelineVersionSummary } from '$lib/shared/guideline';

export interface GuidelineVersions {
	guideline: GuidelineSummary;
	versions: GuidelineVersionSummary[];
}

/** Each guideline of the project with its versions; reloads when `pid()` changes. */
export function guidelineVersionsQuery(pid: () => string): Query<GuidelineVersions[]> {
	return new Query(async (signal) => {
		const { guidelines } = await api.get<{ guidelines: GuidelineSummary[] }>(
			`/api/projects/${pid()}/guidelines`,
			undefined,
			signal
		);
		return Promise.all(
			guidelines.map(async (guideline) => {
				const { versions } = await api.get<{ versions: GuidelineVersionSummary[] }>(
					`/api/guidelines/${guideline.id}/versions`,
					undefined,
					signal
				);
				return { guideline, versions };
			})
		);
	});
}
