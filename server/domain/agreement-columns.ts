// A project's submitted evaluations folded into compact columns (typed arrays and small dictionaries), the form
// every agreement figure is computed from. Pure: the database read (server/db/agreement.ts) feeds rows to a
// ColumnsBuilder one at a time, so 300,000 evaluations never exist as row objects at once; scores may come as the
// stored JSON text, decoded once per distinct text (a project repeats a few thousand texts).
// Per evaluation: item, evaluator and rubric (indices into dictionaries), submission time and time spent; per item:
// modality and language; per scored dimension key: a code into that key's dictionary of distinct stored values
// (-1: the evaluation has no value for the key). Only the keys of the dimensions that the evaluation's own rubric
// scores for the item's modality are kept (free-text answers are never read by a figure).
import { dimensionsFor, type Rubric } from '#shared/rubric';
import { scopeRule, type ScopeFilter } from './agreement-scope';

/** What one submitted evaluation contributes (the database read gives exactly these columns). */
export interface EvaluationFacts {
	itemId: string;
	evaluatorId: string;
	rubricId: string;
	scores: Record<string, unknown>;
	timeSpentMs: number;
	submittedAt: number;
	modality: string;
	language: string;
}

interface ScoreColumn {
	/** Per evaluation: index into `values`, -1 when absent. */
	codes: Int32Array;
	/** The distinct stored values, in first-seen order. */
	values: unknown[];
}

export interface EvaluationColumns {
	size: number;
	item: Int32Array;
	rater: Int32Array;
	rubric: Int32Array;
	submittedAt: Float64Array;
	timeSpentMs: Float64Array;
	itemIds: string[];
	/** Per item: index into `modalities` / `languages`. */
	itemModality: Int32Array;
	itemLanguage: Int32Array;
	modalities: string[];
	languages: string[];
	raterIds: string[];
	rubricIds: string[];
	scores: Map<string, ScoreColumn>;
}

/** A subset of evaluations: indices into the columns, ascending. */
export type Scope = Int32Array;

export type { ScopeFilter } from './agreement-scope';

class Dictionary<K> {
	readonly ids: K[] = [];
	readonly #index = new Map<K, number>();
	/** The key's index, -1 when unknown. */
	find(key: K): number {
		return this.#index.get(key) ?? -1;
	}

	of(key: K): number {
		let i = this.#index.get(key);
		if (i === undefined) {
			i = this.ids.length;
			this.#index.set(key, i);
			this.ids.push(key);
		}
		return i;
	}
}

function grown<T extends Int32Array | Float64Array>(a: T, size: number, capacity: number, fill?: number): T {
	const next = new (a.constructor as new (n: number) => T)(capacity);
	next.set(a.subarray(0, size));
	if (fill !== undefined) next.fill(fill, size);
	return next;
}

/** One scored key: per evaluation, a code into the key's distinct values (-1: absent). */
interface ScoreColumnBuilder {
	codes: Int32Array;
	index: Map<unknown, number>;
	values: unknown[];
}

/**
 * What an evaluation of one rubric version on an item of one modality keeps: its scored keys' columns, and the
 * codes of the scores texts seen so far (a project's evaluations repeat a few thousand distinct texts; parsing
 * each once is most of the fold's saving). The text cache is bounded: cleared when it grows past SCORES_CACHE.
 */
interface KeySet {
	keys: string[];
	columns: ScoreColumnBuilder[];
	codesOf: Map<string, Int32Array>;
}
const SCORES_CACHE = 20_000;

/**
 * Folds evaluations into columns. Items are registered first (addItem), then each evaluation is added with its
 * scores as stored (JSON text, decoded once per distinct text) or already decoded.
 */
export class ColumnsBuilder {
	#size = 0;
	#capacity: number;
	#item: Int32Array;
	#rater: Int32Array;
	#rubric: Int32Array;
	#submittedAt: Float64Array;
	#timeSpentMs: Float64Array;
	#items = new Dictionary<string>();
	#itemModality = new Int32Array(1024);
	#itemLanguage = new Int32Array(1024);
	#modalities = new Dictionary<string>();
	#languages = new Dictionary<string>();
	#raters = new Dictionary<string>();
	#rubrics = new Dictionary<string>();
	#scores = new Map<string, ScoreColumnBuilder>();
	/** Per rubric index, per modality index. */
	#keySets: (KeySet | undefined)[][] = [];
	readonly #rubricById: ReadonlyMap<string, Rubric>;

