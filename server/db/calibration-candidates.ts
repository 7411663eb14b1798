// Items a lead can put into a calibration session, filtered by modality and language, ranked by how much their
// existing submitted evaluations disagree (the agreement engine's per-item disagreement, averaged over the
// rubric's dimensions; or newest first). Only items the rubric has dimensions for qualify.
import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { evaluations, items } from '../../drizzle/schema';
import type { CandidateItem } from '#shared/calibration';
import type { Scores } from '#shared/evaluation';
import { dimensionsFor, type Rubric } from '#shared/rubric';
import type { Modality } from '#shared/items';
import { rankDisagreement } from '../domain/calibration-agreement';
import { itemExcerpt } from '#shared/item-excerpt';

export interface CandidateFilter {
	modality?: string;
	language?: string;
	sort: 'disagreement' | 'recent';
	limit: number;
}

export async function calibrationCandidates(
	db: Db,
	projectId: string,
	rubric: Rubric,
	f: CandidateFilter
): Promise<{ items: CandidateItem[]; total: number }> {
	const conds: SQL[] = [eq(items.projectId, projectId)];
	if (f.modality) conds.push(eq(items.modality, f.modality));
	if (f.language) conds.push(eq(items.language, f.language));
	const rows = await db
		.select()
		.from(items)
		.where(and(...conds))
		.orderBy(asc(items.createdAt), asc(items.id));
	const evaluated = await db
		.select({ itemId: evaluations.itemId, userId: evaluations.evaluatorId, scores: evaluations.scores })
		.from(evaluations)
		.innerJoin(items, eq(items.id, evaluations.itemId))
		.where(and(eq(items.projectId, projectId), eq(evaluations.state, 'submitted')));
	const count = new Map<string, number>();
	for (const e of evaluated) count.set(e.itemId, (count.get(e.itemId) ?? 0) + 1);
	const modality = new Map(rows.map((r) => [r.id, r.modality]));
	const ranked = rankDisagreement(
		(id) => dimensionsFor(rubric, modality.get(id) ?? ''),
		evaluated.filter((e) => modality.has(e.itemId)).map((e) => ({ ...e, scores: e.scores as Scores }))
	);
	const out: CandidateItem[] = [];
	for (const r of rows) {
		if (!dimensionsFor(rubric, r.modality).length) continue;
		out.push({
			id: r.id,
			externalId: r.externalId,
			modality: r.modality,
			language: r.language,
			excerpt: itemExcerpt({ modality: r.modality as Modality, payload: r.payload }, 160),
			evaluations: count.get(r.id) ?? 0,
			disagreement: ranked.get(r.id) ?? null,
			hasGold: r.gold !== null
		});
	}
	if (f.sort === 'disagreement')
		out.sort((a, b) => (b.disagreement ?? -1) - (a.disagreement ?? -1) || b.evaluations - a.evaluations);
	else out.reverse();
	return { items: out.slice(0, f.limit), total: out.length };
}
