// One evaluator's workspace on one item: loads the item, the rubric and the caller's own evaluation; keeps the
// working draft as runes; autosaves drafts (debounced, never over a submitted evaluation); submits and turns the
// server's answer into per-dimension problems or the guideline-acknowledgement banner; tracks time spent.
import { evaluates } from '$lib/shared/roles';
import { api, ApiError } from './api';
import type { Item } from '$lib/shared/items';
import type { Rubric } from '$lib/shared/rubric';
import { dimensionsFor } from '$lib/shared/rubric';
import { localizeRubric } from '$lib/shared/rubric-i18n';
import { i18n } from '$lib/i18n/index.svelte';
import type { Evaluation } from '$lib/shared/evaluation';
import { session } from './session.svelte';
import { splitProblems } from '$lib/components/rubric/rubric-form';
import {
	badSources,
	draftFromEvaluation,
	draftKey,
	emptyDraft,
	evaluationBody,
	type EvaluationDraft
} from '$lib/components/workspace/evaluation-draft';
import { TimeTracker } from '$lib/components/workspace/time-tracker';

const AUTOSAVE_MS = 1200;

export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'error' | 'unsaved-edit';

export interface AckRequired {
	guidelineId: string;
	version: number;
}

function pickRubric(rubrics: Rubric[], modality: string, mine: Evaluation | undefined): Rubric | null {
	return (
		rubrics.find((r) => r.id === mine?.rubricId) ??
		rubrics.find((r) => dimensionsFor(r, modality).length > 0) ??
		rubrics[0] ??
		null
	);
}

export class Workspace {
	item = $state<Item | null>(null);
	rubric = $state<Rubric | null>(null);
	/** The rubric as the evaluator reads it: its texts in her UI language where translated (keys unchanged). */
	readonly shownRubric = $derived(this.rubric && localizeRubric(this.rubric, i18n.locale));
	/** The caller's saved evaluation as the server last returned it. */
	saved = $state<Evaluation | null>(null);
	draft = $state<EvaluationDraft>(emptyDraft());
	loadError = $state<ApiError | null>(null);
	loading = $state(true);

	saveStatus = $state<SaveStatus>('idle');
	savedAt = $state<number | null>(null);
	saveError = $state<ApiError | null>(null);
	submitting = $state(false);
	/** Per-dimension problems from the last submit, by key. */
	problems = $state<Record<string, string>>({});
	/** Problems not tied to a dimension (flags, spans, sources, network…). */
	generalProblems = $state<string[]>([]);
	ackRequired = $state<AckRequired | null>(null);
	/** A submitted evaluation is read-only until the evaluator chooses to edit it. */
	editing = $state(false);
	/** A lead sent the caller's submitted evaluation back for re-review: it opens for editing. */
	reviewRequested = $state(false);

	readonly timer: TimeTracker;
	private lastKey = '';
	private saveTimer: ReturnType<typeof setTimeout> | null = null;
	private inflight: Promise<unknown> | null = null;

	constructor(
		readonly projectId: string,
		readonly itemId: string
	) {
		this.timer = new TimeTracker(0);
		void this.load();
	}

	get submitted(): boolean {
		return this.saved?.state === 'submitted';
	}

	/** Whether the form takes input now. */
	get editable(): boolean {
		return (
			!!this.rubric &&
			!this.submitting &&
			(!this.submitted || this.editing) &&
			evaluates(session.roleIn(this.projectId))
		);
	}

	async load(): Promise<void> {
		this.loading = true;
		try {
			const [{ item }, { rubrics }, { evaluations }] = await Promise.all([
				api.get<{ item: Item }>(`/api/items/${this.itemId}`),
				api.get<{ rubrics: Rubric[] }>(`/api/projects/${this.projectId}/rubrics`),
				api.get<{ evaluations: (Evaluation & { reviewRequestedAt?: number | null })[] }>(
					`/api/items/${this.itemId}/evaluations`
				)
			]);
			const mine = evaluations.find((e) => e.evaluatorId === session.user?.id);
			this.item = item;
			this.rubric = pickRubric(rubrics, item.modality, mine);
			this.saved = mine ?? null;
			this.draft = mine ? draftFromEvaluation(mine) : emptyDraft();
			this.lastKey = draftKey(this.draft);
			this.savedAt = mine?.updatedAt ?? null;
			this.saveStatus = mine ? 'saved' : 'idle';
			this.timer.resetTo(mine?.timeSpentMs ?? 0);
			this.reviewRequested = mine?.state === 'submitted' && !!mine.reviewRequestedAt;
			this.editing = this.reviewRequested;
			this.loadError = null;
		} catch (err) {
			this.loadError = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
		} finally {
			this.loading = false;
		}
	}

