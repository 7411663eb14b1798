// The calibration pages outside one live session: a project's sessions (also polled, for the "live now" card on
// the project home), one session's report, the candidate items for a new session, and creating one. Each read
// is a Query, so it reloads when the arguments it reads change and drops answers for arguments the page no
// longer shows. Create while a component initialises.
import { api } from './api';
import { Query } from './query.svelte';
import { refreshEvery } from './refresh.svelte';
import type {
	CalibrationReport,
	CalibrationSummary,
	CalibrationView,
	CandidateItem,
	CreateCalibrationInput
} from '$lib/shared/calibration';

export function calibrationSessions(pid: () => string): Query<{ calibrations: CalibrationSummary[] }> {
	return new Query((signal) =>
		api.get<{ calibrations: CalibrationSummary[] }>(`/api/projects/${pid()}/calibrations`, undefined, signal)
	);
}

export function calibrationReport(id: () => string): Query<CalibrationReport> {
	return new Query((signal) => api.get<CalibrationReport>(`/api/calibrations/${id()}/report`, undefined, signal));
}

/**
 * The sessions still running (not closed), for the project home's "live now" card: loads again every 20 s and
 * when the window regains focus, while the card is on the page. A failed refresh keeps the last list.
 */
export function liveCalibrations(pid: () => string): Query<CalibrationSummary[]> {
	const tick = refreshEvery(20_000);
	return new Query(async (signal) => {
		tick();
		const { calibrations } = await api.get<{ calibrations: CalibrationSummary[] }>(
			`/api/projects/${pid()}/calibrations`,
			undefined,
			signal
		);
		return calibrations.filter((s) => s.phase !== 'closed');
	});
}

export interface CandidateFilter {
	pid: string;
	rubricId: string;
	modality: string;
	language: string;
	sort: 'disagreement' | 'recent';
}

/** Items a lead may calibrate on with their disagreement, for the filter the picker shows. */
export function calibrationCandidates(filter: () => CandidateFilter): Query<{ items: CandidateItem[] }> {
	return new Query((signal) => {
		const { pid, ...query } = filter();
		return api.get<{ items: CandidateItem[] }>(`/api/projects/${pid}/calibration-candidates`, query, signal);
	});
}

/** Opens a new session (in its blind scoring phase) and returns it. */
export function createCalibration(pid: string, input: CreateCalibrationInput): Promise<CalibrationView> {
	return api.post<CalibrationView>(`/api/projects/${pid}/calibrations`, input);
}
