// One item import as seen by the import page: the chosen file and format, upload progress, then the server's
// answer (counts) or its per-line problems. Nothing is imported when there is any problem.
import { ApiError } from './api';
import { uploadWithProgress, type Upload } from './upload';
import { IMPORT_FORMATS, type ImportFormat, type ImportResult, type LineProblem } from '$lib/shared/imports';

export { IMPORT_FORMATS, type ImportFormat, type LineProblem };

const CONTENT_TYPES: Record<ImportFormat, string> = {
	jsonl: 'application/x-ndjson',
	csv: 'text/csv',
	labelstudio: 'application/json',
	zip: 'application/zip'
};

/** The format a file name suggests, or null when it is not clear. */
export function guessFormat(name: string): ImportFormat | null {
	const ext = name.toLowerCase().split('.').pop() ?? '';
	if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
	if (ext === 'csv') return 'csv';
	if (ext === 'json') return 'labelstudio';
	if (ext === 'zip') return 'zip';
	return null;
}

export class ImportJob {
	phase = $state<'idle' | 'uploading' | 'processing' | 'done' | 'failed'>('idle');
	loaded = $state(0);
	total = $state(0);
	result = $state<ImportResult | null>(null);
	error = $state<ApiError | null>(null);
	#upload: Upload<ImportResult> | null = null;

	get percent(): number {
		return this.total ? Math.min(100, Math.round((this.loaded / this.total) * 100)) : 0;
	}

	/** The per-line problems of a rejected import (empty for other errors). */
	get problems(): LineProblem[] {
		const details = this.error?.details;
		return Array.isArray(details) ? (details as LineProblem[]).filter((d) => typeof d?.line === 'number') : [];
	}

	async start(projectId: string, file: File, format: ImportFormat): Promise<void> {
		this.phase = 'uploading';
		this.loaded = 0;
		this.total = file.size;
		this.result = null;
		this.error = null;
		this.#upload = uploadWithProgress<ImportResult>(
			`/api/projects/${projectId}/items/import?format=${format}`,
			file,
			CONTENT_TYPES[format],
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
