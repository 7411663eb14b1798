// One call to an OpenAI-compatible chat-completions endpoint, classified for the runner:
//   2xx with a body                  → 'reply' (the body is read, at most MAX_REPLY_BYTES, and judged by judge-reply)
//   429                              → retryable, after Retry-After (seconds or an HTTP date) when given, capped
//   5xx, timeout, connection error   → retryable
//   other 4xx (bad key, bad model…)  → not retryable: the same request would fail the same way
//   aborted by the caller (cancel)   → 'aborted'
// The API key is sent as `Authorization: Bearer` only when the judge names a variable; it never appears in errors.
import { MAX_ERROR_CHARS, MAX_RAW_CHARS, MAX_REPLY_BYTES, bounded } from '../domain/judge-reply';

export type CallOutcome =
	| { kind: 'reply'; body: string; latencyMs: number }
	| { kind: 'error'; retryable: boolean; error: string; raw?: string; retryAfterMs?: number; unreachable?: boolean }
	| { kind: 'aborted' };

export interface ChatCall {
	baseUrl: string;
	apiKey: string | null;
	body: unknown;
	timeoutMs: number;
	maxRetryAfterMs: number;
	/** Aborts the call (the run was cancelled or the node stops). */
	signal: AbortSignal;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), capped; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, capMs: number, now = Date.now()): number | undefined {
	if (!header) return undefined;
	const value = header.trim();
	const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
	if (!Number.isFinite(ms)) return undefined;
	return Math.min(Math.max(0, ms), capMs);
}

/** The wait before attempt `attempt + 1` (attempt counts from 1): exponential from `baseMs`, with full jitter on half. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
	const exp = baseMs * 2 ** (attempt - 1);
	return Math.round(exp / 2 + random() * (exp / 2));
}

const chatUrl = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/chat/completions`;

/** Reads at most `max` bytes of a body; null when it is longer (the rest is not read). */
async function readBounded(res: Response, max: number): Promise<string | null> {
	if (!res.body) return '';
	const reader = res.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > max) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function errorText(err: unknown): string {
	const cause = (err as { cause?: { code?: string; message?: string } }).cause;
	const base = err instanceof Error ? err.message : String(err);
	return cause?.code ? `${base} (${cause.code})` : cause?.message ? `${base}: ${cause.message}` : base;
}

export async function callChat(call: ChatCall): Promise<CallOutcome> {
	const started = performance.now();
	const timeout = AbortSignal.timeout(call.timeoutMs);
	const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
	if (call.apiKey) headers.authorization = `Bearer ${call.apiKey}`;
	try {
		const res = await fetch(chatUrl(call.baseUrl), {
			method: 'POST',
			headers,
			body: JSON.stringify(call.body),
			signal: AbortSignal.any([call.signal, timeout]),
			redirect: 'error'
		});
		const body = await readBounded(res, MAX_REPLY_BYTES);
		const latencyMs = Math.round(performance.now() - started);
		if (body === null)
			return { kind: 'error', retryable: true, error: `The reply is longer than ${MAX_REPLY_BYTES} bytes` };
		if (res.ok) return { kind: 'reply', body, latencyMs };
		const raw = bounded(body, MAX_RAW_CHARS);
		const error = bounded(`HTTP ${res.status} ${res.statusText}`.trim(), MAX_ERROR_CHARS);
		if (res.status === 429)
			return {
				kind: 'error',
				retryable: true,
				error,
				raw,
				retryAfterMs: retryAfterMs(res.headers.get('retry-after'), call.maxRetryAfterMs)
			};
		return { kind: 'error', retryable: res.status >= 500 || res.status === 408, error, raw };
	} catch (err) {
		if (call.signal.aborted) return { kind: 'aborted' };
		if (timeout.aborted)
			return { kind: 'error', retryable: true, error: `No answer within ${call.timeoutMs} ms (timed out)` };
		return {
			kind: 'error',
			retryable: true,
			unreachable: true,
			error: bounded(`Could not reach the endpoint: ${errorText(err)}`, MAX_ERROR_CHARS)
		};
	}
}
