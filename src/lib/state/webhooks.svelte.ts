// A project's webhooks as a lead manages them: the subscriptions (a paged list), adding one (its signing secret is
// returned once, never listed again), deleting one, and the delivery log of the webhook the lead opened. Every
// change reloads the list, so the page shows what the server has.
import { api } from './api';
import { PagedList } from './paged-list.svelte';
import type { Paged } from '$lib/shared/paging';
import type { WebhookDelivery, WebhookEvent, WebhookView } from '$lib/shared/webhooks';

export class ProjectWebhooks {
	readonly list: PagedList<{ webhooks: WebhookView[] } & Paged, WebhookView>;
	/** The webhook whose delivery log is open, if any. */
	open = $state<string | null>(null);
	/** The open webhook's deliveries; idle while none is open, reloaded when another one opens. */
	readonly deliveries: PagedList<{ deliveries: WebhookDelivery[] } & Paged, WebhookDelivery>;
	#pid: () => string;

	constructor(pid: () => string) {
		this.#pid = pid;
		this.list = new PagedList(
			(cursor, signal) =>
				api.get<{ webhooks: WebhookView[] } & Paged>(`/api/projects/${pid()}/webhooks`, { cursor }, signal),
			(page) => page.webhooks
		);
		this.deliveries = new PagedList(
			(cursor, signal) => {
				const id = this.open;
				return id
					? api.get<{ deliveries: WebhookDelivery[] } & Paged>(`/api/webhooks/${id}/deliveries`, { cursor }, signal)
					: null;
			},
			(page) => page.deliveries
		);
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
