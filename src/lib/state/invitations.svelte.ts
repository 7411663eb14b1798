// Invitations as the pages use them: a project's pending ones (paged) with invite and revoke for its leads, and
// the accept page's preview of a link and its two ways to accept (a new account, or the signed-in invited one).
import { api, ApiError } from './api';
import { PagedList } from './paged-list.svelte';
import { Query } from './query.svelte';
import type { Paged } from '$lib/shared/paging';
import type { Role } from '$lib/shared/roles';
import type { CreatedInvitation, InvitationPreview, InvitationView } from '$lib/shared/invitations';

interface InvitationPage extends Paged {
	invitations: InvitationView[];
}

/** What inviting one address came to: the created invitation (its link shown once) or why it failed. */
export type InviteResult = { email: string; created: CreatedInvitation } | { email: string; error: ApiError };

/** Addresses typed into the invite field, separated by commas, semicolons, spaces or new lines; each once. */
export function splitEmails(text: string): string[] {
	const parts = text
		.split(/[\s,;]+/)
		.filter(Boolean)
		.map((p) => p.toLowerCase());
	return parts.filter((p, i) => parts.indexOf(p) === i);
}

export class ProjectInvitations {
	readonly pending: PagedList<InvitationPage, InvitationView>;
	#pid: () => string;

	constructor(pid: () => string) {
		this.#pid = pid;
		this.pending = new PagedList(
			(cursor, signal) => api.get<InvitationPage>(`/api/projects/${pid()}/invitations`, { cursor }, signal),
			(page) => page.invitations
		);
	}

	/** Invites each address in turn (one request each, so one refusal does not stop the others), then reloads. */
	async inviteAll(emails: string[], role: Role): Promise<InviteResult[]> {
		const results: InviteResult[] = [];
		for (const email of emails) {
			try {
				const created = await api.post<CreatedInvitation>(`/api/projects/${this.#pid()}/invitations`, { email, role });
				results.push({ email, created });
			} catch (err) {
				results.push({ email, error: err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)) });
			}
		}
		await this.pending.reload();
		return results;
	}

	async revoke(id: string): Promise<void> {
		await api.delete(`/api/invitations/${id}`);
		await this.pending.reload();
	}
}

/** The preview of the link's invitation; reloads when the token changes. */
export const invitationPreview = (token: () => string) =>
	new Query<InvitationPreview>((signal) =>
		api.get(`/api/invitations/${encodeURIComponent(token())}`, undefined, signal)
	);

/** Accepts the link: with name and password a new account is made and signed in; without, the signed-in one. */
export const acceptInvitation = (body: { token: string; name?: string; password?: string }) =>
	api.post<{ projectId: string; role: Role }>('/api/invitations/accept', body);
