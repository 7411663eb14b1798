// Wires feature listeners onto domain events (e.g. automatic escalation after a submission).
import type { AppDeps } from './deps';
import { autoEscalate } from './db/auto-escalation';
import { getEscalationView } from './db/escalations';
import { mirrorEscalation } from './domain/escalation-room';
import { registerWebhooks } from './webhooks/register';

export function registerFeatures(deps: AppDeps): void {
	// Escalations: low agreement on a submitted item opens one escalation (once per item), mirrored into its room.
	deps.events.on('evaluation.submitted', async ({ itemId }) => {
		const opened = await autoEscalate(deps.db, itemId);
		if (!opened) return;
		void mirrorEscalation(deps.rooms, deps.logger, (await getEscalationView(deps.db, opened.id))!);
		await deps.events.emit('escalation.opened', {
			projectId: opened.projectId,
			escalationId: opened.id,
			itemId,
			source: 'auto',
			reason: opened.reason,
			openedBy: null
		});
	});
	// Webhooks: signed deliveries of escalation, guideline and calibration events to subscribed URLs.
	registerWebhooks(deps);
	// Features register here as they land.
}
