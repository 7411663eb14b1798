// Items a lead can put into a calibration session, filtered by modality and language, ranked by how much their
// existing submitted evaluations disagree (or newest first), a page at a time. Only items the rubric has
// dimensions for qualify. Disagreement is the agreement dashboard's (server/domain/agreement-items.ts
// disagreementRanking: the engine's per-item disagreement averaged over the item's scored dimensions), computed
// on the project's figures snapshot (server/db/agreement-figures.ts) and memoised there, so the dashboard and
// the candidates share one ranking and one copy of the evaluations.
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { SeqCache } from './project-counts';
import { items } from '../../drizzle/schema';
import type { CandidateItem } from '#shared/calibration';
import { dimensionsFor, type Rubric } from '#shared/rubric';
import { MODALITIES, type Modality } from '#shared/items';
import type { PageRequest } from '#shared/paging';
import { itemsByIds } from './items';
import { pageInMemory, sortInMemory, type MemoryKeyset } from './paging';
import { memoised, type AgreementFigures, type FiguresSnapshot } from './agreement-figures';
import { columnRatingSet } from '../domain/agreement-ratings';
import { disagreementRanking } from '../domain/agreement-items';
import { itemExcerpt } from '#shared/item-excerpt';

export interface CandidateFilter extends PageRequest {
	modality?: string;
	language?: string;
	sort: 'disagreement' | 'recent';
}

/** What ranks a candidate: its disagreement (none: below every value), then evaluations, then import order. */
interface Ranked {
	id: string;
	createdAt: number;
	evaluations: number;
	disagreement: number | null;
}

const byId = { type: 'text' as const, of: (r: Ranked) => r.id };
const createdAt = { type: 'number' as const, of: (r: Ranked) => r.createdAt };
const ORDERS: Record<CandidateFilter['sort'], MemoryKeyset<Ranked>> = {
	disagreement: {
		name: 'candidates:disagreement',
		keys: [
			{ type: 'number', dir: 'desc', of: (r) => r.disagreement ?? -1 },
			{ type: 'number', dir: 'desc', of: (r) => r.evaluations },
			{ ...createdAt, dir: 'asc' },
			{ ...byId, dir: 'asc' }
		]
	},
	recent: {
		name: 'candidates:recent',
		keys: [
			{ ...createdAt, dir: 'desc' },
			{ ...byId, dir: 'desc' }
		]
	}
};

/**
 * Rankings computed lately, by project, rubric and filter, each valid while the project's evaluation seq stays
 * where it was (it moves with every change to its submitted evaluations and with imports, on every node): the
 * next pages of a list, and other leads opening the picker, reuse it. A few at most.
 */
const recent = new SeqCache<Map<CandidateFilter['sort'], Ranked[]>>(8);

/** The qualifying items in the filter's sort order. */
async function rankedCandidates(
	db: Db,
	figures: AgreementFigures,
	projectId: string,
	rubric: Rubric,
	f: CandidateFilter
): Promise<Ranked[]> {
	const key = JSON.stringify([projectId, rubric.id, f.modality ?? '', f.language ?? '']);
	// Never stale: a lead picking items right after a submission sees it (the snapshot waits for its rebuild).
	const { snapshot } = await figures.snapshot(projectId, { current: true });
	const sorted = await recent.get(
		db,
		key,
		snapshot.seq,
		async () =>
			new Map([[f.sort, sortInMemory(ORDERS[f.sort], await rankCandidates(db, snapshot, projectId, rubric, f))]])
	);
	if (!sorted.has(f.sort)) sorted.set(f.sort, sortInMemory(ORDERS[f.sort], sorted.values().next().value!));
	return sorted.get(f.sort)!;
}

/** Each item's disagreement over all the project's submitted evaluations (items not ranked are absent). */
function disagreementByItem(snapshot: FiguresSnapshot): Map<string, number> {
	return memoised(
		snapshot,
		'candidates disagreement',
		() => {
			const { set, order, mean } = disagreementRanking(columnRatingSet(snapshot.columns, null, snapshot.rubrics));
			return new Map(Array.from(order, (i) => [set.itemIds[i], mean[i]]));
		},
		'heavy'
	);
}

/** Every qualifying item with its disagreement over all the project's submitted evaluations. */
async function rankCandidates(
	db: Db,
	snapshot: FiguresSnapshot,
	projectId: string,
	rubric: Rubric,
	f: CandidateFilter
): Promise<Ranked[]> {
	const modalities = MODALITIES.filter((m) => dimensionsFor(rubric, m).length > 0);
	const conds: SQL[] = [eq(items.projectId, projectId), inArray(items.modality, modalities.length ? modalities : [''])];
	if (f.modality) conds.push(eq(items.modality, f.modality));
	if (f.language) conds.push(eq(items.language, f.language));
	const qualifying = await db
		.select({ id: items.id, modality: items.modality, createdAt: items.createdAt, evaluations: items.submittedCount })
		.from(items)
		.where(and(...conds));
	const ranked = disagreementByItem(snapshot);
	return qualifying.map((r) => ({
		id: r.id,
		createdAt: r.createdAt,
		evaluations: r.evaluations,
		disagreement: ranked.get(r.id) ?? null
	}));
}

/**
 * One page of the items a lead may calibrate on, with how many items qualify. The ranking needs every submitted
 * evaluation of the project (disagreement is relative to the whole set), so it is computed over them and kept
 * until they change; only the page's items are read whole.
 */
export async function calibrationCandidates(
	db: Db,
	figures: AgreementFigures,
	projectId: string,
	rubric: Rubric,
	f: CandidateFilter
): Promise<{ items: CandidateItem[]; total: number; nextCursor: string | null }> {
	const candidates = await rankedCandidates(db, figures, projectId, rubric, f);
	const page = pageInMemory(ORDERS[f.sort], candidates, f);
	const rows = new Map(
		(
			await itemsByIds(
				db,
				page.rows.map((r) => r.id)
			)
		).map((r) => [r.id, r])
	);
	return {
		items: page.rows.map((c) => {
			const r = rows.get(c.id)!;
			return {
				id: r.id,
				externalId: r.externalId,
				modality: r.modality,
				language: r.language,
				excerpt: itemExcerpt({ modality: r.modality as Modality, payload: r.payload }, 160),
				evaluations: c.evaluations,
				disagreement: c.disagreement,
				hasGold: r.gold !== null
			};
		}),
		total: candidates.length,
		nextCursor: page.nextCursor
	};
}
