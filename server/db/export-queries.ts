// Read queries for exports, run on an export's private snapshot connection (see server/export/snapshot.ts) and
// consumed with statement.iterate(), so rows stream one at a time. Orders are deterministic (no random id decides
// an order unless everything before it is equal). JSON columns come back as text; callers parse them.
import type Database from 'better-sqlite3';

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

type Params = Record<string, string | number>;

/** ` AND …` for each filter that is set (SQL per filter name), binding its value into `params`. */
function conditions(f: ExportFilters, sqlFor: Partial<Record<keyof ExportFilters, string>>, params: Params): string {
	let where = '';
	for (const [key, condition] of Object.entries(sqlFor) as [keyof ExportFilters, string][]) {
		const value = f[key];
		if (value === undefined || value === '') continue;
		params[key] = value;
		where += ` AND ${condition}`;
	}
	return where;
}

const EVALUATION_FILTERS = {
	state: 'e.state = @state',
	rubricVersion: 'e.rubric_version = @rubricVersion',
	guidelineVersionId: 'e.guideline_version_id = @guidelineVersionId',
	from: 'COALESCE(e.submitted_at, e.updated_at) >= @from',
	to: 'COALESCE(e.submitted_at, e.updated_at) < @to'
};

const evaluationConditions = (f: ExportFilters, params: Params) => conditions(f, EVALUATION_FILTERS, params);

const EVALUATION_COLUMNS = `e.id, e.item_id, i.external_id AS item_external_id, i.modality, i.language, e.evaluator_id,
	u.name AS evaluator_name, e.rubric_id, e.rubric_version, e.guideline_version_id, gv.number AS guideline_version, e.state,
	e.scores, e.flags, e.tags, e.spans, e.rationale, e.sources, e.time_spent_ms, e.created_at, e.updated_at, e.submitted_at`;

const EVALUATION_JOINS = `FROM evaluations e JOIN items i ON i.id = e.item_id JOIN users u ON u.id = e.evaluator_id
	LEFT JOIN guideline_versions gv ON gv.id = e.guideline_version_id`;

/** Every evaluation of the project matching the filters, by item (import order) then evaluator. */
export function iterateEvaluations(
	snap: Database.Database,
	projectId: string,
	f: ExportFilters
): IterableIterator<EvaluationRow> {
	const params: Params = { projectId };
	const where = evaluationConditions(f, params);
	return snap
		.prepare(
			`SELECT ${EVALUATION_COLUMNS} ${EVALUATION_JOINS} WHERE i.project_id = @projectId${where} ORDER BY i.created_at, i.id, u.email, e.id`
		)
		.iterate(params) as IterableIterator<EvaluationRow>;
}

/** A reusable lookup of one item's evaluations matching the filters. */
export function evaluationsOfItem(snap: Database.Database, f: ExportFilters): (itemId: string) => EvaluationRow[] {
	const params: Params = {};
	const where = evaluationConditions(f, params);
	const stmt = snap.prepare(
		`SELECT ${EVALUATION_COLUMNS} ${EVALUATION_JOINS} WHERE e.item_id = @itemId${where} ORDER BY u.email, e.id`
	);
	return (itemId) => stmt.all({ ...params, itemId }) as EvaluationRow[];
}

export function iterateItems(
	snap: Database.Database,
	projectId: string,
	opts: { modality?: string } = {}
): IterableIterator<ItemRow> {
	const modality = opts.modality ? ' AND modality = @modality' : '';
	return snap
		.prepare(
			`SELECT id, external_id, modality, payload, language, metadata, gold, created_at FROM items WHERE project_id = @projectId${modality} ORDER BY created_at, id`
		)
		.iterate({ projectId, ...(opts.modality ? { modality: opts.modality } : {}) }) as IterableIterator<ItemRow>;
}

export interface GoldRow extends ItemRow {
	/** JSON: the latest calibration consensus for the item, if any. */
	consensus: string | null;
}

