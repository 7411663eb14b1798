// A project's webhooks as a lead manages them: the subscriptions (a Query), adding one (its signing secret is
// returned once, never listed again), deleting one, and the delivery log of the webhook the lead opened. Every
// change reloads the list, so the page shows what the server has.
import { api } from './api';
import { Query } from './query.svelte';
import type { WebhookDelivery, WebhookEvent, WebhookView } from '$lib/shared/webhooks';

export class ProjectWebhooks {
	readonly list: Query<{ webhooks: WebhookView[] }>;
	/** The webhook whose delivery log is open, if any. */
	open = $state<string | null>(null);
	/** The open webhook's deliveries; idle while none is open, reloaded when another one opens. */
	readonly deliveries: Query<{ deliveries: WebhookDelivery[] }>;
	#pid: () => string;

	constructor(pid: () => string) {
		this.#pid = pid;
		this.list = new Query((signal) =>
			api.get<{ webhooks: WebhookView[] }>(`/api/projects/${pid()}/webhooks`, undefined, signal)
		);
		this.deliveries = new Query((signal) => {
			const id = this.open;
			return id
				? api.get<{ deliveries: WebhookDelivery[] }>(`/api/webhooks/${id}/deliveries`, undefined, signal)
				: null;
		});
	}

	/** Subscribes `url` to `events`; returns the new webhook with its secret (shown to the lead once). */
	async add(url: string, events: WebhookEvent[]): Promise<WebhookView> {
		const { webhook } = await api.post<{ webhook: WebhookView }>(`/api/projects/${this.#pid()}/webhooks`, {
			url,
			events
		});
		await this.list.reload();
		return webhook;
	}

	async remove(id: string): Promise<void> {
		await api.delete(`/api/webhooks/${id}`);
		if (this.open === id) this.open = null;
		await this.list.reload();
	}

	toggleLog(id: string): void {
		this.open = this.open === id ? null : id;
	}
}
