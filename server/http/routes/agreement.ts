// Agreement dashboard API for leads and managers ('agreement.read'), computed from submitted evaluations:
//   GET /projects/:pid/agreement            per dimension (by=evaluator adds each evaluator vs the others, consensus, gold;
//                                           includeJudges=1 adds the active judges as raters, labelled; off by default)
//   GET /projects/:pid/agreement/items      the most-disagreed items (to open an adjudication), paged by cursor
//   GET /projects/:pid/agreement/matrix     evaluator × evaluator kappa and percent agreement for one dimension
//   GET /projects/:pid/agreement/timeline   agreement per day or week
//   GET /projects/:pid/throughput           evaluations per day or week, time per item, item turnaround
// Every query is zod-validated and takes from/to/modality/language/dimension; `format=csv` returns the same table
// as CSV. The evaluations come from the project's figures snapshot (server/db/agreement-figures.ts: columns kept
// per project, rebuilt after each change; JSON answers carry `computedAt` and `stale`); figures are computed by
// pure domain modules once per snapshot and query.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { Validation } from '../../domain/errors';
import { latestRubrics } from '../../db/projects';
import { projectFacetValues } from '../../db/project-counts';
import { decode, encode, type CursorShape } from '../../db/paging';
import { evaluatorsOf, itemFactsOf, latestEscalationsOf, projectGoldScores, projectOverlap } from '../../db/agreement';
import { agreementFiguresFor, memoised, type FiguresSnapshot } from '../../db/agreement-figures';
import { itemCompletions, type Scope as EvaluationScope } from '../../domain/agreement-columns';
import { agreementFilters, evaluationsInScope, type FilterQuery } from '../agreement-filters';
import { columnRatingSet, dimensionPlans, type RatingSet } from '../../domain/agreement-ratings';
import { agreementReport, dimensionView, type EvaluationsInScope, type Person } from '../../domain/agreement-report';
import { withJudgeRaters } from '../../domain/judge-raters';
import { judgesAsRaters } from './judge-agreement';
import { disagreementPage, disagreementRanking, type DisagreementKey } from '../../domain/agreement-items';
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
	disagreementQuerySchema,
	timelineQuerySchema,
	type AgreementFilters,
	type DisagreedItemView,
	type FilterOptions,
	type Freshness
} from '#shared/agreement-report';
import { PAGE_MAX } from '#shared/paging';
import type { Rubric } from '#shared/rubric';
import type { Modality } from '#shared/items';
import { itemExcerpt } from '#shared/item-excerpt';

type Ctx = Context<AppEnv>;

interface Scope {
	pid: string;
	filters: AgreementFilters;
	snapshot: FiguresSnapshot;
	freshness: Freshness;
	evaluations: EvaluationsInScope;
	/** Rubric versions the evaluations in scope were made with. */
	rubrics: Rubric[];
	projectRubrics: Rubric[];
	/** Names the memoised figures of this scope: route, then the filters. */
	key: string;
}

function rubricsInScope(snapshot: FiguresSnapshot, scope: EvaluationScope): Rubric[] {
	const c = snapshot.columns;
	const used = new Uint8Array(c.rubricIds.length);
	for (let k = 0; k < scope.length; k++) used[c.rubric[scope[k]]] = 1;
	const ids = new Set(c.rubricIds.filter((_, r) => used[r]));
	return snapshot.rubrics.filter((r) => ids.has(r.id));
}

/** Role check, filter validation that needs the project (dimension key, date order), and the evaluations in scope. */
async function openScope(c: Ctx, q: FilterQuery): Promise<Scope> {
	const pid = c.req.param('pid')!;
	await requireProject(c, pid, 'agreement.read');
	const filters = agreementFilters(q);
	const { db } = c.var.deps;
	const projectRubrics = await latestRubrics(db, pid);
	const { snapshot, freshness } = await agreementFiguresFor(c.var.deps).figures.snapshot(pid);
	const scope = evaluationsInScope(snapshot, filters);
	const rubrics = rubricsInScope(snapshot, scope);
	if (q.dimension && !dimensionPlans([...projectRubrics, ...rubrics]).some((p) => p.key === q.dimension)) {
		throw Validation(`No scored dimension "${q.dimension}" in this project's rubrics`, [
			{ path: 'dimension', message: 'unknown dimension' }
		]);
	}
	const key = `${c.req.routePath} ${JSON.stringify(filters)}`;
	return {
		pid,
		filters,
		snapshot,
		freshness,
		evaluations: { columns: snapshot.columns, scope },
		rubrics,
		projectRubrics,
		key
	};
}

