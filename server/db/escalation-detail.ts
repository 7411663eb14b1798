// Everything the adjudication room shows for one escalation: the item, every submitted evaluation, per-dimension
// agreement with conflicts marked, the model judges' scores (apart, never counted in that agreement), related
// escalations of the item, and the relevant guideline sections.
// Access is decided by the caller (route) before this is built. A `blind` detail (the blind rule, domain/blind.ts:
// an evaluator who escalated an item without having submitted her own evaluation) carries none of the other
// people's work nor anything derived from it: no evaluations, no judges' scores, no agreement or conflicts, no automatic escalations
// (their dimension says where people disagree), no guideline sections picked by the conflicts.
import { eq } from 'drizzle-orm';
import { first, type Db } from './client';
import { guidelines, guidelineVersions } from '../../drizzle/schema';
import type { EscalationDetail, EscalationView } from '#shared/escalation';
import { getItemRow, toItem } from './items';
import { getProject } from './projects';
import { currentGuidelineVersion, evaluationsForItems } from './evaluations';
import { escalationViewsForItem, rubricForItem } from './escalations';
import { itemConflicts } from './auto-escalation';
import { judgeColumnsForItems } from './judge-columns';
import { relevantSections } from '../domain/guideline-sections';
import { dimensionTerms } from '#shared/rubric-i18n';
import { NotFound } from '../domain/errors';

async function guidelineFor(db: Db, projectId: string, terms: string[]): Promise<EscalationDetail['guideline']> {
	const current = await currentGuidelineVersion(db, projectId);
	if (!current) return null;
	const version = await first(
		db
			.select({ markdown: guidelineVersions.markdown })
			.from(guidelineVersions)
			.where(eq(guidelineVersions.id, current.id))
			.limit(1)
	);
	const guideline = await first(
		db.select({ title: guidelines.title }).from(guidelines).where(eq(guidelines.id, current.guidelineId)).limit(1)
	);
	return {
		id: current.guidelineId,
		title: guideline?.title ?? '',
		versionId: current.id,
		number: current.number,
		sections: relevantSections(version?.markdown ?? '', terms)
	};
}

export interface DetailOptions {
	withGold: boolean;
	/** The viewer may not see other people's work on this item (seesOthersWork is false). */
	blind: boolean;
	can: EscalationDetail['can'];
}

export async function escalationDetail(
	db: Db,
	escalation: EscalationView,
	opts: DetailOptions
): Promise<EscalationDetail> {
	const row = await getItemRow(db, escalation.itemId);
	const project = await getProject(db, escalation.projectId);
	if (!row || !project) throw NotFound('The escalated item no longer exists');
	const rubric = await rubricForItem(db, row);
	const related = (await escalationViewsForItem(db, row.id)).filter((e) => e.id !== escalation.id);
	const { blind } = opts;
	// Blind: no agreement (it is made of the others' scores), so the guideline is picked by the escalation's own
	// dimension alone, and only her own manual escalations are listed beside it.
	const agreement = blind ? [] : await itemConflicts(db, row, project.settings);
	const conflictKeys = agreement.filter((a) => a.conflict).map((a) => a.key);
	if (escalation.dimension && !conflictKeys.includes(escalation.dimension)) conflictKeys.push(escalation.dimension);
	// Sections are found by any name of the dimension, so a guideline written in Portuguese matches too.
	const terms = conflictKeys.flatMap((k) => (rubric ? dimensionTerms(rubric, k) : [k]));
	return {
		escalation,
		related: blind
			? related.filter((e) => e.source === 'manual' && e.openedBy?.id === escalation.openedBy?.id)
			: related,
		item: toItem(row, opts.withGold),
		rubric,
		evaluations: blind ? [] : await evaluationsForItems(db, [row.id], { submittedOnly: true }),
		// Judges are other people's work too (blind.ts); `agreement` above is the people's alone.
		judges: blind ? [] : ((await judgeColumnsForItems(db, row.projectId, [row.id])).get(row.id) ?? []),
		agreement,
		guideline: await guidelineFor(db, row.projectId, terms),
		can: opts.can,
		blind
	};
}
