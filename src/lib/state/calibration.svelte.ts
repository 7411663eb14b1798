// One calibration session as reactive state: the caller's REST view (public state + own blind sheets), kept
// current from the server's mirror in the room's `state` map (any change there reloads the view, coalesced),
// the lead's decisions and the participant's submissions as REST calls, and the room itself (conversation,
// presence) through the shared CollabRoom binding. The room never carries a score before its reveal.
import { api, ApiError } from './api';
import { CollabRoom } from './room.svelte';
import { stateOf } from '$lib/collab/room-doc';
import { roomName } from '$lib/shared/rooms';
import type { CalibrationScoreInput, CalibrationView, ConsensusInput } from '$lib/shared/calibration';
import type { Scores } from '$lib/shared/evaluation';

const asApiError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));

export class CalibrationSession {
	view = $state<CalibrationView | null>(null);
	error = $state<ApiError | null>(null);
	/** The decision in flight ('reveal', 'round', 'close', 'cancel', 'consensus', 'score'), for disabling buttons. */
	busy = $state<string | null>(null);
	actionError = $state<ApiError | null>(null);
	readonly room: CollabRoom;
	#loading = false;
	#again = false;
	#destroyed = false;
	readonly #unobserve: () => void;

	constructor(
		readonly id: string,
		user: { id: string; name: string }
	) {
		this.room = new CollabRoom(roomName('session', id), user);
		const state = stateOf(this.room.doc);
		const onMirror = () => void this.load();
		state.observe(onMirror);
		this.#unobserve = () => state.unobserve(onMirror);
		void this.load();
	}

	/** Loads the view; calls while one is in flight collapse into one more load after it. */
	async load(): Promise<void> {
		if (this.#loading) {
			this.#again = true;
			return;
		}
		this.#loading = true;
		try {
			do {
				this.#again = false;
				const view = await api.get<CalibrationView>(`/api/calibrations/${this.id}`);
				if (!this.#destroyed) this.view = view;
				this.error = null;
			} while (this.#again && !this.#destroyed);
		} catch (err) {
			this.error = asApiError(err);
		} finally {
			this.#loading = false;
		}
	}

	async #decide(name: string, path: string, body: unknown = {}): Promise<boolean> {
		this.busy = name;
		this.actionError = null;
		try {
			this.view = await api.post<CalibrationView>(`/api/calibrations/${this.id}${path}`, body);
			return true;
		} catch (err) {
			this.actionError = asApiError(err);
			return false;
		} finally {
			this.busy = null;
		}
	}

	reveal = () => this.#decide('reveal', '/reveal');
	newRound = (itemIds?: string[]) => this.#decide('round', '/rounds', itemIds ? { itemIds } : {});
	close = () => this.#decide('close', '/close');
	cancel = () => this.#decide('cancel', '/cancel');
	consensus = (itemId: string, input: ConsensusInput) => this.#decide('consensus', `/items/${itemId}/consensus`, input);

	/** Submits the caller's blind sheet; on a validation error returns the server's problems by dimension. */
	async submit(itemId: string, input: CalibrationScoreInput): Promise<{ ok: true } | { ok: false; error: ApiError }> {
		this.busy = 'score';
		this.actionError = null;
		try {
			await api.post(`/api/calibrations/${this.id}/items/${itemId}/scores`, input);
			await this.load();
			return { ok: true };
		} catch (err) {
			const error = asApiError(err);
			if (error.code !== 'validation_failed') this.actionError = error;
			return { ok: false, error };
		} finally {
			this.busy = null;
		}
	}

	/** The latest revealed round that covered an item (what the reveal grid shows by default). */
	latestRevealedRound(itemId: string): number | null {
		const rounds = this.view?.revealed.filter((r) => r.items[itemId]) ?? [];
		return rounds.length ? rounds[rounds.length - 1].round : null;
	}

	/** Whether the caller still has to score this item in the current round. */
	toScore(itemId: string): boolean {
		const v = this.view;
		return !!v && v.can.score && v.calibration.phase === 'scoring' && v.activeItemIds.includes(itemId);
	}

	mySheet(itemId: string): { scores: Scores; rationale: string } | null {
		return this.view?.mine[itemId] ?? null;
	}

	destroy(): void {
		this.#destroyed = true;
		this.#unobserve();
		this.room.destroy();
	}
}
