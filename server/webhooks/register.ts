// Subscribes webhook delivery to the domain events a project can subscribe to (each must be a DomainEventMap
// name, which the `on` call checks), and resumes deliveries left pending by a previous run (in the background).
import type { AppDeps } from '../deps';
import { WEBHOOK_EVENTS } from '#shared/webhooks';
import { WebhookDispatcher } from './dispatcher';

export function registerWebhooks(deps: AppDeps): WebhookDispatcher {
	const dispatcher = new WebhookDispatcher(deps);
	for (const event of WEBHOOK_EVENTS) {
		deps.events.on(event, (payload) => dispatcher.enqueue(event, payload.projectId, { ...payload }));
	}
	dispatcher.resume().catch((err: unknown) => {
		if (!deps.database.closed) deps.logger.error({ err }, 'resuming webhook deliveries failed');
	});
	return dispatcher;
}
