// Uploads a file with XMLHttpRequest so the page can show upload progress (fetch has no upload events).
// Resolves with the parsed JSON answer; rejects with ApiError carrying the server's code and details.
import { ApiError } from './api';
import type { ErrorCode } from '$lib/shared/errors';

export interface Upload<T> {
	done: Promise<T>;
	abort(): void;
}

export function uploadWithProgress<T>(
	url: string,
	body: Blob,
	contentType: string,
	onProgress: (loaded: number, total: number) => void
): Upload<T> {
	const xhr = new XMLHttpRequest();
	const done = new Promise<T>((resolve, reject) => {
		xhr.open('POST', url);
		xhr.setRequestHeader('content-type', contentType);
		xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
		xhr.onload = () => {
			let data: unknown = null;
			try {
				data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
			} catch {
				data = null;
			}
			if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
			const err = (data as { error?: { code: ErrorCode; message: string; details?: unknown } } | null)?.error;
			reject(new ApiError(xhr.status, err?.code ?? 'internal', err?.message ?? xhr.statusText, err?.details));
		};
		xhr.onerror = () => reject(new ApiError(0, 'network', 'Cannot reach the server'));
		xhr.onabort = () => reject(new ApiError(0, 'network', 'The upload was cancelled'));
		xhr.send(body);
	});
	return { done, abort: () => xhr.abort() };
}
