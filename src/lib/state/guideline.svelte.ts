// One guideline document as a page sees it: its summary, published versions and latest version (loaded through
// the API), the case a change is proposed from, and the live draft room. Guarantees: the room is joined only after
// the first load (the GET seeds an empty draft from the latest version), at most one room is open per document,
// and it is destroyed when the owning component goes away or the guideline id changes (the $effect cleanup closes
// the old socket first). A new load aborts the one in flight, so an older answer never replaces a newer one.
import { untrack } from 'svelte';
import { api, ApiError } from './api';
import { CollabRoom } from './room.svelte';
import { Query } from './query.svelte';
import { PagedList } from './paged-list.svelte';
import { PAGE_MAX, type Paged } from '$lib/shared/paging';
import type { Rubric } from '$lib/shared/rubric';
import { dimensionNames } from '$lib/shared/rubric-i18n';
import { i18n } from '$lib/i18n/index.svelte';
import { session } from './session.svelte';
import { roomName } from '$lib/shared/rooms';
import type { Loader } from './query.svelte';
import type {
	AckRow,
	GuidelineDiffView,
	GuidelineSummary,
	GuidelineVersionSummary,
	GuidelineVersionView,
	ProposalCase
} from '$lib/shared/guideline';

export class GuidelineDocument {
	guideline = $state<GuidelineSummary | null>(null);
	versions = $state<GuidelineVersionSummary[]>([]);
	latest = $state<GuidelineVersionView | null>(null);
	failure = $state<ApiError | null>(null);
	room = $state<CollabRoom | null>(null);

	/** The project's rubrics, for dimension labels. */
	readonly rubrics: Query<{ rubrics: Rubric[] }>;
	/** The case a change is proposed from (an escalation or calibration); idle while `proposeFrom()` is null. */
	readonly proposal: Query<ProposalCase>;

	readonly #id: () => string;
	#loading: AbortController | null = null;
	/** A string, so reloading the same guideline does not re-run the room's effect. */
	readonly #loadedId = $derived(this.guideline?.id ?? null);

