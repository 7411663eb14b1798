// The evaluator's queue as runes: next items reserved for the caller, progress, filters (kept per project for the
// browser session so "next item" after a submission honours them), skipping, and where the evaluator left off.
import { api, ApiError } from './api';
import type { Item } from '$lib/shared/items';

export interface QueueItem extends Item {
	myState: 'draft' | 'submitted' | null;
	reviewRequested: boolean;
}

export interface QueueResponse {
	items: QueueItem[];
	progress: { done: number; total: number };
	facets?: { modalities: string[]; languages: string[] };
}

export interface QueueFilters {
	modality: string;
	language: string;
}

const filterKey = (pid: string) => `concord.queue.${pid}`;
const lastKey = (pid: string) => `concord.lastItem.${pid}`;

function loadFilters(pid: string): QueueFilters {
	try {
		const raw = JSON.parse(sessionStorage.getItem(filterKey(pid)) ?? '{}') as Partial<QueueFilters>;
		return { modality: raw.modality ?? '', language: raw.language ?? '' };
	} catch {
		return { modality: '', language: '' };
	}
}

function saveFilters(pid: string, f: QueueFilters): void {
	sessionStorage.setItem(filterKey(pid), JSON.stringify(f));
}

/** Remembers the item the evaluator last opened, so the queue can offer to resume it. */
export function rememberItem(pid: string, itemId: string): void {
	localStorage.setItem(lastKey(pid), itemId);
}

export function lastItem(pid: string): string | null {
	return localStorage.getItem(lastKey(pid));
}

function fetchQueue(pid: string, f: QueueFilters): Promise<QueueResponse> {
	return api.get<QueueResponse>(`/api/projects/${pid}/queue`, { modality: f.modality, language: f.language });
}

/** The queue item to open after `currentId`: the first reserved item that is not it; null when the queue is empty. */
export async function nextItemAfter(pid: string, currentId: string): Promise<string | null> {
	const q = await fetchQueue(pid, loadFilters(pid));
	return q.items.find((i) => i.id !== currentId && i.myState !== 'submitted')?.id ?? null;
}

export class QueueView {
	data = $state<QueueResponse | null>(null);
	error = $state<ApiError | null>(null);
	loading = $state(true);
	filters = $state<QueueFilters>({ modality: '', language: '' });

	constructor(readonly pid: string) {
		this.filters = loadFilters(pid);
		void this.reload();
	}

	async reload(): Promise<void> {
		this.loading = true;
		saveFilters(this.pid, this.filters);
		try {
			this.data = await fetchQueue(this.pid, this.filters);
			this.error = null;
		} catch (err) {
			this.error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
		} finally {
			this.loading = false;
		}
	}

	async skip(itemId: string, reason: string): Promise<void> {
		await api.post(`/api/items/${itemId}/skip`, { reason });
		await this.reload();
	}
}