/** The rating set of the scope (the dimension filter applied), computed once per snapshot. */
function ratingsOf(s: Scope): RatingSet {
	return memoised(
		s.snapshot,
		`ratings ${JSON.stringify(s.filters)}`,
		() => columnRatingSet(s.evaluations.columns, s.evaluations.scope, s.rubrics, s.filters.dimension),
		'heavy'
	);
}

/** Names of the project's evaluators, read on each request (a rename shows at once). */
function people(c: Ctx, s: Scope): Promise<Map<string, Person>> {
	return evaluatorsOf(c.var.deps.db, s.snapshot.columns.raterIds);
}

/** The memo key of figures that also show names (and gold): changed names or gold are new figures. */
const withFacts = (s: Scope, ...facts: unknown[]) =>
	`${s.key} ${JSON.stringify(facts, (_, v: unknown) => (v instanceof Map ? [...v] : v))}`;

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
	const facets = await projectFacetValues(c.var.deps.db, s.pid);
	return { dimensions, ...facets, first: s.snapshot.first, last: s.snapshot.last };
}

/** Cursors of the most-disagreed list: the ranking key of the last item shown. */
const disagreementCursor: CursorShape<DisagreementKey> = {
	name: 'agreement-items',
	keys: [
		{ type: 'number', of: (k) => k.disagreement },
		{ type: 'number', of: (k) => k.worst },
		{ type: 'text', of: (k) => k.itemId }
	]
};

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
				? { gold: await projectGoldScores(c.var.deps.db, s.pid), people: await people(c, s) }
				: undefined;
		const options = await filterOptions(c, s);
		const ratings = ratingsOf(s);
		// Human figures are the people's alone unless a lead asks for the judges (labelled in the answer).
		const judges = q.includeJudges === '1' ? await judgesAsRaters(c, s.snapshot, s.filters) : null;
		const report = memoised(
			s.snapshot,
			withFacts(s, q.by ?? null, byEvaluator, options, judges && [judges.stamp, judges.judges.map((j) => j.name)]),
			() => {
				const human = agreementReport({
					evaluations: s.evaluations,
					rubrics: s.rubrics,
					filters: s.filters,
					options,
					ratings,
					byEvaluator
				});
				if (!judges) return human;
				const joined = withJudgeRaters(ratings, judges.judges);
				return {
					...human,
					dimensions: joined.dimensions.map((d) => dimensionView(d)),
					includedJudges: judges.judges.map(({ id, name }) => ({ id, name }))
				};
			}
		);
		if (q.format === 'csv')
			return q.by === 'evaluator'
				? csv(c, `agreement-by-evaluator-${s.pid}`, evaluatorsCsv(report))
				: csv(c, `agreement-${s.pid}`, dimensionsCsv(report));
		const { intervals } = agreementFiguresFor(c.var.deps);
		const scopeKey = JSON.stringify([s.pid, s.filters.from, s.filters.to, s.filters.modality, s.filters.language]);
		const dimensions = report.dimensions.map((d) => {
			const rated = ratings.dimensions.find((r) => r.plan.key === d.key);
			// Intervals are kept for the people's figures only (they are cached under the evaluation seq alone).
			if (judges || d.metric !== 'alpha' || d.agreement.value === null || !rated) return d;
			const interval = intervals.view(`${scopeKey} ${d.key}`, s.snapshot.seq, s.snapshot.computedAt, () => ({
				table: rated.table,
				level: d.level
			}));
			return { ...d, interval };
		});
		return c.json({ ...report, dimensions, ...s.freshness });
	}
);

