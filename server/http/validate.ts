// zod validation for request parts, with failures in the common error body (zod issues become `details`).
// This is also the one place that attaches a route's schema to the OpenAPI document: hono-openapi's validator
// records the schema on the middleware, so every validated query and body is documented as it is checked.
// Each validator also carries which part it validates (`validates`), so tests can find every JSON-body route
// from the app itself (tests/http/strict-bodies.test.ts).
import { validator } from 'hono-openapi';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorResponse } from './errors';

export interface IssueDetail {
	path: string;
	message: string;
}

/** A Standard Schema issue (zod's issues are such issues): path segments are keys or `{ key }` objects. */
interface Issue {
	readonly message: string;
	readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

/** Issues as `details` of the common error body (also for checks a route makes after the body's shape). */
export function issueDetails(issues: readonly Issue[]): IssueDetail[] {
	return issues.map((i) => ({
		path: (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.'),
		message: i.message
	}));
}

export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
	const middleware = validator(target, schema, (result, c) => {
		if (!result.success)
			return errorResponse(c, 'validation_failed', `The ${target} is not valid`, issueDetails(result.error));
	});
	return Object.assign(middleware, { validates: target });
}
