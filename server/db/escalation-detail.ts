// Everything the adjudication room shows for one escalation: the item, every submitted evaluation, per-dimension
// agreement with conflicts marked, related escalations of the item, and the relevant guideline sections.
// Access is decided by the caller (route) before this is built.
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { guidelines, guidelineVersions } from '../../drizzle/schema';
import type { EscalationDetail, EscalationView } from '#shared/escalation';
import { getItemRow, toItem } from './items';
import { getProject } from './projects';
import { currentGuidelineVersion, evaluationsForItems } from './evaluations';
import { escalationViewsForItem, rubricForItem } from './escalations';
import { itemConflicts } from './auto-escalation';
import { relevantSections } from '../domain/guideline-sections';
import { NotFound } from '../domain/errors';

function guidelineFor(db: Db, projectId: string, terms: string[]): EscalationDetail['guideline'] {
	const current = currentGuidelineVersion(db, projectId);
	if (!current) return null;
	const version = db.select({ markdown: guidelineVersions.markdown }).from(guidelineVersions).where(eq(guidelineVersions.id, current.id)).get();
	const guideline = db.select({ title: guidelines.title }).from(guidelines).where(eq(guidelines.id, current.guidelineId)).get();
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
	can: EscalationDetail['can'];
}

export function escalationDetail(db: Db, escalation: EscalationView, opts: DetailOptions): EscalationDetail {
	const row = getItemRow(db, escalation.itemId);
	const project = getProject(db, escalation.projectId);
	if (!row || !project) throw NotFound('The escalated item no longer exists');
	const rubric = rubricForItem(db, row);
	const agreement = itemConflicts(db, row, project.settings);
	const conflictKeys = agreement.filter((a) => a.conflict).map((a) => a.key);
	if (escalation.dimension && !conflictKeys.includes(escalation.dimension)) conflictKeys.push(escalation.dimension);
	const labels = conflictKeys.map((k) => rubric?.dimensions.find((d) => d.key === k)?.label ?? k);
	return {
		escalation,
		related: escalationViewsForItem(db, row.id).filter((e) => e.id !== escalation.id),
		item: toItem(row, opts.withGold),
		rubric,
		evaluations: evaluationsForItems(db, [row.id], { submittedOnly: true }),
		agreement,
		guideline: guidelineFor(db, row.projectId, [...conflictKeys, ...labels]),
		can: opts.can
	};
}
