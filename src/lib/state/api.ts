// The browser's API client: JSON in and out, errors as ApiError with the server's stable code.
import type { ErrorCode } from '$lib/shared/errors';

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: ErrorCode | 'network',
		message: string,
		readonly details?: unknown
	) {
		super(message);
	}
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
	if (!query) return path;
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
	const qs = params.toString();
	return qs ? `${path}?${qs}` : path;
}

// Browsers let keepalive requests outlive the page only up to 64 KiB of body in flight; stay under it.
const KEEPALIVE_MAX_BYTES = 60_000;

interface RequestOptions {
	query?: Query;
	body?: unknown;
	raw?: BodyInit;
	contentType?: string;
	keepalive?: boolean;
	/** Aborts the request; the promise then rejects with an AbortError the caller ignores. */
	signal?: AbortSignal;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
	const { query, body, raw, contentType, keepalive = false, signal } = opts;
	let res: Response;
	try {
		const json = body !== undefined ? JSON.stringify(body) : undefined;
		res = await fetch(withQuery(path, query), {
			method,
			headers:
				raw !== undefined
					? { 'content-type': contentType ?? 'application/octet-stream' }
					: body !== undefined
						? { 'content-type': 'application/json' }
						: {},
			body: raw ?? json,
			credentials: 'same-origin',
			keepalive: keepalive && raw === undefined && (json?.length ?? 0) < KEEPALIVE_MAX_BYTES,
			signal
		});
	} catch (err) {
		if (signal?.aborted) throw err;
		throw new ApiError(0, 'network', 'Cannot reach the server');
	}
	const text = await res.text();
	let data: unknown = null;
	try {
		data = text ? JSON.parse(text) : null;
	} catch {
		data = text;
	}
	if (!res.ok) {
		const err = (data as { error?: { code: ErrorCode; message: string; details?: unknown } })?.error;
		throw new ApiError(res.status, err?.code ?? 'internal', err?.message ?? res.statusText, err?.details);
	}
	return data as T;
}

export const api = {
	get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
	post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body: body ?? {}, query }),
	/** A POST that completes even if the page is closing (small bodies): for saving what the user typed. */
	postKeepalive: <T>(path: string, body: unknown) => request<T>('POST', path, { body, keepalive: true }),
	put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
	patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body: body ?? {} }),
	delete: <T>(path: string) => request<T>('DELETE', path),
	upload: <T>(path: string, data: BodyInit, contentType: string, query?: Query) =>
		request<T>('POST', path, { raw: data, contentType, query })
};
