// Reads for the agreement dashboard, one Query per card: the report, the most-disagreed items, agreement over
// time, the evaluator × evaluator matrix and throughput (the most-disagreed items page by cursor). Each takes the project and the card's query parameters
// (filters already in API form) as a function, so a filter change aborts the card's request and loads again while
// the last answer stays on screen. Plus the one write the dashboard makes: opening an escalation on an item.
import { api, ApiError } from './api';
import { Query } from './query.svelte';
import { PagedList } from './paged-list.svelte';
import type {
	AgreementMatrix,
	AgreementReport,
	AgreementTimeline,
	DisagreedItemView,
	DisagreementList,
	ThroughputReport
} from '$lib/shared/agreement-report';

/** What a dashboard card asks for: the project and the query string of its endpoint. */
export interface AgreementScope {
	pid: string;
	query: Record<string, string>;
}

function scoped<T>(path: string, scope: () => AgreementScope): Query<T> {
	return new Query((signal) => {
		const { pid, query } = scope();
		return api.get<T>(`/api/projects/${pid}${path}`, query, signal);
	});
}

export const agreementReport = (scope: () => AgreementScope) => scoped<AgreementReport>('/agreement', scope);
/** The most-disagreed items a page at a time (`first` holds the total); starts again on a filter change. */
export const disagreedItems = (scope: () => AgreementScope) =>
	new PagedList<DisagreementList, DisagreedItemView>(
		(cursor, signal) => {
			const { pid, query } = scope();
			return api.get<DisagreementList>(`/api/projects/${pid}/agreement/items`, { ...query, cursor }, signal);
		},
		(page) => page.items
	);
export const agreementTimeline = (scope: () => AgreementScope) =>
	scoped<AgreementTimeline>('/agreement/timeline', scope);
export const agreementMatrix = (scope: () => AgreementScope) => scoped<AgreementMatrix>('/agreement/matrix', scope);
export const throughputReport = (scope: () => AgreementScope) => scoped<ThroughputReport>('/throughput', scope);

/**
 * Opens an escalation ("guideline ambiguous") on a disagreed item and returns its id; when the item already has
 * an open one, returns that one's id instead. Other failures reject with an ApiError.
 */
export async function escalateDisagreement(itemId: string, note: string): Promise<string> {
	try {
		const { escalation } = await api.post<{ escalation: { id: string } }>(`/api/items/${itemId}/escalations`, {
			reason: 'guideline_ambiguous',
			note
		});
		return escalation.id;
	} catch (err) {
		const existing =
			err instanceof ApiError && err.status === 409
				? (err.details as { escalationId?: string } | undefined)?.escalationId
				: undefined;
		if (existing) return existing;
		throw err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
	}
}
