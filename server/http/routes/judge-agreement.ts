// "Humans and judges" for leads and managers ('agreement.read'):
//   GET /projects/:pid/agreement/judges?from=&to=&modality=&language=&dimension=&judgeId=&guidelineVersionId=&bucket=
// The dashboard's filters apply as they do to the people's figures (agreement-filters.ts, domain/agreement-scope.ts):
// the people's evaluations submitted in the period and the judges' scores made in it, on items of the modality
// and language asked.
// Per judge and dimension: the judge against each item's human reference and against each evaluator, by guideline
// version and over time, the items where it differs most (each with its escalation to open), and agreement split
// by whether a judge's suggestion was shown. Computed from the project's figures snapshot (the people's ratings,
// kept per project under its evaluation seq: server/db/agreement-figures.ts) and the judge scores, read once per
// state of them (their count and times) and kept on that snapshot; answers are memoised per snapshot, judge
// scores, gold, names and query. Only the escalations and item facts of the listed items are read per request.
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { NotFound, Validation } from '../../domain/errors';
import { evaluatorsOf, itemFactsOf, latestEscalationsOf } from '../../db/agreement';
import { agreementFiguresFor, memoised, type FiguresSnapshot } from '../../db/agreement-figures';
import {
	guidelineVersionLabels,
	judgeScoresStamp,
	projectGoldAnswers,
	projectJudgeScores,
	projectJudges,
	suggestedEvaluations
} from '../../db/judge-agreement';
import { columnRatingSet, dimensionPlans, type RatingSet } from '../../domain/agreement-ratings';
import { judgeAgreementReport } from '../../domain/judge-agreement-report';
import { judgeScoresInScope, newestPerItem, type JudgeScoreRow } from '../../domain/judge-agreement';
import { agreementFilters, evaluationsInScope } from '../agreement-filters';
import { DAY_MS } from '../../domain/time-buckets';
import { judgeAgreementQuerySchema, type DifferingItemView, type JudgeAgreementReport } from '#shared/judge-agreement';
import type { Modality } from '#shared/items';
import type { AgreementFilters } from '#shared/agreement-report';
import { itemExcerpt } from '#shared/item-excerpt';

type Ctx = Context<AppEnv>;

/** A value computed once per snapshot and key, forgotten if it fails (so the next request tries again). */
function memoisedAsync<T>(
	snapshot: FiguresSnapshot,
	key: string,
	compute: () => Promise<T>,
	kind: 'answer' | 'heavy'
): Promise<T> {
	const value = memoised(snapshot, key, compute, kind);
	value.catch(() => {
		if (snapshot.memo[kind].get(key) === value) snapshot.memo[kind].delete(key);
	});
	return value;
}

/** The judge scores of the project as they stand (`stamp`), read once per snapshot. */
function judgeScoresOf(c: Ctx, snapshot: FiguresSnapshot, stamp: string): Promise<JudgeScoreRow[]> {
	return memoisedAsync(
		snapshot,
		`judge-scores ${stamp}`,
		() => projectJudgeScores(c.var.deps.db, snapshot.projectId),
		'heavy'
	);
}

/** The people's ratings in the filters' scope (one dimension, or all), once per snapshot and filters. */
function ratingsInScope(snapshot: FiguresSnapshot, filters: AgreementFilters): RatingSet {
	return memoised(
		snapshot,
		`judge-ratings ${JSON.stringify(filters)}`,
		() => columnRatingSet(snapshot.columns, evaluationsInScope(snapshot, filters), snapshot.rubrics, filters.dimension),
		'heavy'
	);
}

/**
 * The project's active judges with scores, each with its newest score per item among those the filters keep, to
 * add as raters to the people's figures when a lead asks (`includeJudges=1`); `stamp` names the state of the judge
 * scores for memo keys.
 */
export async function judgesAsRaters(c: Ctx, snapshot: FiguresSnapshot, filters: AgreementFilters) {
	const { db } = c.var.deps;
	const stamp = await judgeScoresStamp(db, snapshot.projectId);
	const judges = (await projectJudges(db, snapshot.projectId)).filter((j) => !j.archived);
	const scores = judgeScoresInScope(await judgeScoresOf(c, snapshot, stamp), filters);
	const included = judges
		.map((j) => ({ id: j.id, name: j.name, newest: newestPerItem(scores.filter((s) => s.judgeId === j.id)) }))
		.filter((j) => j.newest.size > 0);
	return { stamp, judges: included };
}

const digest = (value: unknown) =>
	createHash('sha1')
		.update(JSON.stringify(value, (_, v: unknown) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)))
		.digest('base64url');

