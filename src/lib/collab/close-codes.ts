// WebSocket close codes of the collaboration endpoint: the one table from error codes to close codes, shared by
// the server (which closes with them) and the browser (which stops reconnecting on 44xx and says why).
// 4400–4499 mirror HTTP 4xx and are final (y-websocket 3 stops reconnecting); 4500 and 1012/1013 are transient.
import type { ErrorCode } from '../shared/errors';

export const CLOSE_CODES: Record<ErrorCode, number> = {
	bad_request: 4400,
	validation_failed: 4400,
	unauthenticated: 4401,
	invalid_credentials: 4401,
	forbidden: 4403,
	not_found: 4404,
	conflict: 4409,
	acknowledgement_required: 4409,
	payload_too_large: 4413,
	rate_limited: 4429,
	internal: 4500
};

// Transport closes that are not the caller's fault.
/** The server is restarting or shutting down: reconnect later. */
export const CLOSE_RESTART = 1012;
/** The client could not keep up (its send buffer grew past the limit): reconnect and resync. */
export const CLOSE_SLOW_CONSUMER = 1013;

/** The error code a close code stands for (first match in the table), or null for transport closes. */
export function errorCodeForClose(code: number): ErrorCode | null {
	for (const [errorCode, closeCode] of Object.entries(CLOSE_CODES))
		if (closeCode === code) return errorCode as ErrorCode;
	return null;
}

/** True when reconnecting cannot help (the server decided; e.g. no access, unknown room). */
export function isFinalClose(code: number): boolean {
	return code >= 4400 && code < 4500;
}
