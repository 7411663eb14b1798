// Read queries for exports, run on an export's private snapshot (see server/export/snapshot.ts): the long ones are
// streamed (a statement iterator on SQLite, a cursor read in pages on PostgreSQL), so rows arrive a few at a time
// whatever the export's size; what an export needs per item (evaluations, verdicts) streams alongside the items in
// the same order rather than as one query per item. Standard SQL, the same text on both dialects. Orders are deterministic (no random id
// decides an order unless everything before it is equal) and text is ordered by its bytes on both dialects (SQLite's
// BINARY; PostgreSQL's "C" collation), so both give the same file. JSON columns come back as text; callers parse
// them.
import { sql, type SQL } from 'drizzle-orm';
import type { Snapshot } from '../export/snapshot';

export interface ExportFilters {
	/** Inclusive lower bound, ms since the epoch. */
	from?: number;
	/** Exclusive upper bound, ms since the epoch. */
	to?: number;
	/** Evaluation formats: draft | submitted (absent: both). Escalations: an escalation state. */
	state?: string;
	rubricVersion?: number;
	guidelineVersionId?: string;
}

export interface EvaluationRow {
	id: string;
	item_id: string;
	item_external_id: string | null;
	modality: string;
	language: string;
	evaluator_id: string;
	evaluator_name: string;
	rubric_id: string;
	rubric_version: number;
	guideline_version_id: string | null;
	guideline_version: number | null;
	state: 'draft' | 'submitted';
	scores: string;
	flags: string;
	tags: string;
	spans: string;
	rationale: string;
	sources: string;
	time_spent_ms: number;
	created_at: number;
	updated_at: number;
	submitted_at: number | null;
	item_created_at: number;
}

export interface ItemRow {
	id: string;
	external_id: string | null;
	modality: string;
	payload: string;
	language: string;
	metadata: string;
	gold: string | null;
	created_at: number;
}

/** ` AND …` for each filter that is set, from the SQL condition of each filter name given its value. */
function conditions(
	f: ExportFilters,
	sqlFor: Partial<Record<keyof ExportFilters, (value: string | number) => SQL>>
): SQL {
	const where: SQL[] = [];
	for (const [key, condition] of Object.entries(sqlFor) as [keyof ExportFilters, (value: string | number) => SQL][]) {
		const value = f[key];
		if (value === undefined || value === '') continue;
		where.push(sql` AND ${condition(value)}`);
	}
	return sql.join(where);
}

/** A text column in ORDER BY, compared by its bytes as SQLite does (PostgreSQL would use the database's locale). */
function byBytes(snap: Snapshot, column: string): SQL {
	return sql.raw(snap.dialect === 'postgres' ? `${column} COLLATE "C"` : column);
}

const evaluationConditions = (f: ExportFilters) =>
	conditions(f, {
		state: (v) => sql`e.state = ${v}`,
		rubricVersion: (v) => sql`e.rubric_version = ${v}`,
		guidelineVersionId: (v) => sql`e.guideline_version_id = ${v}`,
		from: (v) => sql`COALESCE(e.submitted_at, e.updated_at) >= ${v}`,
		to: (v) => sql`COALESCE(e.submitted_at, e.updated_at) < ${v}`
	});

const EVALUATION_SELECT = sql.raw(`SELECT e.id, e.item_id, i.external_id AS item_external_id, i.modality, i.language,
	e.evaluator_id, u.name AS evaluator_name, e.rubric_id, e.rubric_version, e.guideline_version_id,
	gv.number AS guideline_version, e.state, e.scores, e.flags, e.tags, e.spans, e.rationale, e.sources, e.time_spent_ms,
	e.created_at, e.updated_at, e.submitted_at, i.created_at AS item_created_at
	FROM evaluations e JOIN items i ON i.id = e.item_id JOIN users u ON u.id = e.evaluator_id
	LEFT JOIN guideline_versions gv ON gv.id = e.guideline_version_id`);

/** Every evaluation of the project matching the filters, by item (import order) then evaluator. */
export function iterateEvaluations(snap: Snapshot, projectId: string, f: ExportFilters): AsyncGenerator<EvaluationRow> {
	return snap.stream<EvaluationRow>(
		sql`${EVALUATION_SELECT} WHERE i.project_id = ${projectId}${evaluationConditions(f)}
			ORDER BY i.created_at, ${byBytes(snap, 'i.id')}, ${byBytes(snap, 'u.email')}, ${byBytes(snap, 'e.id')}`
	);
}

