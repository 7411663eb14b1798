// The one error family of the server. HTTP statuses and WebSocket close codes are mapped from `code` in
// server/http/errors.ts and server/collab/close-codes.ts; nothing else decides them.
import type { ErrorCode } from '#shared/errors';

export class AppError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly details?: unknown
	) {
		super(message);
		this.name = 'AppError';
	}
}

export const NotFound = (what = 'Not found') => new AppError('not_found', what);
export const Forbidden = (why = 'You do not have access to this') => new AppError('forbidden', why);
export const Conflict = (why: string, details?: unknown) => new AppError('conflict', why, details);
export const Validation = (why: string, details?: unknown) => new AppError('validation_failed', why, details);
export const Unauthenticated = (why = 'Sign in first') => new AppError('unauthenticated', why);