	/**
	 * All arguments are read reactively: when the guideline id changes, the document reloads and the room is
	 * replaced; `proposeFrom` is the proposal's source (`escalation:<id>` or `calibration:<id>:<itemId>`).
	 */
	constructor(projectId: () => string, id: () => string, proposeFrom: () => string | null = () => null) {
		this.#id = id;
		this.rubrics = new Query((signal) =>
			api.get<{ rubrics: Rubric[] }>(`/api/projects/${projectId()}/rubrics`, undefined, signal)
		);
		this.proposal = new Query((signal) => {
			const source = proposeFrom();
			if (!source) return null;
			return api
				.get<{ case: ProposalCase }>(`/api/guidelines/${this.#id()}/proposal`, { source }, signal)
				.then((r) => r.case);
		});
		$effect(() => {
			void this.#load(this.#id());
			return () => this.#loading?.abort();
		});
		// The room opens once this guideline is loaded and closes when the id changes or the owner goes away.
		$effect(() => {
			const guidelineId = this.#id();
			const user = untrack(() => session.user);
			if (this.#loadedId !== guidelineId || !user) return;
			const room = new CollabRoom(roomName('guideline', guidelineId), user);
			this.room = room;
			return () => {
				room.destroy();
				if (this.room === room) this.room = null;
			};
		});
	}

	/** Loads summary, versions and latest version again (after a publication or an acknowledgement). */
	reload = (): Promise<void> => this.#load(this.#id());

	async #load(id: string): Promise<void> {
		this.#loading?.abort();
		const controller = new AbortController();
		this.#loading = controller;
		const { signal } = controller;
		try {
			const { guideline } = await api.get<{ guideline: GuidelineSummary }>(`/api/guidelines/${id}`, undefined, signal);
			// The newest hundred versions: the history and the diff pickers list these.
			const { versions } = await api.get<{ versions: GuidelineVersionSummary[] }>(
				`/api/guidelines/${id}/versions`,
				{ limit: PAGE_MAX },
				signal
			);
			const latest = versions[0]
				? (
						await api.get<{ version: GuidelineVersionView }>(
							`/api/guidelines/${id}/versions/${versions[0].number}`,
							undefined,
							signal
						)
					).version
				: null;
			if (signal.aborted || id !== this.#id()) return;
			this.guideline = guideline;
			this.versions = versions;
			this.latest = latest;
			this.failure = null;
		} catch (err) {
			if (!signal.aborted && id === this.#id()) this.failure = asApiError(err);
		}
	}
}

function asApiError(err: unknown): ApiError {
	return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}

/** Creates an empty guideline document in a project (leads). */
export async function createGuideline(projectId: string, title: string): Promise<GuidelineSummary> {
	return (await api.post<{ guideline: GuidelineSummary }>(`/api/projects/${projectId}/guidelines`, { title }))
		.guideline;
}

/** Stores an image for the guideline editor in the project's media store; resolves with its address there. */
export async function uploadGuidelineImage(projectId: string, file: File): Promise<string> {
	const stored = await api.upload<{ src: string }>(
		`/api/projects/${projectId}/media`,
		file,
		file.type || 'application/octet-stream'
	);
	return stored.src;
}

export interface GuidelinePage extends Paged {
	guidelines: GuidelineSummary[];
}

/** The guidelines of a project, oldest first, a page at a time (starts again when the project id changes). */
export function guidelineList(pid: () => string): PagedList<GuidelinePage, GuidelineSummary> {
	return new PagedList(
		(cursor, signal) => api.get<GuidelinePage>(`/api/projects/${pid()}/guidelines`, { cursor }, signal),
		(page) => page.guidelines
	);
}

export interface Printable {
	title: string;
	version: GuidelineVersionView;
	/** Rubric dimension key → label. */
	labels: Record<string, string>;
}

/** The guideline's title and one version (the current one when `number()` is null), with dimension labels. */
export function printableGuideline(id: () => string, number: () => number | null): Query<Printable> {
	const load: Loader<Printable> = async (signal) => {
		const guidelineId = id();
		const requested = number();
		const { guideline } = await api.get<{ guideline: GuidelineSummary }>(
			`/api/guidelines/${guidelineId}`,
			undefined,
			signal
		);
		const n = requested ?? guideline.current?.number ?? 1;
		const [{ version }, { rubrics }] = await Promise.all([
			api.get<{ version: GuidelineVersionView }>(`/api/guidelines/${guidelineId}/versions/${n}`, undefined, signal),
			api.get<{ rubrics: Rubric[] }>(`/api/projects/${guideline.projectId}/rubrics`, undefined, signal)
		]);
		return {
			title: guideline.title,
			version,
			labels: Object.fromEntries(dimensionNames(rubrics, i18n.locale))
		};
	};
	return new Query(load);
}

/** One published version of a guideline; idle while `number()` is null or 0. */
export function guidelineVersion(id: () => string, number: () => number | null): Query<GuidelineVersionView> {
	return new Query((signal) => {
		const n = number();
		if (!n) return null;
		return api
			.get<{ version: GuidelineVersionView }>(`/api/guidelines/${id()}/versions/${n}`, undefined, signal)
			.then((r) => r.version);
	});
}

/** The word-level diff between two versions (`from` 0 is the empty document); idle while `range()` is null. */
export function guidelineDiff(
	id: () => string,
	range: () => { from: number; to: number } | null
): Query<GuidelineDiffView> {
	return new Query((signal) => {
		const r = range();
		if (!r) return null;
		return api
			.get<{ diff: GuidelineDiffView }>(`/api/guidelines/${id()}/diff`, { from: r.from, to: r.to }, signal)
			.then((res) => res.diff);
	});
}

export interface VersionAcks extends Paged {
	acks: AckRow[];
	/** Over every member who acknowledges guidelines, not only the page. */
	acknowledged: number;
	pending: number;
}

/** Who acknowledged one version (leads, managers), by name, a page at a time. */
export function versionAcks(id: () => string, number: () => number): PagedList<VersionAcks, AckRow> {
	return new PagedList(
		(cursor, signal) => api.get<VersionAcks>(`/api/guidelines/${id()}/versions/${number()}/acks`, { cursor }, signal),
		(page) => page.acks
	);
}
