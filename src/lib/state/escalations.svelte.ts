// Escalations outside the live room: a project's queue (filtered), the caller's own escalations, one item's
// escalations with opening a new one, and the lead's decisions (claim, dismiss, reopen, verdict). Reads are
// PagedLists (create them while a component initialises; they start again from the first page, aborting the
// last request, when what they read changes). Decisions go through the REST API and resolve with the server's view of the escalation; they
// reject with ApiError (a 409 means someone else acted first) for the caller to show.
import { api, type ApiError } from './api';
import { PagedList } from './paged-list.svelte';
import {
	isActiveState,
	type EscalationQueue,
	type EscalationReason,
	type EscalationSummary,
	type EscalationView,
	type ItemEscalationPage,
	type MyEscalation,
	type MyEscalationPage,
	type VerdictInput
} from '$lib/shared/escalation';

/** The queue's filters and sort as strings ('' = any), so they map 1:1 to the page URL; '' is not sent. */
export interface EscalationQueueFilters {
	reason: string;
	modality: string;
	language: string;
	dimension: string;
	age: string;
	sort: string;
}

/**
 * A project's escalation queue (one state or all), a page at a time, with counts, facets and turnaround (on
 * `first`); starts again from the first page on a filter change.
 */
export function escalationQueue(
	projectId: () => string,
	filters: () => Partial<EscalationQueueFilters> & { state?: string }
): PagedList<EscalationQueue, EscalationSummary> {
	return new PagedList(
		(cursor, signal) =>
			api.get<EscalationQueue>(`/api/projects/${projectId()}/escalations`, { ...filters(), cursor }, signal),
		(page) => page.escalations
	);
}

/** The escalations the caller opened or whose item they evaluated, newest first, a page at a time. */
export function myEscalations(projectId: () => string): PagedList<MyEscalationPage, MyEscalation> {
	return new PagedList(
		(cursor, signal) =>
			api.get<MyEscalationPage>(
				`/api/projects/${projectId()}/escalations`,
				{ mine: 1, sort: 'newest', cursor },
				signal
			),
		(page) => page.escalations
	);
}

/** One item's escalations, oldest first, a page at a time (re-read when the item changes), and opening a new one. */
export class ItemEscalationList {
	readonly pages: PagedList<ItemEscalationPage, EscalationView>;
	readonly #itemId: () => string;

	constructor(itemId: () => string) {
		this.#itemId = itemId;
		this.pages = new PagedList(
			(cursor, signal) => api.get<ItemEscalationPage>(`/api/items/${itemId()}/escalations`, { cursor }, signal),
			(page) => page.escalations
		);
	}

	get list(): EscalationView[] {
		return this.pages.rows;
	}

	get error(): ApiError | null {
		return this.pages.error;
	}

	/** The open or in-review escalation, if any. */
	get active(): EscalationView | null {
		return this.list.find((e) => isActiveState(e.state)) ?? null;
	}

	/** Opens an escalation and reloads the list; rejects with ApiError (validation details, conflict). */
	async open(reason: EscalationReason, note: string): Promise<EscalationView> {
		const { escalation } = await api.post<{ escalation: EscalationView }>(`/api/items/${this.#itemId()}/escalations`, {
			reason,
			note
		});
		await this.pages.reload();
		return escalation;
	}
}

/** A lead takes an open escalation into review. */
export async function claimEscalation(id: string): Promise<EscalationView> {
	return (await api.post<{ escalation: EscalationView }>(`/api/escalations/${id}/claim`)).escalation;
}

/** Dismisses an active escalation or reopens a closed one; both need a note. */
export async function closeOrReopenEscalation(
	id: string,
	action: 'dismiss' | 'reopen',
	note: string
): Promise<EscalationView> {
	return (await api.post<{ escalation: EscalationView }>(`/api/escalations/${id}/${action}`, { note })).escalation;
}

/** The lead's verdict; a validation failure carries per-dimension problems in its details. */
export async function resolveEscalation(id: string, verdict: VerdictInput): Promise<EscalationView> {
	return (await api.post<{ escalation: EscalationView }>(`/api/escalations/${id}/verdict`, verdict)).escalation;
}