	/** Called whenever the draft may have changed; schedules an autosave when it really did. */
	changed(): void {
		const key = draftKey(this.draft);
		if (key === this.lastKey) return;
		if (this.submitted) {
			this.saveStatus = 'unsaved-edit';
			return;
		}
		this.saveStatus = 'pending';
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = setTimeout(() => void this.saveDraft(), AUTOSAVE_MS);
	}

	/** Saves the draft now (also used before leaving the page). */
	async saveDraft(): Promise<void> {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = null;
		if (!this.rubric || !this.item || this.submitted) return;
		const key = draftKey(this.draft);
		if (key === this.lastKey && this.saveStatus !== 'error') return;
		await this.inflight;
		this.saveStatus = 'saving';
		const body = evaluationBody(this.rubric, this.item.modality, this.draft, 'draft', this.timer.elapsed());
		// keepalive: a save started as the tab closes (flush on hide) still reaches the server.
		const request = api.postKeepalive<{ evaluation: Evaluation }>(`/api/items/${this.itemId}/evaluations`, body);
		this.inflight = request.catch(() => undefined);
		try {
			const { evaluation } = await request;
			this.saved = evaluation;
			this.lastKey = key;
			this.savedAt = evaluation.updatedAt;
			this.saveError = null;
			this.saveStatus = draftKey(this.draft) === key ? 'saved' : 'pending';
			if (this.saveStatus === 'pending') this.changed();
		} catch (err) {
			this.saveError = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
			this.saveStatus = 'error';
		}
	}

	/** Submits; true when the server accepted it. Problems and the acknowledgement banner are set otherwise. */
	async submit(): Promise<boolean> {
		if (!this.rubric || !this.item || this.submitting) return false;
		if (this.saveTimer) clearTimeout(this.saveTimer);
		await this.inflight;
		this.problems = {};
		this.generalProblems = [];
		const bad = badSources(this.draft);
		if (bad.length) {
			this.generalProblems = bad.map((i) => `sources.${i}.url`);
			return false;
		}
		this.submitting = true;
		try {
			const body = evaluationBody(this.rubric, this.item.modality, this.draft, 'submitted', this.timer.elapsed());
			const { evaluation } = await api.post<{ evaluation: Evaluation }>(`/api/items/${this.itemId}/evaluations`, body);
			this.saved = evaluation;
			this.lastKey = draftKey(this.draft);
			this.savedAt = evaluation.updatedAt;
			this.saveStatus = 'saved';
			this.ackRequired = null;
			this.editing = false;
			this.reviewRequested = false;
			return true;
		} catch (err) {
			const e = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
			if (e.code === 'acknowledgement_required') {
				const d = (e.details ?? {}) as Partial<AckRequired>;
				this.ackRequired = { guidelineId: String(d.guidelineId ?? ''), version: Number(d.version ?? 0) };
			} else {
				const split = splitProblems(e.details);
				this.problems = split.byKey;
				this.generalProblems = split.general.length || Object.keys(split.byKey).length ? split.general : [e.message];
			}
			return false;
		} finally {
			this.submitting = false;
		}
	}

	/** Leaves edit mode on a submitted evaluation, putting back what was submitted. */
	cancelEdit(): void {
		if (this.saved) this.draft = draftFromEvaluation(this.saved);
		this.lastKey = draftKey(this.draft);
		this.editing = false;
		this.saveStatus = 'saved';
		this.problems = {};
		this.generalProblems = [];
	}

	/** Whether a draft change waits for its autosave. */
	get pending(): boolean {
		return this.saveTimer !== null || this.saveStatus === 'pending';
	}

	/** Stops the clock and saves a pending draft right away (leaving the page, hiding the tab). */
	flush(): void {
		if (this.pending) void this.saveDraft();
	}

	dispose(): void {
		this.flush();
		this.timer.pause();
	}
}
