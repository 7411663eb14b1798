// A project's judge settings and the judges a lead may choose from (active ones), for the settings card.
import { api } from './api';
import { Query } from './query.svelte';
import type { JudgeSettings, JudgeView } from '$lib/shared/judges';

export class JudgeSettingsState {
	readonly settings: Query<{ settings: JudgeSettings }>;
	readonly judges: Query<{ judges: JudgeView[] }>;
	#projectId: () => string;

	constructor(projectId: () => string) {
		this.#projectId = projectId;
		this.settings = new Query((signal) =>
			api.get<{ settings: JudgeSettings }>(`/api/projects/${projectId()}/judges/settings`, undefined, signal)
		);
		this.judges = new Query((signal) =>
			api.get<{ judges: JudgeView[] }>(`/api/projects/${projectId()}/judges`, undefined, signal)
		);
	}

	/** Judges that can be chosen: not retired. */
	get active(): JudgeView[] {
		return (this.judges.data?.judges ?? []).filter((j) => j.archivedAt === null);
	}

	/** Saves (rejects with ApiError for the card to show) and shows what the server kept. */
	async save(next: JudgeSettings): Promise<void> {
		const saved = await api.put<{ settings: JudgeSettings }>(
			`/api/projects/${this.#projectId()}/judges/settings`,
			next
		);
		this.settings.set(saved);
	}
}
