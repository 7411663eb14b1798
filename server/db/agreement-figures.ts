// The agreement dashboard's figures, kept per project on each node instead of recomputed from every evaluation on
// every request.
//
// A project's snapshot is its submitted evaluations folded into columns (loadEvaluationColumns) together with the
// project's evaluation seq read just before the fold: the snapshot holds at least everything the seq stands for,
// and is current exactly while the project's seq is still that seq (projects.evaluation_seq moves in the
// transaction of every change to what the evaluations add up to, on any node). Figures computed from a snapshot
// are memoised on it (per route and query), so a warm request is one primary-key read of the seq plus a lookup.
//
// Freshness. A submission on this node (`evaluation.submitted`) schedules a rebuild after DEBOUNCE_MS; a request
// that finds the seq moved starts one too. While a rebuild runs, requests are answered from the previous snapshot
// marked `stale: true` (with the time it was computed), as long as the first change it lacks is at most
// STALE_MS old; past that (or when the change was not announced on this node, so its age is unknown) the request
// waits for the rebuild. So no answer is older than the last submission by more than STALE_MS (5 s), and a
// figure served stale says so. One rebuild per project at a time; changes during a rebuild cause one more after it.
import type { Freshness } from '#shared/agreement-report';
import type { Rubric } from '#shared/rubric';
import type { Db, OpenedDb } from './client';
import type { AppDeps } from '../deps';
import type { DomainEvents } from '../domain/events';
import { AgreementIntervals } from '../domain/agreement-intervals';
import type { EvaluationColumns } from '../domain/agreement-columns';
import { loadEvaluationColumns, projectRubricVersions } from './agreement';
import { evaluationSeq } from './project-counts';

/** How long a change may be missing from an answer served stale. */
export const STALE_MS = 5_000;
/** Submissions arriving within this window are folded by one rebuild. */
const DEBOUNCE_MS = 250;
/**
 * Memoised figures per snapshot: answers (small) and the rating sets and rankings behind them (tens of MB at
 * 300,000 evaluations, so only a few scopes are kept); the oldest of a kind are dropped beyond its limit.
 */
const MEMO_LIMIT = { answer: 200, heavy: 9 };

export interface FiguresSnapshot {
	projectId: string;
	/** The project's evaluation seq when the fold began. */
	seq: number;
	computedAt: number;
	columns: EvaluationColumns;
	/** Every rubric version of the project. */
	rubrics: Rubric[];
	/** First and last submission (epoch ms), null without evaluations. */
	first: number | null;
	last: number | null;
	memo: Record<keyof typeof MEMO_LIMIT, Map<string, unknown>>;
}

interface ProjectState {
	snapshot: FiguresSnapshot | null;
	building: Promise<FiguresSnapshot> | null;
	/** When the oldest change not yet in a snapshot or a running rebuild was announced; null when none. */
	dirtySince: number | null;
	/** The same for the changes the running rebuild folds in. */
	buildingSince: number | null;
	timer: ReturnType<typeof setTimeout> | null;
}

function timeRange(c: EvaluationColumns): { first: number | null; last: number | null } {
	if (!c.size) return { first: null, last: null };
	let first = Infinity;
	let last = -Infinity;
	for (let i = 0; i < c.size; i++) {
		if (c.submittedAt[i] < first) first = c.submittedAt[i];
		if (c.submittedAt[i] > last) last = c.submittedAt[i];
	}
	return { first, last };
}

export class AgreementFigures {
	readonly #projects = new Map<string, ProjectState>();

	readonly #db: Db;
	readonly #sqlite: OpenedDb['sqlite'];

	/** `database`: the record, with its SQLite connection when there is one (the fold then reads beside it). */
	constructor(
		database: Pick<OpenedDb, 'db' | 'sqlite'>,
		private readonly onError: (err: unknown, projectId: string) => void,
		events?: DomainEvents
	) {
		this.#db = database.db;
		this.#sqlite = database.sqlite;
		events?.on('evaluation.submitted', ({ projectId }) => this.changed(projectId));
	}

