// A project's judges as the judges page shows them: the registry (read whole: a project keeps at most 100), register,
// change, retire and restore (each reloads the list so the page shows what the server has), and one import of
// judge scores at a time with upload progress and the server's answer (counts, and the bad lines by number).
import { api } from './api';
import { Query } from './query.svelte';
import { UploadJob } from './upload-job.svelte';
import type { JudgeInput, JudgeView } from '$lib/shared/judges';
import { detectJudgeImportFormat, type JudgeImportFormat, type JudgeImportResult } from '$lib/shared/judge-import';

export class ProjectJudges {
	readonly list: Query<{ judges: JudgeView[] }>;
	#pid: () => string | null;

	/** `pid` is null while the viewer may not read the project's judges (nothing is asked then). */
	constructor(pid: () => string | null) {
		this.#pid = pid;
		this.list = new Query((signal) => {
			const id = pid();
			return id ? api.get<{ judges: JudgeView[] }>(`/api/projects/${id}/judges`, {}, signal) : null;
		});
	}

	/** Registers a judge, or changes the one with `id`. */
	async save(input: JudgeInput, id?: string): Promise<JudgeView> {
		const { judge } = id
			? await api.put<{ judge: JudgeView }>(`/api/judges/${id}`, input)
			: await api.post<{ judge: JudgeView }>(`/api/projects/${this.#pid()!}/judges`, input);
		await this.list.reload();
		return judge;
	}

	async setArchived(id: string, archived: boolean): Promise<void> {
		await api.post(`/api/judges/${id}/archive`, { archived });
		await this.list.reload();
	}
}

/** The format of a file as the server will read it (the same rule), from its first bytes. */
export async function judgeFileFormat(file: Blob): Promise<JudgeImportFormat> {
	return detectJudgeImportFormat(await file.slice(0, 4096).text());
}

export class JudgeImportJob extends UploadJob<JudgeImportResult> {
	/** Uploads the file; `judge` names the judge of a Label Studio file (else its model_version does). */
	start(projectId: string, file: File, format: JudgeImportFormat, judge: string): Promise<void> {
		const query = format === 'labelstudio' && judge.trim() ? `?judge=${encodeURIComponent(judge.trim())}` : '';
		const type = format === 'labelstudio' ? 'application/json' : 'application/x-ndjson';
		return this.send(`/api/projects/${projectId}/judges/import${query}`, file, type);
	}
}
