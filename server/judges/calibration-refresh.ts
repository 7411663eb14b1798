// Judge scores that land after a calibration round was revealed (a run's results, an import's batch: the
// `judge.scored` event, emitted once they committed) reach the session's room live: the session's public state is
// read again and mirrored, so every open screen shows the new "Model judges" column without a reload. Only
// sessions whose open rounds hold a scored item are mirrored (showsJudgesOf): before the reveal nothing is sent,
// so a round being scored stays blind to judges as to people.
// Guarantees: per session, refreshes run one at a time and each reads the record when it starts, so the last one
// mirrors every score committed before it; events arriving while one waits join it (a run emits one per item).
import type { AppDeps } from '../deps';
import { loadSession, publicState, sessionsHoldingItems } from '../db/calibration-view';
import { mirrorCalibration, showsJudgesOf } from '../domain/calibration-room';

type RefreshDeps = Pick<AppDeps, 'db' | 'rooms' | 'logger'>;

export class CalibrationJudgeRefresh {
	/** Per session: the refresh queued last (running or waiting). */
	readonly #tails = new Map<string, Promise<void>>();
	/** Per session with a refresh waiting to start: the items it will look for. */
	readonly #waiting = new Map<string, Set<string>>();

	constructor(private readonly deps: RefreshDeps) {}

	/** Mirrors the sessions of the project that show judges' scores on any of the items; never rejects. */
	async judgesScored(projectId: string, itemIds: readonly string[]): Promise<void> {
		if (!itemIds.length) return;
		let sessions: string[];
		try {
			sessions = await sessionsHoldingItems(this.deps.db, projectId, itemIds);
		} catch (err) {
			this.deps.logger.error({ err, projectId }, 'could not find the calibration sessions of scored items');
			return;
		}
		await Promise.all(sessions.map((id) => this.#refresh(id, itemIds)));
	}

	#refresh(calibrationId: string, itemIds: readonly string[]): Promise<void> {
		const waiting = this.#waiting.get(calibrationId);
		if (waiting) {
			// A refresh not started yet reads the record when it starts: it will see these scores too.
			for (const id of itemIds) waiting.add(id);
			return this.#tails.get(calibrationId)!;
		}
		const items = new Set(itemIds);
		this.#waiting.set(calibrationId, items);
		const tail: Promise<void> = (this.#tails.get(calibrationId) ?? Promise.resolve())
			.then(async () => {
				this.#waiting.delete(calibrationId);
				await this.#mirror(calibrationId, [...items]);
			})
			.catch((err: unknown) =>
				this.deps.logger.error({ err, calibrationId }, 'could not refresh the calibration room after judge scores')
			)
			.finally(() => {
				if (this.#tails.get(calibrationId) === tail) this.#tails.delete(calibrationId);
			});
		this.#tails.set(calibrationId, tail);
		return tail;
	}

	async #mirror(calibrationId: string, itemIds: string[]): Promise<void> {
		const facts = await loadSession(this.deps.db, calibrationId);
		if (!facts) return;
		const state = publicState(facts);
		if (showsJudgesOf(state, itemIds)) await mirrorCalibration(this.deps.rooms, this.deps.logger, state);
	}
}
