// The guideline an evaluator reads beside the workspace: the project's main guideline (the one that gates
// evaluation, else the first with a published version) at its current version, and whether a new version waits
// for the caller's acknowledgement. A Query underneath: it loads when created (create it while the workspace
// initialises) and reloads, aborting the request in flight, when the project changes.
import { PAGE_MAX } from '$lib/shared/paging';
import { api, type ApiError } from './api';
import { Query } from './query.svelte';
import type { GuidelineSummary, GuidelineVersionView } from '$lib/shared/guideline';

/** A guideline as the list returns it; `currentVersion` is an older server's name for `current`. */
type GuidelineListEntry = Pick<GuidelineSummary, 'id' | 'title'> &
	Partial<Pick<GuidelineSummary, 'current' | 'gatesEvaluation' | 'ack'>> & {
		currentVersion?: { number: number } | null;
	};

type ReadableVersion = Pick<GuidelineVersionView, 'number' | 'markdown' | 'publishedAt'>;

interface MainGuideline {
	guideline: GuidelineListEntry | null;
	version: ReadableVersion | null;
}

const currentNumber = (g: GuidelineListEntry | null) => g?.current?.number ?? g?.currentVersion?.number ?? null;

async function loadMainGuideline(projectId: string, signal: AbortSignal): Promise<MainGuideline> {
	// The project's first hundred guidelines: the one that gates evaluation is among them in any real project.
	const { guidelines } = await api.get<{ guidelines: GuidelineListEntry[] }>(
		`/api/projects/${projectId}/guidelines`,
		{ limit: PAGE_MAX },
		signal
	);
	const guideline =
		guidelines.find((g) => g.gatesEvaluation && currentNumber(g)) ??
		guidelines.find((g) => currentNumber(g)) ??
		guidelines[0] ??
		null;
	const n = currentNumber(guideline);
	if (!guideline || !n) return { guideline, version: null };
	const { version } = await api.get<{ version: GuidelineVersionView }>(
		`/api/guidelines/${guideline.id}/versions/${n}`,
		undefined,
		signal
	);
	return { guideline, version };
}

export class WorkspaceGuideline {
	readonly #query: Query<MainGuideline>;

	constructor(projectId: () => string) {
		this.#query = new Query((signal) => loadMainGuideline(projectId(), signal));
	}

	get guideline(): GuidelineListEntry | null {
		return this.#query.data?.guideline ?? null;
	}

	get version(): ReadableVersion | null {
		return this.#query.data?.version ?? null;
	}

	get error(): ApiError | null {
		return this.#query.error;
	}

	get loading(): boolean {
		return this.#query.loading;
	}

	reload(): Promise<void> {
		return this.#query.reload();
	}

	/** A new version of the guideline that gates evaluation waits for the caller's acknowledgement. */
	get pendingAck(): { guidelineId: string; version: number } | null {
		const g = this.guideline;
		const n = currentNumber(g);
		return g && n && g.gatesEvaluation && g.ack?.pending && g.ack.canAcknowledge
			? { guidelineId: g.id, version: n }
			: null;
	}
}
