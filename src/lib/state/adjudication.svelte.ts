// One adjudication: the escalation detail from REST (item, evaluations, agreement, guideline), kept current as
// decisions arrive — from the caller's own REST answers and from the server's mirror in the room's `state` map
// (another lead's claim or verdict shows up without a reload). The room's conversation is handled elsewhere.
// The escalation id is read reactively (navigating to another escalation loads it, aborting the previous load).
import { api, type ApiError } from './api';
import { Query } from './query.svelte';
import type { EscalationDetail, EscalationView } from '$lib/shared/escalation';

export class Adjudication {
	readonly #query: Query<EscalationDetail>;

	constructor(escalationId: () => string) {
		this.#query = new Query((signal) =>
			api.get<EscalationDetail>(`/api/escalations/${escalationId()}`, undefined, signal)
		);
	}

	get detail(): EscalationDetail | null {
		return this.#query.data;
	}

	get error(): ApiError | null {
		return this.#query.error;
	}

	get loading(): boolean {
		return this.#query.loading;
	}

	load(): Promise<void> {
		return this.#query.reload();
	}

	/**
	 * Applies a newer view of this escalation or of a related one on the same item. A change of this escalation's
	 * state reloads the detail (a verdict changes the gold, a reopen clears it).
	 */
	apply(view: EscalationView): void {
		const d = this.detail;
		if (!d) return;
		if (view.id === d.escalation.id) {
			const changed = view.state !== d.escalation.state || view.claimedBy?.id !== d.escalation.claimedBy?.id;
			d.escalation = view;
			if (changed && (view.state === 'resolved' || view.state === 'open')) void this.load();
			return;
		}
		const at = d.related.findIndex((r) => r.id === view.id);
		if (at >= 0) d.related[at] = view;
		else if (view.itemId === d.item.id) d.related = [...d.related, view];
	}
}
