// A project's judges as the judges page shows them: the registry (read whole: a project keeps at most 100), register,
// change, retire and restore (each reloads the list so the page shows what the server has), and one import of
// judge scores at a time with upload progress and the server's answer (counts, and the bad lines by number).
import { api, ApiError } from './api';
import { Query } from './query.svelte';
import { uploadWithProgress, type Upload } from './upload';
import type { JudgeInput, JudgeView } from '$lib/shared/judges';
import { detectJudgeImportFormat, type JudgeImportFormat, type JudgeImportResult } from '$lib/shared/judge-import';
import type { LineProblem } from '$lib/shared/imports';

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

export class JudgeImportJob {
	phase = $state<'idle' | 'uploading' | 'processing' | 'done' | 'failed'>('idle');
	loaded = $state(0);
	total = $state(0);
	result = $state<JudgeImportResult | null>(null);
	error = $state<ApiError | null>(null);
	#upload: Upload<JudgeImportResult> | null = null;

	get percent(): number {
		return this.total ? Math.min(100, Math.round((this.loaded / this.total) * 100)) : 0;
	}

	/** The problems of a file refused as a whole (not JSON, no scores at all), from the error's details. */
	get problems(): LineProblem[] {
		const details = this.error?.details;
		return Array.isArray(details) ? (details as LineProblem[]).filter((d) => typeof d?.line === 'number') : [];
	}

	get busy(): boolean {
		return this.phase === 'uploading' || this.phase === 'processing';
	}

	/** Uploads the file; `judge` names the judge of a Label Studio file (else its model_version does). */
	async start(projectId: string, file: File, format: JudgeImportFormat, judge: string): Promise<void> {
		this.phase = 'uploading';
		this.loaded = 0;
		this.total = file.size;
		this.result = null;
		this.error = null;
		const query = format === 'labelstudio' && judge.trim() ? `?judge=${encodeURIComponent(judge.trim())}` : '';
		this.#upload = uploadWithProgress<JudgeImportResult>(
			`/api/projects/${projectId}/judges/import${query}`,
			file,
			format === 'labelstudio' ? 'application/json' : 'application/x-ndjson',
			(loaded, total) => {
				this.loaded = loaded;
				this.total = total;
				if (loaded >= total) this.phase = 'processing';
			}
		);
		try {
			this.result = await this.#upload.done;
			this.phase = 'done';
		} catch (err) {
			this.error = err instanceof ApiError ? err : new ApiError(0, 'internal', String(err));
			this.phase = 'failed';
		} finally {
			this.#upload = null;
		}
	}

	cancel(): void {
		this.#upload?.abort();
	}
}
