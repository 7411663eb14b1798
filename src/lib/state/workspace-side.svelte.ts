// What the workspace shows beside the evaluation: the item's escalations (and opening one), and the project's
// current guideline for the read-only side panel. Both tolerate a server that does not offer them yet.
import { api, ApiError } from './api';
import { isActiveState, type EscalationReason, type EscalationView } from '$lib/shared/escalation';
import type { GuidelineSummary, GuidelineVersionView } from '$lib/shared/guideline';

export class ItemEscalations {
	list = $state<EscalationView[]>([]);
	error = $state<ApiError | null>(null);
	sending = $state(false);

	constructor(readonly itemId: string) {
		void this.reload();
	}

	/** The caller's open or in-review escalation, if any. */
	get active(): EscalationView | null {
		return this.list.find((e) => isActiveState(e.state)) ?? null;
	}

	async reload(): Promise<void> {
		try {
			this.list = (
				await api.get<{ escalations: EscalationView[] }>(`/api/items/${this.itemId}/escalations`)
			).escalations;
			this.error = null;
		} catch (err) {
			this.error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
		}
	}

	/** Opens an escalation; throws ApiError (validation details, conflict) for the dialog to show. */
	async open(reason: EscalationReason, note: string): Promise<EscalationView> {
		this.sending = true;
		try {
			const { escalation } = await api.post<{ escalation: EscalationView }>(`/api/items/${this.itemId}/escalations`, {
				reason,
				note
			});
			this.list = [...this.list.filter((e) => e.id !== escalation.id), escalation];
			return escalation;
		} finally {
			this.sending = false;
		}
	}
}

/** A guideline as the list returns it; `currentVersion` is the brief's older name for `current`. */
type GuidelineListEntry = Pick<GuidelineSummary, 'id' | 'title'> &
	Partial<Pick<GuidelineSummary, 'current' | 'gatesEvaluation' | 'ack'>> & {
		currentVersion?: { number: number } | null;
	};

const currentNumber = (g: GuidelineListEntry | null) => g?.current?.number ?? g?.currentVersion?.number ?? null;

/** The project's main guideline at its current version, loaded on first open. */
export class GuidelinePanelState {
	guideline = $state<GuidelineListEntry | null>(null);
	version = $state<Pick<GuidelineVersionView, 'number' | 'markdown' | 'publishedAt'> | null>(null);
	error = $state<ApiError | null>(null);
	loading = $state(false);
	private loaded = false;

	constructor(readonly projectId: string) {}

	/** A new version of the guideline that gates evaluation waits for the caller's acknowledgement. */
	get pendingAck(): { guidelineId: string; version: number } | null {
		const g = this.guideline;
		const n = currentNumber(g);
		return g && n && g.gatesEvaluation && g.ack?.pending && g.ack.canAcknowledge
			? { guidelineId: g.id, version: n }
			: null;
	}

	async ensure(): Promise<void> {
		if (this.loaded || this.loading) return;
		this.loading = true;
		try {
			const { guidelines } = await api.get<{ guidelines: GuidelineListEntry[] }>(
				`/api/projects/${this.projectId}/guidelines`
			);
			// The guideline that gates evaluation is the project's main one; otherwise the first with a version.
			this.guideline =
				guidelines.find((g) => g.gatesEvaluation && currentNumber(g)) ??
				guidelines.find((g) => currentNumber(g)) ??
				guidelines[0] ??
				null;
			const n = currentNumber(this.guideline);
			if (this.guideline && n) {
				this.version = (
					await api.get<{ version: GuidelineVersionView }>(`/api/guidelines/${this.guideline.id}/versions/${n}`)
				).version;
			}
			this.loaded = true;
			this.error = null;
		} catch (err) {
			this.error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
		} finally {
			this.loading = false;
		}
	}
}
