// One guideline document as a page sees it: its summary, published versions and latest version (loaded through
// the API), and the live draft room. Guarantees: the room is joined only after the first load (the GET seeds an
// empty draft from the latest version), at most one room is open per document, and it is destroyed when the
// owning component goes away or the guideline id changes (the $effect cleanup closes the old socket first).
import { api, ApiError } from './api';
import { CollabRoom } from './room.svelte';
import { Query } from './query.svelte';
import type { Rubric } from '$lib/shared/rubric';
import { session } from './session.svelte';
import { roomName } from '$lib/shared/rooms';
import type {
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

	readonly #id: () => string;

	/** Both ids are read reactively: when the guideline id changes, the document reloads and the room is replaced. */
	constructor(projectId: () => string, id: () => string) {
		this.#id = id;
		this.rubrics = new Query((signal) =>
			api.get<{ rubrics: Rubric[] }>(`/api/projects/${projectId()}/rubrics`, undefined, signal)
		);
		$effect(() => {
			const guidelineId = this.#id();
			let joined: CollabRoom | null = null;
			let left = false;
			void this.#load(guidelineId).then(() => {
				if (left || !this.guideline || !session.user) return;
				joined = this.room = new CollabRoom(roomName('guideline', guidelineId), session.user);
			});
			return () => {
				left = true;
				joined?.destroy();
				if (this.room === joined) this.room = null;
			};
		});
	}

	/** Loads summary, versions and latest version again (after a publication or an acknowledgement). */
	reload = (): Promise<void> => this.#load(this.#id());

	/** The case for proposing a change from an escalation or calibration (`source` is its id). */
	async proposal(source: string): Promise<ProposalCase | null> {
		try {
			return (await api.get<{ case: ProposalCase }>(`/api/guidelines/${this.#id()}/proposal`, { source })).case;
		} catch (err) {
			this.failure = asApiError(err);
			return null;
		}
	}

	async #load(id: string): Promise<void> {
		try {
			const { guideline } = await api.get<{ guideline: GuidelineSummary }>(`/api/guidelines/${id}`);
			const { versions } = await api.get<{ versions: GuidelineVersionSummary[] }>(`/api/guidelines/${id}/versions`);
			const latest = versions[0]
				? (await api.get<{ version: GuidelineVersionView }>(`/api/guidelines/${id}/versions/${versions[0].number}`))
						.version
				: null;
			if (id !== this.#id()) return;
			this.guideline = guideline;
			this.versions = versions;
			this.latest = latest;
			this.failure = null;
		} catch (err) {
			if (id === this.#id()) this.failure = asApiError(err);
		}
	}
}

function asApiError(err: unknown): ApiError {
	return err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
}
