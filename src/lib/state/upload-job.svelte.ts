// One file upload that the server answers with a result or with per-line problems (item imports, judge-score
// imports): the phase, the bytes sent, then the answer or the error and its problems by line.
import { ApiError } from './api';
import { uploadWithProgress, type Upload } from './upload';
import type { LineProblem } from '$lib/shared/imports';

export class UploadJob<T> {
	phase = $state<'idle' | 'uploading' | 'processing' | 'done' | 'failed'>('idle');
	loaded = $state(0);
	total = $state(0);
	result = $state<T | null>(null);
	error = $state<ApiError | null>(null);
	#upload: Upload<T> | null = null;

	get percent(): number {
		return this.total ? Math.min(100, Math.round((this.loaded / this.total) * 100)) : 0;
	}

	/** The per-line problems of a file refused as a whole (empty for other errors), from the error's details. */
	get problems(): LineProblem[] {
		const details = this.error?.details;
		return Array.isArray(details) ? (details as LineProblem[]).filter((d) => typeof d?.line === 'number') : [];
	}

	get busy(): boolean {
		return this.phase === 'uploading' || this.phase === 'processing';
	}

	/** Sends `file` to `url` as `contentType`; once every byte is sent, the server is processing it. */
	protected async send(url: string, file: File, contentType: string): Promise<void> {
		this.phase = 'uploading';
		this.loaded = 0;
		this.total = file.size;
		this.result = null;
		this.error = null;
		this.#upload = uploadWithProgress<T>(url, file, contentType, (loaded, total) => {
			this.loaded = loaded;
			this.total = total;
			if (loaded >= total) this.phase = 'processing';
		});
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
