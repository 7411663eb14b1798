// The caller's unsent score sheets in this tab, one per item, started from what they already submitted this
// round; each counts the time its item was on screen (for timeSpentMs). Nothing here is shared with the room.
import type { Scores, Span } from '$lib/shared/evaluation';
import type { CalibrationScore } from '$lib/shared/calibration';

export class SheetDraft {
	scores = $state<Scores>({});
	rationale = $state('');
	spans = $state<Span[]>([]);
	#spent = 0;
	#since: number | null = null;

	constructor(from: CalibrationScore | null) {
		if (from) {
			this.scores = { ...from.scores };
			this.rationale = from.rationale;
			this.spans = [...from.spans];
			this.#spent = from.timeSpentMs;
		}
	}

	/** The item came on screen (true) or left it (false). */
	visible(on: boolean): void {
		if (on && this.#since === null) this.#since = Date.now();
		if (!on && this.#since !== null) {
			this.#spent += Date.now() - this.#since;
			this.#since = null;
		}
	}

	spentMs(): number {
		return Math.round(this.#spent + (this.#since === null ? 0 : Date.now() - this.#since));
	}
}

export class SheetDrafts {
	// A plain memo, not state: get() runs inside the room's $derived, where writing a SvelteMap would throw
	// (state_unsafe_mutation). Each SheetDraft's own fields are the reactive part.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- memo written during a $derived; must not be reactive
	#drafts = new Map<string, SheetDraft>();
	#round = 0;

	/** The draft of an item in a round; a new round starts from empty sheets again. */
	get(itemId: string, round: number, submitted: CalibrationScore | null): SheetDraft {
		if (round !== this.#round) {
			this.#drafts.clear();
			this.#round = round;
		}
		let d = this.#drafts.get(itemId);
		if (!d) this.#drafts.set(itemId, (d = new SheetDraft(submitted)));
		return d;
	}
}
