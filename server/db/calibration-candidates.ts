// Items a lead can put into a calibration session, filtered by modality and language, ranked by how much their
// existing submitted evaluations disagree (the agreement engine's per-item disagreement, averaged over the
// rubric's dimensions; or newest first), a page at a time. Only items the rubric has dimensions for qualify.
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { evaluations, items } from '../../drizzle/schema';
import type { CandidateItem } from '#shared/calibration';
import type { Scores } from '#shared/evaluation';
import { dimensionsFor, type Rubric } from '#shared/rubric';
import { MODALITIES, type Modality } from '#shared/items';
import type { PageRequest } from '#shared/paging';
import { itemsByIds } from './items';
import { pageInMemory, sortInMemory, type MemoryKeyset } from './paging';
import { evaluationSeq } from './project-counts';
import { rankDisagreement } from '../domain/calibration-agreement';
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
const recent = new Map<string, { seq: number; sorted: Map<CandidateFilter['sort'], Ranked[]> }>();
const RECENT_MAX = 8;

/** The qualifying items in the filter's sort order. */
async function rankedCandidates(db: Db, projectId: string, rubric: Rubric, f: CandidateFilter): Promise<Ranked[]> {
	const key = JSON.stringify([projectId, rubric.id, f.modality ?? '', f.language ?? '']);
	const seq = await evaluationSeq(db, projectId);
	let entry = recent.get(key);
	if (entry?.seq !== seq) {
		const ranked = await rankCandidates(db, projectId, rubric, f);
		entry = { seq, sorted: new Map([[f.sort, sortInMemory(ORDERS[f.sort], ranked)]]) };
	} else if (!entry.sorted.has(f.sort)) {
		const any = entry.sorted.values().next().value!;
		entry.sorted.set(f.sort, sortInMemory(ORDERS[f.sort], any));
	}
	recent.delete(key);
	recent.set(key, entry);
	if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value!);
	return entry.sorted.get(f.sort)!;
}

/** Every qualifying item with its disagreement over all the project's submitted evaluations. */
async function rankCandidates(db: Db, projectId: string, rubric: Rubric, f: CandidateFilter): Promise<Ranked[]> {
	const modalities = MODALITIES.filter((m) => dimensionsFor(rubric, m).length > 0);
	const conds: SQL[] = [eq(items.projectId, projectId), inArray(items.modality, modalities.length ? modalities : [''])];
	if (f.modality) conds.push(eq(items.modality, f.modality));
	if (f.language) conds.push(eq(items.language, f.language));
	const qualifying = await db
		.select({ id: items.id, modality: items.modality, createdAt: items.createdAt, evaluations: items.submittedCount })
		.from(items)
		.where(and(...conds));
	const modality = new Map(qualifying.map((r) => [r.id, r.modality]));
	const evaluated = await db
		.select({ itemId: evaluations.itemId, userId: evaluations.evaluatorId, scores: evaluations.scores })
		.from(evaluations)
		.where(and(eq(evaluations.projectId, projectId), eq(evaluations.state, 'submitted')));
	const ranked = rankDisagreement(
		(id) => dimensionsFor(rubric, modality.get(id) ?? ''),
		evaluated.filter((e) => modality.has(e.itemId)).map((e) => ({ ...e, scores: e.scores as Scores }))
	);
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
	projectId: string,
	rubric: Rubric,
	f: CandidateFilter
): Promise<{ items: CandidateItem[]; total: number; nextCursor: string | null }> {
	const candidates = await rankedCandidates(db, projectId, rubric, f);
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