/** Rows that belong to items, handed out item by item while the items are read in export order (iterateItems). */
export interface RowsByItem<T> {
	/** The rows of `item`; ask for the items in the order iterateItems gives them. */
	of(item: Pick<ItemRow, 'id' | 'created_at'>): Promise<T[]>;
	/** Ends the underlying query (the export may stop before the last item). */
	close(): Promise<void>;
}

/**
 * Reads a stream ordered like the items (item created_at, item id) alongside them: one query for the whole export
 * instead of one per item. Rows of an item not asked for are passed by.
 */
function rowsByItem<T extends { item_id: string; item_created_at: number }>(rows: AsyncGenerator<T>): RowsByItem<T> {
	let head: IteratorResult<T> | undefined;
	// Item ids are ASCII (newId), so JavaScript's string order is the byte order the queries sort by.
	const before = (r: T, item: Pick<ItemRow, 'id' | 'created_at'>) =>
		r.item_created_at < item.created_at || (r.item_created_at === item.created_at && r.item_id < item.id);
	return {
		async of(item) {
			head ??= await rows.next();
			while (!head.done && before(head.value, item)) head = await rows.next();
			const out: T[] = [];
			while (!head.done && head.value.item_id === item.id) {
				out.push(head.value);
				head = await rows.next();
			}
			return out;
		},
		close: async () => {
			await rows.return(undefined);
		}
	};
}

/** The evaluations matching the filters of each item (of one modality, if given), by evaluator as above. */
export function evaluationsByItem(
	snap: Snapshot,
	projectId: string,
	f: ExportFilters,
	opts: { modality?: string } = {}
): RowsByItem<EvaluationRow> {
	const modality = opts.modality ? sql` AND i.modality = ${opts.modality}` : sql``;
	return rowsByItem(
		snap.stream<EvaluationRow>(
			sql`${EVALUATION_SELECT} WHERE i.project_id = ${projectId}${modality}${evaluationConditions(f)}
				ORDER BY i.created_at, ${byBytes(snap, 'i.id')}, ${byBytes(snap, 'u.email')}, ${byBytes(snap, 'e.id')}`
		)
	);
}

export function iterateItems(
	snap: Snapshot,
	projectId: string,
	opts: { modality?: string } = {}
): AsyncGenerator<ItemRow> {
	const modality = opts.modality ? sql` AND modality = ${opts.modality}` : sql``;
	return snap.stream<ItemRow>(
		sql`SELECT id, external_id, modality, payload, language, metadata, gold, created_at FROM items
			WHERE project_id = ${projectId}${modality} ORDER BY created_at, ${byBytes(snap, 'id')}`
	);
}

export interface GoldRow extends ItemRow {
	/** The latest calibration consensus for the item, if any (all four are null when there is none). */
	consensus_calibration_id: string | null;
	consensus_note: string | null;
	consensus_decided_by: string | null;
	consensus_decided_at: number | null;
}

export function iterateGold(snap: Snapshot, projectId: string): AsyncGenerator<GoldRow> {
	// The newest consensus of each item of the project (ties by calibration, so the pick is stable).
	return snap.stream<GoldRow>(
		sql`SELECT i.id, i.external_id, i.modality, i.payload, i.language, i.metadata, i.gold, i.created_at,
				c.calibration_id AS consensus_calibration_id, c.note AS consensus_note,
				c.decided_by_name AS consensus_decided_by, c.decided_at AS consensus_decided_at
			FROM items i LEFT JOIN (
				SELECT cc.item_id, cc.calibration_id, cc.note, u.name AS decided_by_name, cc.decided_at,
					row_number() OVER (PARTITION BY cc.item_id ORDER BY cc.decided_at DESC, ${byBytes(snap, 'cc.calibration_id')}) AS newest
				FROM calibration_consensus cc JOIN users u ON u.id = cc.decided_by
				WHERE cc.item_id IN (SELECT id FROM items WHERE project_id = ${projectId})
			) AS c ON c.item_id = i.id AND c.newest = 1
			WHERE i.project_id = ${projectId} AND i.gold IS NOT NULL ORDER BY i.created_at, ${byBytes(snap, 'i.id')}`
	);
}

/**
 * The verdict scores (JSON text) of each item's resolved escalations (of items of one modality, if given), the
 * latest first: the first of an item is its verdict.
 */
