// Subscribes webhook delivery to the domain events a project can subscribe to (each must be a DomainEventMap
// name, which the `on` call checks), and resumes pending deliveries in the background: at start (what a previous
// run left) and every RESUME_EVERY_MS (what another node scheduled and could not try because it died).
import type { AppDeps } from '../deps';
import { WEBHOOK_EVENTS } from '#shared/webhooks';
import { WebhookDispatcher } from './dispatcher';

const RESUME_EVERY_MS = 30_000;

export function registerWebhooks(deps: AppDeps): WebhookDispatcher {
	const dispatcher = new WebhookDispatcher(deps);
	for (const event of WEBHOOK_EVENTS) {
		deps.events.on(event, (payload) => dispatcher.enqueue(event, payload.projectId, { ...payload }));
	}
	const resume = () =>
		dispatcher.resume().catch((err: unknown) => {
			if (!deps.database.closed) deps.logger.error({ err }, 'resuming webhook deliveries failed');
		});
	void resume();
	const sweep = setInterval(() => {
		if (deps.database.closed) {
			clearInterval(sweep);
			dispatcher.stop();
		} else void resume();
	}, RESUME_EVERY_MS);
	sweep.unref();
	return dispatcher;
}
