// zod validation for request parts, with failures in the common error body (zod issues become `details`).
// Each validator carries which part it validates (`validates`), so tests can find every JSON-body route from the
// app itself (tests/http/strict-bodies.test.ts) instead of from a hand-kept list.
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorResponse } from './errors';

export interface IssueDetail {
	path: string;
	message: string;
}

export function issueDetails(error: z.ZodError): IssueDetail[] {
	return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
	const middleware = zValidator(target, schema, (result, c) => {
		if (!result.success) {
			return errorResponse(c, 'validation_failed', `The ${target} is not valid`, issueDetails(result.error as unknown as z.ZodError));
		}
	});
	return Object.assign(middleware, { validates: target });
}
