// Maps errors to WebSocket close codes through the one shared table (src/lib/collab/close-codes.ts), and keeps
// close reasons within the 123-byte limit of a close frame.
import { AppError } from '../domain/errors';
import { CLOSE_CODES } from '#collab/close-codes';

export { CLOSE_CODES, CLOSE_RESTART, CLOSE_SLOW_CONSUMER } from '#collab/close-codes';

export interface CloseDecision {
	code: number;
	reason: string;
}

/** The close code and reason for an error; anything that is not an AppError is an internal failure. */
export function closeFor(err: unknown): CloseDecision {
	if (err instanceof AppError) return { code: CLOSE_CODES[err.code], reason: closeReason(err.message) };
	return { code: CLOSE_CODES.internal, reason: 'Internal error; it was logged' };
}

const encoder = new TextEncoder();

/** Truncates a reason to the 123 bytes a close frame can carry, on a character boundary. */
export function closeReason(reason: string): string {
	if (encoder.encode(reason).length <= 123) return reason;
	let out = reason;
	while (encoder.encode(out + '…').length > 123) out = out.slice(0, -1);
	return out + '…';
}
