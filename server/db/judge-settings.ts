// A project's judge settings (ProjectSettings.judges): automatic escalation on judge disagreement and suggestions
// to evaluators, both off until a lead turns them on. A judge named must be the project's own and not retired.
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { projects } from '../../drizzle/schema';
import type { JudgeSettings } from '#shared/judges';
import { Validation } from '../domain/errors';
import { getJudge } from './judges';
import { getProject } from './projects';
import { audit } from './audit';

const JUDGE_SETTINGS_OFF: JudgeSettings = { escalation: null, suggestions: null };

/** The project's judge settings, both off when never set. */
export const judgeSettingsOf = (settings: { judges?: JudgeSettings }): JudgeSettings =>
	settings.judges ?? JUDGE_SETTINGS_OFF;

async function assertUsable(db: Db, projectId: string, judgeId: string, path: string) {
	const judge = await getJudge(db, judgeId);
	if (!judge || judge.projectId !== projectId)
		throw Validation('No such judge in this project', [{ path, message: 'is not a judge of this project' }]);
	if (judge.archivedAt !== null)
		throw Validation('This judge is retired', [{ path, message: 'is retired; bring it back or pick another' }]);
}

/** Replaces the project's judge settings (in the caller's transaction), audited as `judge.settings`. */
export async function setJudgeSettings(
	db: Db,
	projectId: string,
	next: JudgeSettings,
	actorId: string
): Promise<JudgeSettings> {
	if (next.escalation) await assertUsable(db, projectId, next.escalation.judgeId, 'escalation.judgeId');
	if (next.suggestions) await assertUsable(db, projectId, next.suggestions.judgeId, 'suggestions.judgeId');
	const project = await getProject(db, projectId);
	if (!project) throw Validation('No such project');
	await db
		.update(projects)
		.set({ settings: { ...project.settings, judges: next } })
		.where(eq(projects.id, projectId));
	await audit(db, {
		actorId,
		projectId,
		action: 'judge.settings',
		entityType: 'project',
		entityId: projectId,
		data: { previous: judgeSettingsOf(project.settings), escalation: next.escalation, suggestions: next.suggestions }
	});
	return next;
}
