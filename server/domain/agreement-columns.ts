// A project's submitted evaluations folded into compact columns (typed arrays and small dictionaries), the form
// every agreement figure is computed from. Pure: the database read (server/db/agreement.ts) feeds rows to a
// ColumnsBuilder page by page, so 300,000 evaluations never exist as row objects at once.
// Per evaluation: item, evaluator and rubric (indices into dictionaries), submission time and time spent; per item:
// modality and language; per scored dimension key: a code into that key's dictionary of distinct stored values
// (-1: the evaluation has no value for the key). Only the keys of the dimensions that the evaluation's own rubric
// scores for the item's modality are kept (free-text answers are never read by a figure).
import { dimensionsFor, type Rubric } from '#shared/rubric';

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

export interface ScopeFilter {
	from?: number | null;
	to?: number | null;
	modality?: string | null;
	language?: string | null;
}

class Dictionary<K> {
	readonly ids: K[] = [];
	readonly #index = new Map<K, number>();
	has(key: K): boolean {
		return this.#index.has(key);
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

function grown<T extends Int32Array | Float64Array>(a: T, need: number, fill?: number): T {
	if (need <= a.length) return a;
	const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
	next.set(a);
	if (fill !== undefined) next.fill(fill, a.length);
	return next;
}

export class ColumnsBuilder {
	#size = 0;
	#item = new Int32Array(1024);
	#rater = new Int32Array(1024);
	#rubric = new Int32Array(1024);
	#submittedAt = new Float64Array(1024);
	#timeSpentMs = new Float64Array(1024);
	#items = new Dictionary<string>();
	#itemModality = new Int32Array(1024);
	#itemLanguage = new Int32Array(1024);
	#modalities = new Dictionary<string>();
	#languages = new Dictionary<string>();
	#raters = new Dictionary<string>();
	#rubrics = new Dictionary<string>();
	#scores = new Map<string, { codes: Int32Array; values: Map<unknown, number>; raw: unknown[] }>();
	/** Scored keys per rubric id and modality. */
	#keys = new Map<string, string[]>();
	readonly #rubricById: ReadonlyMap<string, Rubric>;

	constructor(rubrics: readonly Rubric[]) {
		this.#rubricById = new Map(rubrics.map((r) => [r.id, r]));
	}

	#keysOf(rubricId: string, modality: string): string[] {
		const cacheKey = `${rubricId}\u0000${modality}`;
		let keys = this.#keys.get(cacheKey);
		if (!keys) {
			const rubric = this.#rubricById.get(rubricId);
			keys = rubric
				? dimensionsFor(rubric, modality)
						.filter((d) => d.scale !== 'text')
						.map((d) => d.key)
				: [];
			this.#keys.set(cacheKey, keys);
		}
		return keys;
	}

	/** Registers an item's facts (no-op when known). */
	addItem(id: string, modality: string, language: string): void {
		const before = this.#items.ids.length;
		const item = this.#items.of(id);
		if (item !== before) return;
		this.#itemModality = grown(this.#itemModality, item + 1);
		this.#itemLanguage = grown(this.#itemLanguage, item + 1);
		this.#itemModality[item] = this.#modalities.of(modality);
		this.#itemLanguage[item] = this.#languages.of(language);
	}

	hasItem(id: string): boolean {
		return this.#items.has(id);
	}

	add(e: EvaluationFacts): void {
		this.addItem(e.itemId, e.modality, e.language);
		this.addScored(e);
	}

	/** Folds an evaluation whose item was registered with addItem. */
	addScored(e: Omit<EvaluationFacts, 'modality' | 'language'>): void {
		const item = this.#items.of(e.itemId);
		const modality = this.#modalities.ids[this.#itemModality[item]];
		const i = this.#size++;
		const n = this.#size;
		this.#item = grown(this.#item, n);
		this.#rater = grown(this.#rater, n);
		this.#rubric = grown(this.#rubric, n);
		this.#submittedAt = grown(this.#submittedAt, n);
		this.#timeSpentMs = grown(this.#timeSpentMs, n);
		this.#item[i] = item;
		this.#rater[i] = this.#raters.of(e.evaluatorId);
		this.#rubric[i] = this.#rubrics.of(e.rubricId);
		this.#submittedAt[i] = e.submittedAt;
		this.#timeSpentMs[i] = e.timeSpentMs;
		for (const key of this.#keysOf(e.rubricId, modality)) {
			if (!(key in e.scores)) continue;
			let column = this.#scores.get(key);
			if (!column) this.#scores.set(key, (column = { codes: new Int32Array(n).fill(-1), values: new Map(), raw: [] }));
			column.codes = grown(column.codes, n, -1);
			const v = e.scores[key];
			// Primitives are their own key (1 and "1" differ); objects are told apart by their JSON.
			const k = typeof v === 'object' && v !== null ? `\u0000${JSON.stringify(v)}` : v;
			let code = column.values.get(k);
			if (code === undefined) {
				code = column.raw.push(v) - 1;
				column.values.set(k, code);
			}
			column.codes[i] = code;
		}
	}

	finish(): EvaluationColumns {
		const n = this.#size;
		const items = this.#items.ids.length;
		const scores = new Map<string, ScoreColumn>();
		for (const [key, c] of this.#scores) {
			const codes = new Int32Array(n).fill(-1);
			codes.set(c.codes.subarray(0, Math.min(n, c.codes.length)));
			scores.set(key, { codes, values: c.raw });
		}
		return {
			size: n,
			item: this.#item.slice(0, n),
			rater: this.#rater.slice(0, n),
			rubric: this.#rubric.slice(0, n),
			submittedAt: this.#submittedAt.slice(0, n),
			timeSpentMs: this.#timeSpentMs.slice(0, n),
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

/** The evaluations in the filter: submitted in [from, to), of items of the modality and language. */
export function selectScope(c: EvaluationColumns, f: ScopeFilter): Scope {
	const modality = f.modality ? c.modalities.indexOf(f.modality) : -2;
	const language = f.language ? c.languages.indexOf(f.language) : -2;
	if (modality === -1 || language === -1) return new Int32Array(0);
	const from = f.from ?? -Infinity;
	const to = f.to ?? Infinity;
	const out = new Int32Array(c.size);
	let k = 0;
	for (let i = 0; i < c.size; i++) {
		const t = c.submittedAt[i];
		if (t < from || t >= to) continue;
		const item = c.item[i];
		if (modality >= 0 && c.itemModality[item] !== modality) continue;
		if (language >= 0 && c.itemLanguage[item] !== language) continue;
		out[k++] = i;
	}
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
