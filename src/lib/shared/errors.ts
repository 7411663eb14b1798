// Stable error codes shared by server and browser: the server sends them, the UI translates them.
export const ERROR_CODES = [
	'bad_request',
	'validation_failed',
	'unauthenticated',
	'invalid_credentials',
	'forbidden',
	'not_found',
	'conflict',
	'payload_too_large',
	'rate_limited',
	'acknowledgement_required',
	'internal'
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
	error: { code: ErrorCode; message: string; details?: unknown };
}