export function iterateGold(snap: Database.Database, projectId: string): IterableIterator<GoldRow> {
	return snap
		.prepare(
			`SELECT i.id, i.external_id, i.modality, i.payload, i.language, i.metadata, i.gold, i.created_at,
				(SELECT json_object('calibrationId', cc.calibration_id, 'note', cc.note, 'decidedBy', u.name, 'decidedAt', cc.decided_at)
					FROM calibration_consensus cc JOIN users u ON u.id = cc.decided_by
					WHERE cc.item_id = i.id ORDER BY cc.decided_at DESC LIMIT 1) AS consensus
			FROM items i WHERE i.project_id = ? AND i.gold IS NOT NULL ORDER BY i.created_at, i.id`
		)
		.iterate(projectId) as IterableIterator<GoldRow>;
}

/** The verdict scores of the latest resolved escalation of an item (JSON text), if any. */
export function latestVerdict(snap: Database.Database): (itemId: string) => string | null {
	const stmt = snap.prepare(
		`SELECT verdict_scores AS scores FROM escalations WHERE item_id = ? AND state = 'resolved' AND verdict_scores IS NOT NULL ORDER BY closed_at DESC, id LIMIT 1`
	);
	return (itemId) => (stmt.get(itemId) as { scores: string } | undefined)?.scores ?? null;
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

export function iterateEscalations(
	snap: Database.Database,
	projectId: string,
	f: ExportFilters
): IterableIterator<EscalationRow> {
	const params: Params = { projectId };
	const where = conditions(
		f,
		{
			state: 'e.state = @state',
			guidelineVersionId: 'e.guideline_version_id = @guidelineVersionId',
			from: 'e.created_at >= @from',
			to: 'e.created_at < @to'
		},
		params
	);
	return snap
		.prepare(
			`SELECT e.id, e.item_id, i.external_id AS item_external_id, e.source, e.reason, e.note, e.dimension, e.state,
				o.name AS opened_by_name, c.name AS claimed_by_name, e.created_at, e.claimed_at, e.closed_at, e.verdict_scores,
				e.reason_code, e.verdict_note, e.guideline_version_id
			FROM escalations e JOIN items i ON i.id = e.item_id
			LEFT JOIN users o ON o.id = e.opened_by LEFT JOIN users c ON c.id = e.claimed_by
			WHERE e.project_id = @projectId${where} ORDER BY e.created_at, i.created_at, e.id`
		)
		.iterate(params) as IterableIterator<EscalationRow>;
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
	escalation_ids: string | null;
}

export function iterateGuidelineVersions(
	snap: Database.Database,
	projectId: string,
	f: ExportFilters
): IterableIterator<GuidelineVersionRow> {
	const params: Params = { projectId };
	const where = conditions(
		f,
		{ guidelineVersionId: 'v.id = @guidelineVersionId', from: 'v.published_at >= @from', to: 'v.published_at < @to' },
		params
	);
	return snap
		.prepare(
			`SELECT g.id AS guideline_id, g.title, v.id AS version_id, v.number, v.markdown, v.changelog, v.dimensions,
				u.name AS published_by_name, v.published_at,
				(SELECT group_concat(escalation_id, ',') FROM (SELECT escalation_id FROM guideline_version_escalations WHERE version_id = v.id ORDER BY escalation_id)) AS escalation_ids
			FROM guideline_versions v JOIN guidelines g ON g.id = v.guideline_id LEFT JOIN users u ON u.id = v.published_by
			WHERE g.project_id = @projectId${where} ORDER BY g.created_at, g.id, v.number`
		)
		.iterate(params) as IterableIterator<GuidelineVersionRow>;
}

export interface RubricRow {
	id: string;
	name: string;
	version: number;
	definition: string;
}

export function projectRubrics(snap: Database.Database, projectId: string): RubricRow[] {
	return snap
		.prepare('SELECT id, name, version, definition FROM rubrics WHERE project_id = ? ORDER BY created_at, version, id')
		.all(projectId) as RubricRow[];
}

export function projectName(snap: Database.Database, projectId: string): string | null {
	return (
		(snap.prepare('SELECT name FROM projects WHERE id = ?').get(projectId) as { name: string } | undefined)?.name ??
		null
	);
}
