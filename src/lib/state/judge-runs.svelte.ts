// A judge's page as runes: the judge, its runs (paged, newest first), starting a run (with how many items the
// selection holds), following a run's progress until it finishes, cancelling it, and the failed items of a run.
import { api } from './api';
import { Query } from './query.svelte';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';
import type { CalibrationSummary } from '$lib/shared/calibration';
import { isFinished, type JudgeRunView, type JudgeView, type VideoSight } from '$lib/shared/judges';
import type { JudgeRunInput, JudgeRunItemFilter, JudgeRunItemView } from '$lib/shared/judge-runs';

/** How often a running run is read again. */
const POLL_MS = 1_000;

type RunPage = { runs: JudgeRunView[] } & Paged;
type ItemPage = { items: JudgeRunItemView[] } & Paged;

export const judgeQuery = (id: () => string) =>
	new Query((signal) => api.get<{ judge: JudgeView; video: VideoSight }>(`/api/judges/${id()}`, undefined, signal));

export function judgeRunList(id: () => string): PagedList<RunPage, JudgeRunView> {
	return new PagedList(
		(cursor, signal) => api.get<RunPage>(`/api/judges/${id()}/runs`, { cursor }, signal),
		(page) => page.runs
	);
}

export async function startJudgeRun(judgeId: string, selection: JudgeRunInput): Promise<JudgeRunView> {
	return (await api.post<{ run: JudgeRunView }>(`/api/judges/${judgeId}/runs`, selection)).run;
}

export async function cancelJudgeRun(runId: string): Promise<JudgeRunView> {
	return (await api.post<{ run: JudgeRunView }>(`/api/judge-runs/${runId}/cancel`)).run;
}

/** How many items of the project a selection of all items or of one modality holds (the items list's total). */
export async function itemCount(pid: string, modality: string | null, signal?: AbortSignal): Promise<number> {
	const page = await api.get<{ total: number }>(
		`/api/projects/${pid}/items`,
		{ limit: '1', ...(modality ? { modality } : {}) },
		signal
	);
	return page.total;
}

/** The project's calibration sessions a run may take its items from (the newest 100), with their item counts. */
export const calibrationChoices = (pid: string, signal?: AbortSignal) =>
	api.get<{ calibrations: CalibrationSummary[] }>(`/api/projects/${pid}/calibrations`, { limit: 100 }, signal);

/** One run as the page shows it: read again every POLL_MS while it is queued or running, then no more. */
export class LiveRun {
	run = $state<JudgeRunView>() as JudgeRunView;

	constructor(initial: JudgeRunView) {
		this.run = initial;
		$effect(() => {
			if (isFinished(this.run.state)) return;
			const controller = new AbortController();
			const timer = setTimeout(() => {
				api
					.get<{ run: JudgeRunView }>(`/api/judge-runs/${this.run.id}`, undefined, controller.signal)
					.then(({ run }) => (this.run = run))
					// A failed read is tried again on the next tick: reassigning the same run re-arms the timer.
					.catch(() => !controller.signal.aborted && (this.run = { ...this.run }));
			}, POLL_MS);
			return () => {
				clearTimeout(timer);
				controller.abort();
			};
		});
	}
}

/** A run's items of one filter (failed, or being retried), paged. */
export function runItems(
	runId: () => string | null,
	filter: () => JudgeRunItemFilter
): PagedList<ItemPage, JudgeRunItemView> {
	return new PagedList(
		(cursor, signal) => {
			const id = runId();
			return id ? api.get<ItemPage>(`/api/judge-runs/${id}/items`, { state: filter(), cursor }, signal) : null;
		},
		(page) => page.items
	);
}