app.get(
	'/projects/:pid/agreement/items',
	doc('agreement', 'The most-disagreed items, paged by cursor', 'lead, manager', { produces: FIGURES }),
	validate('query', disagreementQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const { db } = c.var.deps;
		const limit = q.format === 'csv' ? q.limit : Math.min(q.limit, PAGE_MAX);
		let after: DisagreementKey | undefined;
		if (q.cursor !== undefined) {
			const [disagreement, worst, itemId] = decode(disagreementCursor, q.cursor);
			after = { disagreement: disagreement as number, worst: worst as number, itemId: itemId as string };
		}
		const ranking = memoised(s.snapshot, `ranking ${s.key}`, () => disagreementRanking(ratingsOf(s)), 'heavy');
		const page = disagreementPage(ranking, await people(c, s), { after, limit });
		const ids = page.items.map((r) => r.itemId);
		const facts = await itemFactsOf(db, ids);
		const escalations = await latestEscalationsOf(db, ids);
		const items: DisagreedItemView[] = page.items.map((r) => {
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
		const nextCursor = page.next ? encode(disagreementCursor, page.next) : null;
		const list = { filters: s.filters, total: page.total, items, nextCursor };
		return q.format === 'csv'
			? csv(c, `most-disagreed-items-${s.pid}`, disagreementCsv(list))
			: c.json({ ...list, ...s.freshness });
	}
);

app.get(
	'/projects/:pid/agreement/matrix',
	doc('agreement', 'Evaluator × evaluator agreement for one dimension', 'lead, manager', { produces: FIGURES }),
	validate('query', agreementFilterSchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const named = await people(c, s);
		const matrix = memoised(s.snapshot, withFacts(s, named), () => agreementMatrix(ratingsOf(s), s.filters, named));
		return q.format === 'csv'
			? csv(c, `agreement-matrix-${s.pid}`, matrixCsv(matrix))
			: c.json({ ...matrix, ...s.freshness });
	}
);

/** First and last submission in scope. */
function span(s: Scope): { first: number | null; last: number | null } {
	const { columns, scope } = s.evaluations;
	let first = Infinity;
	let last = -Infinity;
	for (let k = 0; k < scope.length; k++) {
		const at = columns.submittedAt[scope[k]];
		if (at < first) first = at;
		if (at > last) last = at;
	}
	return scope.length ? { first, last } : { first: null, last: null };
}

app.get(
	'/projects/:pid/agreement/timeline',
	doc('agreement', 'Agreement per day or week', 'lead, manager', { produces: FIGURES }),
	validate('query', timelineQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const timeline = memoised(s.snapshot, `${s.key} ${q.bucket}`, () => {
			const completed = itemCompletions(s.evaluations.columns, s.evaluations.scope);
			// A point needs several completed items to say anything: daily points only when items complete that fast.
			const density = { events: completed.size, minPerDay: 5 };
			const { first, last } = span(s);
			const bucket = chooseBucket(q.bucket, first, last, density);
			return agreementTimeline(ratingsOf(s), completed, s.filters, bucket);
		});
		return q.format === 'csv'
			? csv(c, `agreement-timeline-${s.pid}`, timelineCsv(timeline))
			: c.json({ ...timeline, ...s.freshness });
	}
);

app.get(
	'/projects/:pid/throughput',
	doc('agreement', 'Evaluations per day or week, time per item, turnaround', 'lead, manager', { produces: FIGURES }),
	validate('query', timelineQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const s = await openScope(c, q);
		const named = await people(c, s);
		const overlap = await projectOverlap(c.var.deps.db, s.pid);
		const report = memoised(s.snapshot, withFacts(s, q.bucket, named, overlap), () => {
			const { first, last } = span(s);
			const bucket = chooseBucket(q.bucket, first, last);
			const { columns, scope } = s.evaluations;
			return throughputReport({ columns, scope, filters: s.filters, bucket, people: named, overlap });
		});
		return q.format === 'csv'
			? csv(c, `throughput-${s.pid}`, throughputCsv(report))
			: c.json({ ...report, ...s.freshness });
	}
);

export default app;
