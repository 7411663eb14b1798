// Figures kept up to date with each write instead of counted on each read, so a project of 100,000 items reads as
// fast as the demo:
// - `projects.evaluation_seq` moves in the transaction of every change to what the project's evaluations add up
//   to. Figures computed from evaluations (queue progress, agreement) are cached under it: a cached figure is
//   current exactly while the seq it was computed under is the project's seq, on every node.
// - `items.submitted_count` (evaluators who submitted the item) and `items.wanted` (still below the project's
//   overlap): the queue looks for work among wanted items only, through an index. `items.touched` (anyone ever
//   reserved, skipped or evaluated it) lets queue progress count the untouched wanted items from an index.
// - `project_facets`: the modality/language pairs of a project's items with their counts, for filter menus.
import { and, eq, sql } from 'drizzle-orm';
import { exec, first, prepared, type Db } from './client';
import { items, projectFacets, projects, type ProjectSettings } from '../../drizzle/schema';

/**
 * Values computed from what a project's evaluations add up to (queue progress, filter values), kept per database
 * and key while the project's evaluation seq stands, and no longer than `maxAgeMs` for what moves without it.
 * Callers asking while a value is computed share that computation; a failed one is forgotten. At most `limit`
 * entries, the oldest dropped first.
 */
export class SeqCache<T> {
	readonly #byDb = new WeakMap<Db, Map<string, { seq: number; at: number; value: Promise<T> }>>();

	constructor(
		private readonly limit: number,
		private readonly maxAgeMs = Infinity
	) {}

	get(db: Db, key: string, seq: number, compute: () => Promise<T>): Promise<T> {
		let kept = this.#byDb.get(db);
		if (!kept) this.#byDb.set(db, (kept = new Map<string, { seq: number; at: number; value: Promise<T> }>()));
		const now = Date.now();
		const hit = kept.get(key);
		if (hit && hit.seq === seq && now - hit.at < this.maxAgeMs) return hit.value;
		const entry = { seq, at: now, value: compute() };
		kept.delete(key);
		if (kept.size >= this.limit) kept.delete(kept.keys().next().value as string);
		kept.set(key, entry);
		const entries = kept;
		entry.value.catch(() => {
			if (entries.get(key) === entry) entries.delete(key);
		});
		return entry.value;
	}
}

/** The project's evaluation seq (0 for an unknown project). */
export async function evaluationSeq(db: Db, projectId: string): Promise<number> {
	const found = await first(
		db.select({ seq: projects.evaluationSeq }).from(projects).where(eq(projects.id, projectId)).limit(1)
	);
	return found?.seq ?? 0;
}

/** Moves the project's evaluation seq (call inside the transaction of the change); returns its settings. */
export async function bumpEvaluationSeq(db: Db, projectId: string): Promise<ProjectSettings | undefined> {
	return (await bumpQuery(db, { projectId }))[0]?.settings;
}

const bumpQuery = prepared((db) =>
	db
		.update(projects)
		.set({ evaluationSeq: sql`${projects.evaluationSeq} + 1` })
		.where(eq(projects.id, sql.placeholder('projectId')))
		.returning({ settings: projects.settings })
		.prepare()
);

/**
 * An evaluation of the item became submitted (+1) or stopped being submitted (-1): moves its count and whether
 * it still wants evaluations under the project's overlap, and the project's seq; a submission also marks the item
 * touched (in the same statement, so a first save that submits needs no touchItem). Inside the save's transaction.
 */
export async function countSubmission(db: Db, projectId: string, itemId: string, delta: 1 | -1): Promise<void> {
	const settings = await bumpEvaluationSeq(db, projectId);
	await countQuery(db, { itemId, projectId, delta, overlap: settings?.overlap ?? 1 });
}

const countQuery = prepared((db) =>
	db
		.update(items)
		.set({
			submittedCount: sql`${items.submittedCount} + ${sql.placeholder('delta')}`,
			wanted: sql`(${items.submittedCount} + ${sql.placeholder('delta')} < ${sql.placeholder('overlap')})`,
			touched: true
		})
		.where(and(eq(items.id, sql.placeholder('itemId')), eq(items.projectId, sql.placeholder('projectId'))))
		.prepare()
);

/** Someone reserved, skipped or evaluated the item: marks it touched, once (inside the writing transaction). */
export async function touchItem(db: Db, itemId: string): Promise<void> {
	await touchQuery(db, { itemId });
}

const touchQuery = prepared((db) =>
	db
		.update(items)
		.set({ touched: true })
		.where(and(eq(items.id, sql.placeholder('itemId')), eq(items.touched, false)))
		.prepare()
);

/** Rebuilds the project's facets from its items and moves the seq: after an import added items. */
export async function recountFacets(db: Db, projectId: string): Promise<void> {
	await bumpEvaluationSeq(db, projectId);
	await rebuildFacets(db, projectId);
}

async function rebuildFacets(db: Db, projectId: string): Promise<void> {
	await db.delete(projectFacets).where(eq(projectFacets.projectId, projectId));
	await exec(
		db,
		sql`insert into project_facets (project_id, modality, language, items)
			select project_id, modality, language, count(*) from items where project_id = ${projectId}
			group by project_id, modality, language`
	);
}

/**
 * Recounts the project's items from the record (submissions per item, whether each still wants evaluations and
 * whether anyone touched it), its facets and seq: for writes that bypass the per-save counting (the demo seed, the scale generator).
 */
export async function recountProject(db: Db, projectId: string): Promise<void> {
	const settings = await bumpEvaluationSeq(db, projectId);
	await exec(
		db,
		sql`update items set submitted_count = (select count(*) from evaluations e where e.item_id = items.id and e.state = 'submitted')
			where project_id = ${projectId}`
	);
	await db
		.update(items)
		.set({ wanted: sql`(${items.submittedCount} < ${settings?.overlap ?? 1})` })
		.where(eq(items.projectId, projectId));
	await exec(
		db,
		sql`update items set touched = true where project_id = ${projectId} and touched = false
			and (exists (select 1 from assignments a where a.item_id = items.id)
				or exists (select 1 from evaluations e where e.item_id = items.id))`
	);
	await rebuildFacets(db, projectId);
}

interface FacetValues {
	modalities: string[];
	languages: string[];
}

/** Facet values read lately, per project; imports move the seq. */
const facetCache = new SeqCache<FacetValues>(1000);

/**
 * The modalities and languages of the project's items (sorted), from the facets table; with the project's seq
 * (read by the caller anyway), kept while it stands.
 */
export function projectFacetValues(db: Db, projectId: string, seq?: number): Promise<FacetValues> {
	if (seq === undefined) return readFacetValues(db, projectId);
	return facetCache.get(db, projectId, seq, () => readFacetValues(db, projectId));
}

async function readFacetValues(db: Db, projectId: string): Promise<FacetValues> {
	const found = await db
		.select({ modality: projectFacets.modality, language: projectFacets.language })
		.from(projectFacets)
		.where(eq(projectFacets.projectId, projectId));
	const sorted = (values: string[]) => [...new Set(values)].sort();
	return { modalities: sorted(found.map((r) => r.modality)), languages: sorted(found.map((r) => r.language)) };
}
