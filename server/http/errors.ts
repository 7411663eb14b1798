// The only code → HTTP status table, and the app's error handler. Every error body is
// { error: { code, message, details? } }.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, ErrorCode } from '#shared/errors';
import { AppError } from '../domain/errors';
import type { Logger } from '../logger';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
	bad_request: 400,
	validation_failed: 400,
	unauthenticated: 401,
	invalid_credentials: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	acknowledgement_required: 409,
	payload_too_large: 413,
	rate_limited: 429,
	internal: 500
};

export function errorResponse(c: Context, code: ErrorCode, message: string, details?: unknown) {
	// The client may still be sending the oversized body: close the connection rather than reuse it.
	if (code === 'payload_too_large') c.header('Connection', 'close');
	const body: ErrorBody = { error: details === undefined ? { code, message } : { code, message, details } };
	return c.json(body, STATUS[code]);
}

export function errorHandler(logger: Logger) {
	return (err: Error, c: Context) => {
		if (err instanceof AppError) return errorResponse(c, err.code, err.message, err.details);
		if (err instanceof HTTPException) {
			const status = err.status;
			const code: ErrorCode =
				status === 413
					? 'payload_too_large'
					: status === 401
						? 'unauthenticated'
						: status === 403
							? 'forbidden'
							: status === 404
								? 'not_found'
								: 'bad_request';
			return errorResponse(c, code, err.message || 'Bad request');
		}
		if (err instanceof SyntaxError) return errorResponse(c, 'bad_request', 'The request body is not valid JSON');
		logger.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
		return errorResponse(c, 'internal', 'Something went wrong on our side; the error was logged');
	};
}