	#state(projectId: string): ProjectState {
		let s = this.#projects.get(projectId);
		if (!s) {
			s = { snapshot: null, building: null, dirtySince: null, buildingSince: null, timer: null };
			this.#projects.set(projectId, s);
		}
		return s;
	}

	/** A change to the project's evaluations was committed on this node: rebuild soon, if anyone has asked. */
	changed(projectId: string): void {
		const s = this.#projects.get(projectId);
		if (!s) return;
		s.dirtySince ??= Date.now();
		if (s.timer || s.building) return;
		s.timer = setTimeout(() => {
			s.timer = null;
			this.#rebuild(projectId, s).catch((err: unknown) => this.onError(err, projectId));
		}, DEBOUNCE_MS);
		s.timer.unref?.();
	}

	#rebuild(projectId: string, s: ProjectState): Promise<FiguresSnapshot> {
		if (s.building) return s.building;
		if (s.timer) clearTimeout(s.timer);
		s.timer = null;
		s.buildingSince = s.dirtySince;
		s.dirtySince = null;
		// The previous rating sets and rankings are not needed for the answers already kept (served while stale);
		// dropping them keeps the memory of a rebuild to the new columns beside the old ones.
		s.snapshot?.memo.heavy.clear();
		const build = (async () => {
			const seq = await evaluationSeq(this.#db, projectId);
			const computedAt = Date.now();
			const rubrics = await projectRubricVersions(this.#db, projectId);
			const columns = await loadEvaluationColumns(this.#db, projectId, rubrics, this.#sqlite);
			return {
				projectId,
				seq,
				computedAt,
				columns,
				rubrics,
				...timeRange(columns),
				memo: { answer: new Map(), heavy: new Map() }
			};
		})();
		s.building = build;
		build.then(
			(snapshot) => {
				s.building = null;
				s.buildingSince = null;
				if (!s.snapshot || snapshot.seq >= s.snapshot.seq) s.snapshot = snapshot;
				if (s.dirtySince !== null) this.changed(projectId);
			},
			() => {
				s.building = null;
				s.dirtySince = Math.min(s.dirtySince ?? Infinity, s.buildingSince ?? Infinity);
				s.buildingSince = null;
			}
		);
		return build;
	}

	/**
	 * The project's current figures, or the previous ones marked stale while a rebuild runs (see the header);
	 * with `current`, never stale: waits for the rebuild (for answers that must show every change at once).
	 */
	async snapshot(
		projectId: string,
		{ current = false }: { current?: boolean } = {}
	): Promise<{ snapshot: FiguresSnapshot; freshness: Freshness }> {
		const s = this.#state(projectId);
		const seq = await evaluationSeq(this.#db, projectId);
		const held = s.snapshot;
		if (held && held.seq >= seq) return { snapshot: held, freshness: { computedAt: held.computedAt, stale: false } };
		// The oldest change the answer would lack: announced ones carry their time; an unannounced one (another
		// node's, or a change that reached no listener) is of unknown age and is never served stale.
		const since = Math.min(s.dirtySince ?? Infinity, s.buildingSince ?? Infinity);
		const build = this.#rebuild(projectId, s);
		if (!current && held && since !== Infinity && Date.now() - since <= STALE_MS)
			return { snapshot: held, freshness: { computedAt: held.computedAt, stale: true } };
		let fresh = await build;
		// A rebuild that began before this request's seq was read may lack its change: one more.
		if (fresh.seq < seq) fresh = await this.#rebuild(projectId, s);
		return { snapshot: fresh, freshness: { computedAt: fresh.computedAt, stale: false } };
	}
}

/** Figures computed once per snapshot and key (the route and its query); `heavy` for rating sets and rankings. */
export function memoised<T>(
	snapshot: FiguresSnapshot,
	key: string,
	compute: () => T,
	kind: keyof typeof MEMO_LIMIT = 'answer'
): T {
	const memo = snapshot.memo[kind];
	if (memo.has(key)) return memo.get(key) as T;
	const value = compute();
	if (memo.size >= MEMO_LIMIT[kind]) memo.delete(memo.keys().next().value!);
	memo.set(key, value);
	return value;
}

/** One figures cache and one interval cache per running app (each test server has its own). */
const keptByApp = new WeakMap<AppDeps, { figures: AgreementFigures; intervals: AgreementIntervals }>();

/** The app's figures cache (shared by the agreement dashboard and calibration candidates) and interval cache. */
export function agreementFiguresFor(deps: AppDeps): { figures: AgreementFigures; intervals: AgreementIntervals } {
	let kept = keptByApp.get(deps);
	if (!kept) {
		kept = {
			figures: new AgreementFigures(
				deps.database,
				(err, projectId) => deps.logger.error({ err, projectId }, 'agreement figures rebuild failed'),
				deps.events
			),
			intervals: new AgreementIntervals((err, key) =>
				deps.logger.error({ err, key }, 'agreement bootstrap interval failed')
			)
		};
		keptByApp.set(deps, kept);
	}
	return kept;
}
