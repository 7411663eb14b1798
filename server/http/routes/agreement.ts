// Agreement dashboard API for leads and managers ('agreement.read'), computed from submitted evaluations:
//   GET /projects/:pid/agreement            per dimension (by=evaluator adds each evaluator vs the others, consensus, gold)
//   GET /projects/:pid/agreement/items      the most-disagreed items (to open an adjudication)
//   GET /projects/:pid/agreement/matrix     evaluator × evaluator kappa and percent agreement for one dimension
//   GET /projects/:pid/agreement/timeline   agreement per day or week
//   GET /projects/:pid/throughput           evaluations per day or week, time per item, item turnaround
// Every query is zod-validated and takes from/to/modality/language/dimension; `format=csv` returns the same table
// as CSV. Reads happen here (server/db/agreement.ts); figures are assembled by pure domain modules.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { Validation } from '../../domain/errors';
import { latestRubrics } from '../../db/projects';
import {
	latestEscalationsOf,
	evaluatorsOf,
	goldScoresOf,
	itemFactsOf,
	projectOverlap,
	rubricsOf,
	scopeOptions,
	submittedEvaluations
} from '../../db/agreement';
import { dimensionPlans, ratingSet, type ScoredEvaluation } from '../../domain/agreement-ratings';
import { agreementReport } from '../../domain/agreement-report';
import { rankDisagreedItems } from '../../domain/agreement-items';
import { agreementMatrix } from '../../domain/agreement-matrix';
import { agreementTimeline } from '../../domain/agreement-timeline';
import { throughputReport } from '../../domain/throughput';
import { chooseBucket } from '../../domain/time-buckets';
import {
	dimensionsCsv,
	disagreementCsv,
	evaluatorsCsv,
	matrixCsv,
	throughputCsv,
	timelineCsv
} from '../../domain/agreement-csv';
import {
	agreementFilterSchema,
	agreementQuerySchema,
	dateParamToMs,
	disagreementQuerySchema,
	timelineQuerySchema,
	type AgreementFilters,
	type DisagreedItemView,
	type FilterOptions
} from '#shared/agreement-report';
import type { Rubric } from '#shared/rubric';
import type { Modality } from '#shared/items';
import { itemExcerpt } from '#shared/item-excerpt';

type Ctx = Context<AppEnv>;
type FilterQuery = { from?: string; to?: string; modality?: string; language?: string; dimension?: string };

interface Scope {
	pid: string;
	filters: AgreementFilters;
	rows: ScoredEvaluation[];
	rubrics: Rubric[];
	projectRubrics: Rubric[];
}

/** Role check, filter validation that needs the project (dimension key, date order), and the rows in scope. */
async function openScope(c: Ctx, q: FilterQuery): Promise<Scope> {
	const pid = c.req.param('pid')!;
	await requireProject(c, pid, 'agreement.read');
	const from = q.from === undefined ? null : dateParamToMs(q.from, false);
	const to = q.to === undefined ? null : dateParamToMs(q.to, true);
	if (from !== null && to !== null && from >= to)
		throw Validation('The date range is empty', [{ path: 'to', message: 'must be after from' }]);
	const { db } = c.var.deps;
	const projectRubrics = await latestRubrics(db, pid);
	const rows = await submittedEvaluations(db, pid, {
		from: from ?? undefined,
		to: to ?? undefined,
		modality: q.modality,
		language: q.language
	});
	const rubrics = await rubricsOf(db, rows);
	if (q.dimension && !dimensionPlans([...projectRubrics, ...rubrics]).some((p) => p.key === q.dimension)) {
		throw Validation(`No scored dimension "${q.dimension}" in this project's rubrics`, [
			{ path: 'dimension', message: 'unknown dimension' }
		]);
	}
	const filters: AgreementFilters = {
		from,
		to,
		modality: q.modality ?? null,
		language: q.language ?? null,
		dimension: q.dimension ?? null
	};
	return { pid, filters, rows, rubrics, projectRubrics };
}

function people(c: Ctx, rows: readonly ScoredEvaluation[]): ReturnType<typeof evaluatorsOf> {
	return evaluatorsOf(
		c.var.deps.db,
		rows.map((r) => r.evaluatorId)
	);
}

function csv(c: Ctx, name: string, body: string) {
	return c.body(body, 200, {
		'content-type': 'text/csv; charset=utf-8',
		'content-disposition': `attachment; filename="${name}.csv"`
	});
}

async function filterOptions(c: Ctx, s: Scope): Promise<FilterOptions> {
	const dimensions = dimensionPlans(s.projectRubrics).map(({ key, label, scale, level }) => ({
		key,
		label,
		scale,
		level
	}));
	return { dimensions, ...(await scopeOptions(c.var.deps.db, s.pid)) };
}