	/**
	 * `expected`: how many evaluations will be added, when known. Columns are then allocated once at that size
	 * and handed out without a copy (fresh large typed arrays cost more than their size suggests: every page is
	 * touched once), otherwise they double as needed.
	 */
	constructor(rubrics: readonly Rubric[], expected = 0) {
		this.#rubricById = new Map(rubrics.map((r) => [r.id, r]));
		const capacity = (this.#capacity = Math.max(expected, 1024));
		this.#item = new Int32Array(capacity);
		this.#rater = new Int32Array(capacity);
		this.#rubric = new Int32Array(capacity);
		this.#submittedAt = new Float64Array(capacity);
		this.#timeSpentMs = new Float64Array(capacity);
	}

	#keySet(rubric: number, modality: number): KeySet {
		const byModality = (this.#keySets[rubric] ??= []);
		let set = byModality[modality];
		if (!set) {
			const found = this.#rubricById.get(this.#rubrics.ids[rubric]);
			const keys = found
				? dimensionsFor(found, this.#modalities.ids[modality])
						.filter((d) => d.scale !== 'text')
						.map((d) => d.key)
				: [];
			const columns = keys.map((key) => {
				let column = this.#scores.get(key);
				if (!column) {
					column = { codes: new Int32Array(this.#capacity).fill(-1), index: new Map(), values: [] };
					this.#scores.set(key, column);
				}
				return column;
			});
			set = byModality[modality] = { keys, columns, codesOf: new Map() };
		}
		return set;
	}

	/** Registers an item's facts (no-op when known). */
	addItem(id: string, modality: string, language: string): void {
		const before = this.#items.ids.length;
		const item = this.#items.of(id);
		if (item !== before) return;
		if (item >= this.#itemModality.length) {
			this.#itemModality = grown(this.#itemModality, item, item * 2);
			this.#itemLanguage = grown(this.#itemLanguage, item, item * 2);
		}
		this.#itemModality[item] = this.#modalities.of(modality);
		this.#itemLanguage[item] = this.#languages.of(language);
	}

	/** The index of a registered item, -1 when it was not registered. */
	itemOf(id: string): number {
		return this.#items.find(id);
	}

	/** The index of an evaluator (registered on first sight). */
	raterOf(id: string): number {
		return this.#raters.of(id);
	}

	/** The index of a rubric version (registered on first sight). */
	rubricOf(id: string): number {
		return this.#rubrics.of(id);
	}

	add(e: EvaluationFacts): void {
		this.addItem(e.itemId, e.modality, e.language);
		this.addScored(e.itemId, e.evaluatorId, e.rubricId, e.scores, e.timeSpentMs, e.submittedAt);
	}

	/** Folds an evaluation whose item was registered with addItem; `scores` as stored (JSON text) or decoded. */
	addScored(
		itemId: string,
		evaluatorId: string,
		rubricId: string,
		scores: string | Record<string, unknown>,
		timeSpentMs: number,
		submittedAt: number
	): void {
		const item = this.#items.of(itemId);
		this.addIndexed(item, this.#raters.of(evaluatorId), this.#rubrics.of(rubricId), scores, timeSpentMs, submittedAt);
	}

	/** addScored with the indices of the item (itemOf), evaluator (raterOf) and rubric version (rubricOf). */
	addIndexed(
		item: number,
		rater: number,
		rubric: number,
		scores: string | Record<string, unknown>,
		timeSpentMs: number,
		submittedAt: number
	): void {
		const i = this.#size++;
		if (i === this.#capacity) this.#grow();
		this.#item[i] = item;
		this.#rater[i] = rater;
		this.#rubric[i] = rubric;
		this.#submittedAt[i] = submittedAt;
		this.#timeSpentMs[i] = timeSpentMs;
		const set = this.#keySet(rubric, this.#itemModality[item]);
		if (!set.keys.length) return;
		let codes = typeof scores === 'string' ? set.codesOf.get(scores) : undefined;
		if (!codes) {
			const decoded: unknown = typeof scores === 'string' ? JSON.parse(scores) : scores;
			codes = this.#codes(
				set,
				typeof decoded === 'object' && decoded !== null ? (decoded as Record<string, unknown>) : {}
			);
			if (typeof scores === 'string') {
				if (set.codesOf.size >= SCORES_CACHE) set.codesOf.clear();
				set.codesOf.set(scores, codes);
			}
		}
		for (let k = 0; k < codes.length; k++) set.columns[k].codes[i] = codes[k];
	}

	/** The codes of one evaluation's scores under its key set (new values get the next code of their key). */
	#codes(set: KeySet, scores: Record<string, unknown>): Int32Array {
		const codes = new Int32Array(set.keys.length).fill(-1);
		for (let k = 0; k < set.keys.length; k++) {
			if (!(set.keys[k] in scores)) continue;
			const column = set.columns[k];
			const v = scores[set.keys[k]];
			// Primitives are their own key (1 and "1" differ); objects are told apart by their JSON.
			const key = typeof v === 'object' && v !== null ? `\u0000${JSON.stringify(v)}` : v;
			let code = column.index.get(key);
			if (code === undefined) {
				code = column.values.push(v) - 1;
				column.index.set(key, code);
			}
			codes[k] = code;
		}
		return codes;
	}

	#grow(): void {
		const n = this.#size - 1;
		const capacity = this.#capacity * 2;
		this.#item = grown(this.#item, n, capacity);
		this.#rater = grown(this.#rater, n, capacity);
		this.#rubric = grown(this.#rubric, n, capacity);
		this.#submittedAt = grown(this.#submittedAt, n, capacity);
		this.#timeSpentMs = grown(this.#timeSpentMs, n, capacity);
		for (const column of this.#scores.values()) column.codes = grown(column.codes, n, capacity, -1);
		this.#capacity = capacity;
	}

	finish(): EvaluationColumns {
		const n = this.#size;
		const items = this.#items.ids.length;
		const fit = <T extends Int32Array | Float64Array>(a: T) => (a.length === n ? a : (a.slice(0, n) as T));
		const scores = new Map<string, ScoreColumn>();
		for (const [key, c] of this.#scores) scores.set(key, { codes: fit(c.codes), values: c.values });
		return {
			size: n,
			item: fit(this.#item),
			rater: fit(this.#rater),
			rubric: fit(this.#rubric),
			submittedAt: fit(this.#submittedAt),
			timeSpentMs: fit(this.#timeSpentMs),
			itemIds: this.#items.ids,
			itemModality: this.#itemModality.slice(0, items),
			itemLanguage: this.#itemLanguage.slice(0, items),
			modalities: this.#modalities.ids,
			languages: this.#languages.ids,
			raterIds: this.#raters.ids,
			rubricIds: this.#rubrics.ids,
			scores
		};
	}
}

/** Columns of rows already in memory (small sets and tests). */
export function columnsOf(rows: readonly EvaluationFacts[], rubrics: readonly Rubric[]): EvaluationColumns {
	const builder = new ColumnsBuilder(rubrics);
	for (const r of rows) builder.add(r);
	return builder.finish();
}

/** The evaluations in the filter (agreement-scope.ts): submitted in [from, to), of items of the modality and language. */
export function selectScope(c: EvaluationColumns, f: ScopeFilter): Scope {
	const rule = scopeRule(f);
	// The item half of the rule once per item, the period once per evaluation.
	const itemIn = new Uint8Array(c.itemIds.length);
	for (let item = 0; item < itemIn.length; item++)
		itemIn[item] = rule.about(c.modalities[c.itemModality[item]], c.languages[c.itemLanguage[item]]) ? 1 : 0;
	const out = new Int32Array(c.size);
	let k = 0;
	for (let i = 0; i < c.size; i++) if (itemIn[c.item[i]] === 1 && rule.madeIn(c.submittedAt[i])) out[k++] = i;
	return out.slice(0, k);
}

/** Every evaluation of the columns. */
export function wholeScope(c: EvaluationColumns): Scope {
	return Int32Array.from({ length: c.size }, (_, i) => i);
}

/** Counts per evaluator id over the scope (e.g. evaluations per evaluator). */
export function perEvaluator(c: EvaluationColumns, scope: Scope): Map<string, number> {
	const counts = new Float64Array(c.raterIds.length);
	for (let k = 0; k < scope.length; k++) counts[c.rater[scope[k]]]++;
	const out = new Map<string, number>();
	for (let r = 0; r < counts.length; r++) if (counts[r] > 0) out.set(c.raterIds[r], counts[r]);
	return out;
}

/** Distinct items and evaluators over the scope. */
export function scopeTotals(
	c: EvaluationColumns,
	scope: Scope
): { evaluations: number; items: number; evaluators: number } {
	const items = new Uint8Array(c.itemIds.length);
	const raters = new Uint8Array(c.raterIds.length);
	let itemCount = 0;
	let raterCount = 0;
	for (let k = 0; k < scope.length; k++) {
		const e = scope[k];
		if (!items[c.item[e]]) {
			items[c.item[e]] = 1;
			itemCount++;
		}
		if (!raters[c.rater[e]]) {
			raters[c.rater[e]] = 1;
			raterCount++;
		}
	}
	return { evaluations: scope.length, items: itemCount, evaluators: raterCount };
}

/** Each item's last submission in the scope (the moment its ratings were complete), by item id. */
export function itemCompletions(c: EvaluationColumns, scope: Scope): Map<string, number> {
	const last = new Float64Array(c.itemIds.length).fill(-Infinity);
	for (let k = 0; k < scope.length; k++) {
		const e = scope[k];
		if (c.submittedAt[e] > last[c.item[e]]) last[c.item[e]] = c.submittedAt[e];
	}
	const out = new Map<string, number>();
	for (let i = 0; i < last.length; i++) if (last[i] !== -Infinity) out.set(c.itemIds[i], last[i]);
	return out;
}