/** Weeks, or months once the judge's scores span more than half a year. */
function bucketFor(requested: 'auto' | 'week' | 'month', scores: readonly JudgeScoreRow[]): 'week' | 'month' {
	if (requested !== 'auto') return requested;
	if (!scores.length) return 'week';
	let min = Infinity;
	let max = -Infinity;
	for (const s of scores) {
		min = Math.min(min, s.createdAt);
		max = Math.max(max, s.createdAt);
	}
	return max - min > 182 * DAY_MS ? 'month' : 'week';
}

const app = new Hono<AppEnv>();

app.get(
	'/projects/:pid/agreement/judges',
	doc(
		'agreement',
		'Humans and judges: each judge against the human reference (gold, consensus, verdict, else the majority or median of the people) and each evaluator, per dimension, by guideline version and over time, with the items where it differs most',
		'lead, manager'
	),
	validate('query', judgeAgreementQuerySchema),
	async (c) => {
		const q = c.req.valid('query');
		const pid = c.req.param('pid');
		await requireProject(c, pid, 'agreement.read');
		const { db } = c.var.deps;
		const filters = agreementFilters(q);
		const { snapshot, freshness } = await agreementFiguresFor(c.var.deps).figures.snapshot(pid);
		if (q.dimension && !dimensionPlans(snapshot.rubrics).some((p) => p.key === q.dimension))
			throw Validation(`No scored dimension "${q.dimension}" in this project's rubrics`, [
				{ path: 'dimension', message: 'unknown dimension' }
			]);
		const allJudges = await projectJudges(db, pid);
		const judges = q.judgeId ? allJudges.filter((j) => j.id === q.judgeId) : allJudges;
		if (q.judgeId && !judges.length) throw NotFound('No such judge in this project');
		const versionLabels = await guidelineVersionLabels(db, pid);
		const version =
			q.guidelineVersionId === undefined ? null : q.guidelineVersionId === 'none' ? '' : q.guidelineVersionId;
		if (version && !versionLabels.has(version))
			throw Validation('No such guideline version in this project', [
				{ path: 'guidelineVersionId', message: 'unknown guideline version (or "none")' }
			]);
		const stamp = await judgeScoresStamp(db, pid);
		const gold = await projectGoldAnswers(db, pid);
		const people = await evaluatorsOf(db, snapshot.columns.raterIds);
		const key = `judge-agreement ${stamp} ${digest([q, gold, judges, people, versionLabels])}`;
		const figures = await memoisedAsync(
			snapshot,
			key,
			async () => {
				const wanted = new Set(judges.map((j) => j.id));
				const scores = judgeScoresInScope(await judgeScoresOf(c, snapshot, stamp), filters).filter((s) =>
					wanted.has(s.judgeId)
				);
				const suggested = await suggestedEvaluations(db, pid);
				return judgeAgreementReport({
					set: ratingsInScope(snapshot, filters),
					rubrics: snapshot.rubrics,
					dimension: q.dimension ?? null,
					gold,
					judges,
					scores,
					people,
					versionLabels,
					suggested,
					guidelineVersionId: version,
					bucket: bucketFor(q.bucket, scores),
					filters: {
						from: filters.from,
						to: filters.to,
						modality: filters.modality,
						language: filters.language,
						dimension: q.dimension ?? null,
						judgeId: q.judgeId ?? null,
						guidelineVersionId: q.guidelineVersionId ?? null,
						bucket: q.bucket
					}
				});
			},
			'answer'
		);
		// Escalations move without the figures: read for the listed items on each request (a bounded list).
		const ids = [...new Set(figures.judges.flatMap((j) => j.differing.map((d) => d.itemId)))];
		const facts = await itemFactsOf(db, ids);
		const escalations = await latestEscalationsOf(db, ids);
		const report: JudgeAgreementReport = {
			...figures,
			judges: figures.judges.map((j) => ({
				...j,
				differing: j.differing.map((d): DifferingItemView => {
					const f = facts.get(d.itemId);
					const escalation = escalations.get(d.itemId) ?? null;
					return {
						...d,
						externalId: f?.externalId ?? null,
						modality: f?.modality ?? '',
						excerpt: f ? itemExcerpt({ modality: f.modality as Modality, payload: f.payload }) : '',
						escalation,
						href: escalation ? `/projects/${pid}/escalations/${escalation.id}` : `/projects/${pid}/items/${d.itemId}`
					};
				})
			})),
			...freshness
		};
		return c.json(report);
	}
);

export default app;
