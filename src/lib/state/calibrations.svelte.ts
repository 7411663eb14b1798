// The calibration pages outside one live session: a project's sessions (also polled, for the "live now" card on
// the project home), one session's report, the candidate items for a new session, and creating one. Each read
// is a Query or a PagedList, so it reloads when the arguments it reads change and drops answers for arguments the page no
// longer shows. Create while a component initialises.
import { api } from './api';
import { Query } from './query.svelte';
import { refreshEvery } from './refresh.svelte';
import { PagedList } from './paged-list.svelte';
import { PAGE_MAX, type Paged } from '$lib/shared/paging';
import type {
	CalibrationReport,
	CalibrationSummary,
	CalibrationView,
	CandidateItem,
	CreateCalibrationInput
} from '$lib/shared/calibration';

export interface SessionPage extends Paged {
	calibrations: CalibrationSummary[];
}

/** A project's sessions (participants: theirs), newest first, a page at a time. */
export function calibrationSessions(pid: () => string): PagedList<SessionPage, CalibrationSummary> {
	return new PagedList(
		(cursor, signal) => api.get<SessionPage>(`/api/projects/${pid()}/calibrations`, { cursor }, signal),
		(page) => page.calibrations
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
		// The newest hundred live sessions: more would not fit a card.
		const { calibrations } = await api.get<SessionPage>(
			`/api/projects/${pid()}/calibrations`,
			{ live: 1, limit: PAGE_MAX },
			signal
		);
		return calibrations;
	});
}

export interface CandidateFilter {
	pid: string;
	rubricId: string;
	modality: string;
	language: string;
	sort: 'disagreement' | 'recent';
}

export interface CandidatePage extends Paged {
	items: CandidateItem[];
	/** How many items qualify under the filter (all pages). */
	total: number;
}

/** Items a lead may calibrate on with their disagreement, for the filter the picker shows, a page at a time. */
export function calibrationCandidates(filter: () => CandidateFilter): PagedList<CandidatePage, CandidateItem> {
	return new PagedList(
		(cursor, signal) => {
			const { pid, ...query } = filter();
			return api.get<CandidatePage>(`/api/projects/${pid}/calibration-candidates`, { ...query, cursor }, signal);
		},
		(page) => page.items
	);
}

/** Opens a new session (in its blind scoring phase) and returns it. */
export function createCalibration(pid: string, input: CreateCalibrationInput): Promise<CalibrationView> {
	return api.post<CalibrationView>(`/api/projects/${pid}/calibrations`, input);
}
