// The audit trail's REST contract (server and browser): the query strings of GET /api/projects/:pid/audit and
// GET /api/admin/audit (strict: an unknown parameter is a 400), the entries they answer with, and how an action
// filter reads (`calibration.reveal` exactly, or `calibration.*` for the whole family).
import { z } from 'zod';
import { pageQuery, type Paged } from './paging';

const DAY = 86_400_000;
const DATE = /^(\d{4}-\d{2}-\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** True for a real calendar day (2025-02-31 is not one, though Date.parse rolls it over to March). */
const realDay = (day: string) => {
	const ms = Date.parse(`${day}T00:00:00Z`);
	return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
};

/** A date (`2025-01-31`, a whole UTC day) or an ISO 8601 date-time. */
const dateParam = z
	.string()
	.max(40)
	.refine((s) => {
		const day = DATE.exec(s)?.[1] ?? DATE_TIME.exec(s)?.[1];
		return day !== undefined && realDay(day) && !Number.isNaN(Date.parse(s));
	}, 'an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])');

/** Epoch ms of `from`: the start of a date, or the date-time itself. */
export function auditFromMs(value: string): number {
	return DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}

/** Epoch ms of `to`, inclusive: a date counts to its last millisecond (UTC), a date-time is itself. */
export function auditToMs(value: string): number {
	return DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) + DAY - 1 : Date.parse(value);
}

/** An action key (`escalation.verdict`) or a family of them (`escalation.*`). */
const actionParam = z
	.string()
	.max(80)
	.regex(
		/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$/,
		'an action such as calibration.reveal, or a family such as calibration.*'
	);

/** The action filter as SQL will apply it: one action, or every action starting with `prefix`. */
export type ActionFilter = { exact: string } | { prefix: string };

export function actionFilter(value: string): ActionFilter {
	return value.endsWith('.*') ? { prefix: value.slice(0, -1) } : { exact: value };
}

/** The family an action belongs to, as the filter names it: `calibration.reveal` → `calibration.*`. */
export function actionFamily(action: string): string {
	const dot = action.indexOf('.');
	return dot < 0 ? action : `${action.slice(0, dot)}.*`;
}

const filterShape = {
	/** A user id: entries by that person. */
	actor: z.string().min(1).max(64).optional(),
	action: actionParam.optional(),
	/** Inclusive start. */
	from: dateParam.optional(),
	/** Inclusive end; a plain date includes that whole day (UTC). */
	to: dateParam.optional(),
	/** A streamed CSV file of every matching entry instead of a JSON page. */
	format: z.enum(['json', 'csv']).default('json'),
	...pageQuery
};

export const auditQuerySchema = z.strictObject(filterShape);
export type AuditQuery = z.output<typeof auditQuerySchema>;

/** Admins also filter by project: a project id, or `none` for what belongs to no project (sign-ins, accounts). */
export const adminAuditQuerySchema = z.strictObject({
	...filterShape,
	project: z.string().min(1).max(64).optional()
});

export interface AuditActor {
	id: string;
	name: string;
	email: string;
}

export interface AuditEntry {
	id: string;
	/** Epoch milliseconds. */
	at: number;
	/** Who did it; null for what the system did by itself (an automatic escalation) or a sign-in nobody owns. */
	actor: AuditActor | null;
	projectId: string | null;
	action: string;
	entityType: string;
	entityId: string;
	/** What the row recorded (never a secret: see server/db/audit.ts). */
	detail: unknown;
	/** The app path of the thing it changed, when there is a page for it (./audit-link.ts). */
	link: string | null;
}

export interface AuditPage extends Paged {
	entries: AuditEntry[];
}

export interface AuditFacets {
	/** People who appear in the trail, by name. */
	actors: { id: string; name: string }[];
	/** Action keys that appear in the trail, sorted. */
	actions: string[];
}
