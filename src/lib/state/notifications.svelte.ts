// The signed-in user's notification inbox: the recent notifications and the unread count, pushed by the server
// as they change (an EventSource on /api/notifications/stream, which reconnects by itself) and, as a fallback
// while the stream is down, polled every 30 s and whenever the window regains focus (only while a component
// shows it). Marking read answers with the new inbox,
// which replaces the shown one at once; a poll still in flight then is dropped so it cannot bring back an
// unread mark. A failed poll keeps the last inbox (Query keeps data on error) and the next tick tries again.
import { api } from './api';
import type { NotificationView } from '$lib/shared/api-types';
import { Query } from './query.svelte';
import type { Paged } from '$lib/shared/paging';
import { refreshEvery } from './refresh.svelte';

/** The newest page of notifications (the bell shows recent ones only) and the unread count over all of them. */
export interface Inbox extends Paged {
	notifications: NotificationView[];
	unread: number;
}

const EMPTY: Inbox = { notifications: [], unread: 0, nextCursor: null };

export class NotificationInbox {
	#tick = refreshEvery(30_000);
	#query = new Query((signal) => {
		this.#tick();
		return api.get<Inbox>('/api/notifications', undefined, signal);
	});

	constructor() {
		$effect(() => {
			if (this.#query.error) console.warn('notifications: refresh failed', this.#query.error);
		});
		$effect(() => {
			if (typeof EventSource === 'undefined') return;
			const stream = new EventSource('/api/notifications/stream');
			stream.addEventListener('inbox', (e) => this.#query.set(JSON.parse((e as MessageEvent<string>).data) as Inbox));
			return () => stream.close();
		});
	}

	get current(): Inbox {
		return this.#query.data ?? EMPTY;
	}

	/** Whether the inbox has been heard from yet: before that its count is unknown, not zero. */
	get known(): boolean {
		return this.#query.data !== null;
	}

	async markRead(id: string): Promise<void> {
		this.#query.set(await api.post<Inbox>(`/api/notifications/${id}/read`));
	}

	async markAllRead(): Promise<void> {
		this.#query.set(await api.post<Inbox>('/api/notifications/read-all'));
	}
}
