// Reads for the calibration pages that are not one live session: a project's sessions (with the project and its
// rubrics, for the caller's role and the create form) and one session's report. Each is a Query, so it reloads
// when the id it reads changes and drops answers for an id the page no longer shows. Create while a component
// initialises.
import { api } from './api';
import { Query } from './query.svelte';
import type { CalibrationReport, CalibrationSummary } from '$lib/shared/calibration';
import type { ProjectView } from '$lib/shared/api-types';
import type { Rubric } from '$lib/shared/rubric';

export interface CalibrationProject {
	project: ProjectView;
	rubrics: Rubric[];
}

/** The project (caller's role) and its rubrics, as the calibration list needs them. */
export function calibrationProject(pid: () => string): Query<CalibrationProject> {
	return new Query(async (signal) => {
		const id = pid();
		const [{ project }, { rubrics }] = await Promise.all([
			api.get<{ project: ProjectView }>(`/api/projects/${id}`, undefined, signal),
			api.get<{ rubrics: Rubric[] }>(`/api/projects/${id}/rubrics`, undefined, signal)
		]);
		return { project, rubrics };
	});
}

export function calibrationSessions(pid: () => string): Query<{ calibrations: CalibrationSummary[] }> {
	return new Query((signal) =>
		api.get<{ calibrations: CalibrationSummary[] }>(`/api/projects/${pid()}/calibrations`, undefined, signal)
	);
}

export function calibrationReport(id: () => string): Query<CalibrationReport> {
	return new Query((signal) => api.get<CalibrationReport>(`/api/calibrations/${id()}/report`, undefined, signal));
}