export function verdictsByItem(
	snap: Snapshot,
	projectId: string,
	opts: { modality?: string } = {}
): RowsByItem<{ scores: string }> {
	const modality = opts.modality ? sql` AND i.modality = ${opts.modality}` : sql``;
	return rowsByItem(
		snap.stream<{ scores: string; item_id: string; item_created_at: number }>(
			sql`SELECT e.verdict_scores AS scores, e.item_id, i.created_at AS item_created_at
				FROM escalations e JOIN items i ON i.id = e.item_id
				WHERE i.project_id = ${projectId}${modality} AND e.state = 'resolved' AND e.verdict_scores IS NOT NULL
				ORDER BY i.created_at, ${byBytes(snap, 'i.id')}, e.closed_at DESC NULLS LAST, ${byBytes(snap, 'e.id')}`
		)
	);
}

export interface EscalationRow {
	id: string;
	item_id: string;
	item_external_id: string | null;
	source: string;
	reason: string;
	note: string;
	dimension: string | null;
	state: string;
	opened_by_name: string | null;
	claimed_by_name: string | null;
	created_at: number;
	claimed_at: number | null;
	closed_at: number | null;
	verdict_scores: string | null;
	reason_code: string | null;
	verdict_note: string | null;
	guideline_version_id: string | null;
}

export function iterateEscalations(snap: Snapshot, projectId: string, f: ExportFilters): AsyncGenerator<EscalationRow> {
	const where = conditions(f, {
		state: (v) => sql`e.state = ${v}`,
		guidelineVersionId: (v) => sql`e.guideline_version_id = ${v}`,
		from: (v) => sql`e.created_at >= ${v}`,
		to: (v) => sql`e.created_at < ${v}`
	});
	return snap.stream<EscalationRow>(
		sql`SELECT e.id, e.item_id, i.external_id AS item_external_id, e.source, e.reason, e.note, e.dimension, e.state,
				o.name AS opened_by_name, c.name AS claimed_by_name, e.created_at, e.claimed_at, e.closed_at, e.verdict_scores,
				e.reason_code, e.verdict_note, e.guideline_version_id
			FROM escalations e JOIN items i ON i.id = e.item_id
			LEFT JOIN users o ON o.id = e.opened_by LEFT JOIN users c ON c.id = e.claimed_by
			WHERE e.project_id = ${projectId}${where} ORDER BY e.created_at, i.created_at, ${byBytes(snap, 'e.id')}`
	);
}

export interface GuidelineVersionRow {
	guideline_id: string;
	title: string;
	version_id: string;
	number: number;
	markdown: string;
	changelog: string;
	dimensions: string;
	published_by_name: string | null;
	published_at: number;
}

export function iterateGuidelineVersions(
	snap: Snapshot,
	projectId: string,
	f: ExportFilters
): AsyncGenerator<GuidelineVersionRow> {
	const where = conditions(f, {
		guidelineVersionId: (v) => sql`v.id = ${v}`,
		from: (v) => sql`v.published_at >= ${v}`,
		to: (v) => sql`v.published_at < ${v}`
	});
	return snap.stream<GuidelineVersionRow>(
		sql`SELECT g.id AS guideline_id, g.title, v.id AS version_id, v.number, v.markdown, v.changelog, v.dimensions,
				u.name AS published_by_name, v.published_at
			FROM guideline_versions v JOIN guidelines g ON g.id = v.guideline_id LEFT JOIN users u ON u.id = v.published_by
			WHERE g.project_id = ${projectId}${where} ORDER BY g.created_at, ${byBytes(snap, 'g.id')}, v.number`
	);
}

/** The escalations a guideline version resolved, by id. */
export function escalationsResolvedBy(snap: Snapshot): (versionId: string) => Promise<string[]> {
	return async (versionId) =>
		(
			await snap.rows<{ id: string }>(
				sql`SELECT escalation_id AS id FROM guideline_version_escalations WHERE version_id = ${versionId}
					ORDER BY ${byBytes(snap, 'escalation_id')}`
			)
		).map((r) => r.id);
}

export interface RubricRow {
	id: string;
	name: string;
	version: number;
	definition: string;
}

export function projectRubrics(snap: Snapshot, projectId: string): Promise<RubricRow[]> {
	return snap.rows<RubricRow>(
		sql`SELECT id, name, version, definition FROM rubrics WHERE project_id = ${projectId}
			ORDER BY created_at, version, ${byBytes(snap, 'id')}`
	);
}

export async function projectName(snap: Snapshot, projectId: string): Promise<string | null> {
	const [project] = await snap.rows<{ name: string }>(sql`SELECT name FROM projects WHERE id = ${projectId}`);
	return project?.name ?? null;
}