const app = new Hono<AppEnv>();
const FIGURES = { 'application/json': 'the figures (default)', 'text/csv': 'the same table with format=csv' };

app.get(
	'/projects/:pid/agreement',
	doc('agreement', 'Agreement per dimension (or per evaluator with by=evaluator)', 'lead, manager', {
		produces: FIGURES
	}),
	validate('query', agreementQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const byEvaluator =
			q.by === 'evaluator'
				? {
						gold: await goldScoresOf(
							c.var.deps.db,
							s.rows.map((r) => r.itemId)
						),
						people: await people(c, s.rows)
					}
				: undefined;
		const report = agreementReport({
			rows: s.rows,
			rubrics: s.rubrics,
			filters: s.filters,
			options: await filterOptions(c, s),
			byEvaluator
		});
		if (q.format === 'csv')
			return q.by === 'evaluator'
				? csv(c, `agreement-by-evaluator-${s.pid}`, evaluatorsCsv(report))
				: csv(c, `agreement-${s.pid}`, dimensionsCsv(report));
		return c.json(report);
	}
);

app.get(
	'/projects/:pid/agreement/items',
	doc('agreement', 'The most-disagreed items', 'lead, manager', { produces: FIGURES }),
	validate('query', disagreementQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const { db } = c.var.deps;
		// Items everyone agreed on are not "disagreed": the list holds only items with some disagreement.
		const ratings = ratingSet(s.rows, s.rubrics, s.filters.dimension);
		const ranked = rankDisagreedItems(ratings, await people(c, s.rows)).filter((r) => r.disagreement > 0);
		const top = ranked.slice(0, q.limit);
		const facts = await itemFactsOf(
			db,
			top.map((r) => r.itemId)
		);
		const escalations = await latestEscalationsOf(
			db,
			top.map((r) => r.itemId)
		);
		const items: DisagreedItemView[] = top.map((r) => {
			const f = facts.get(r.itemId);
			return {
				...r,
				externalId: f?.externalId ?? null,
				modality: f?.modality ?? '',
				language: f?.language ?? '',
				excerpt: f ? itemExcerpt({ modality: f.modality as Modality, payload: f.payload }) : '',
				escalation: escalations.get(r.itemId) ?? null
			};
		});
		const list = { filters: s.filters, total: ranked.length, items };
		return q.format === 'csv' ? csv(c, `most-disagreed-items-${s.pid}`, disagreementCsv(list)) : c.json(list);
	}
);

app.get(
	'/projects/:pid/agreement/matrix',
	doc('agreement', 'Evaluator × evaluator agreement for one dimension', 'lead, manager', { produces: FIGURES }),
	validate('query', agreementFilterSchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const ratings = ratingSet(s.rows, s.rubrics, s.filters.dimension);
		const matrix = agreementMatrix(ratings, s.filters, await people(c, s.rows));
		return q.format === 'csv' ? csv(c, `agreement-matrix-${s.pid}`, matrixCsv(matrix)) : c.json(matrix);
	}
);

app.get(
	'/projects/:pid/agreement/timeline',
	doc('agreement', 'Agreement per day or week', 'lead, manager', { produces: FIGURES }),
	validate('query', timelineQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		// A point needs several completed items to say anything: daily points only when items complete that fast.
		const density = { events: new Set(s.rows.map((r) => r.itemId)).size, minPerDay: 5 };
		const bucket = chooseBucket(q.bucket, s.rows[0]?.submittedAt ?? null, s.rows.at(-1)?.submittedAt ?? null, density);
		const timeline = agreementTimeline(ratingSet(s.rows, s.rubrics, s.filters.dimension), s.rows, s.filters, bucket);
		return q.format === 'csv' ? csv(c, `agreement-timeline-${s.pid}`, timelineCsv(timeline)) : c.json(timeline);
	}
);

app.get(
	'/projects/:pid/throughput',
	doc('agreement', 'Evaluations per day or week, time per item, turnaround', 'lead, manager', { produces: FIGURES }),
	validate('query', timelineQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const bucket = chooseBucket(q.bucket, s.rows[0]?.submittedAt ?? null, s.rows.at(-1)?.submittedAt ?? null);
		const report = throughputReport({
			rows: s.rows,
			filters: s.filters,
			bucket,
			people: await people(c, s.rows),
			overlap: await projectOverlap(c.var.deps.db, s.pid)
		});
		return q.format === 'csv' ? csv(c, `throughput-${s.pid}`, throughputCsv(report)) : c.json(report);
	}
);

export default app;
