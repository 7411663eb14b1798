// Wires feature listeners onto domain events (e.g. automatic escalation after a submission).
import type { AppDeps } from './deps';
import { escalateAfterSubmission } from './db/auto-escalation';
import { escalateOnJudgeDisagreement } from './db/judge-escalation';
import { getEscalationView, type EscalationRow } from './db/escalations';
import { mirrorEscalation } from './domain/escalation-room';
import { registerWebhooks } from './webhooks/register';
import { CalibrationJudgeRefresh } from './judges/calibration-refresh';

/**
 * After an automatic escalation has committed (with its audit row and the leads' notifications): mirror it into
 * the item's room, then tell the listeners (webhooks).
 */
async function announceAutoEscalation(deps: AppDeps, opened: EscalationRow): Promise<void> {
	void mirrorEscalation(deps.rooms, deps.logger, (await getEscalationView(deps.db, opened.id))!);
	await deps.events.emit('escalation.opened', {
		projectId: opened.projectId,
		escalationId: opened.id,
		itemId: opened.itemId,
		source: 'auto',
		reason: opened.reason,
		openedBy: null
	});
}

export function registerFeatures(deps: AppDeps): void {
	// Escalations: low agreement on a submitted item opens one escalation (once per item), mirrored into its room;
	// else, when a lead turned it on, a judge that differs from the human majority does (the same once per item).
	deps.events.on('evaluation.submitted', async ({ itemId }) => {
		const opened = await escalateAfterSubmission(deps.db, itemId);
		if (opened) await announceAutoEscalation(deps, opened);
	});
	// Judge scores that land (a run's results, an import's batch) are checked against the people the same way, after
	// they committed: one escalation per item at most, announced once it is in the record.
	deps.events.on('judge.scored', async (scored) => {
		for (const opened of await escalateOnJudgeDisagreement(deps.db, scored)) await announceAutoEscalation(deps, opened);
	});
	// Calibration rooms: judge scores on items of a revealed round show there live (never before the reveal).
	const calibrationJudges = new CalibrationJudgeRefresh(deps);
	deps.events.on('judge.scored', ({ projectId, itemIds }) => calibrationJudges.judgesScored(projectId, itemIds));
	// Webhooks: signed deliveries of escalation, guideline and calibration events to subscribed URLs.
	registerWebhooks(deps);
	// Features register here as they land.
}
