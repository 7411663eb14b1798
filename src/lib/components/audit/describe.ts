// An audit entry in the reader's words: `audit.action.<action>` filled from the entry's detail (a role in words, a
// count of evaluations), or the action key itself when no message knows it (actions added later stay readable).
import { t } from '$lib/i18n/index.svelte';
import type { AuditEntry } from '$lib/shared/audit';

const ROLES = new Set(['evaluator', 'lead', 'manager', 'admin']);

function params(entry: AuditEntry): Record<string, string | number> {
	const detail = typeof entry.detail === 'object' && entry.detail !== null ? entry.detail : {};
	const out: Record<string, string | number> = {};
	for (const [key, value] of Object.entries(detail as Record<string, unknown>)) {
		if (typeof value === 'string' || typeof value === 'number') out[key] = value;
		else if (Array.isArray(value)) out[`${key}Count`] = value.length;
	}
	if (typeof out.role === 'string' && ROLES.has(out.role)) out.role = t(`role.${out.role}`);
	if (typeof out.evaluationIdsCount === 'number') out.count = out.evaluationIdsCount;
	// How someone signed in, and why a sign-in was refused, in words when a message knows them.
	for (const field of ['method', 'reason'] as const) {
		const value = out[field];
		if (typeof value !== 'string') continue;
		const key = `audit.${field}.${value}`;
		const word = t(key);
		if (word !== key) out[field] = word;
	}
	return out;
}

export function describeEntry(entry: AuditEntry): string {
	const key = `audit.action.${entry.action}`;
	const text = t(key, params(entry));
	// Unknown action, or a row that lacks a field its message names (an older writer): the key says what it was.
	return text === key || /\{\w+\}/.test(text) ? entry.action : text;
}

/** Every detail an action's message may name, unknown: "…". */
const UNKNOWN_DETAILS = new Proxy({}, { has: () => true, get: () => '…' });

/** An action in words without any entry's details (the filter menu): "Deactivated …"; the key when its words need a
 * count (a plural cannot be written without one). */
export function describeAction(action: string): string {
	const key = `audit.action.${action}`;
	const text = t(key, UNKNOWN_DETAILS);
	return text === key || /\{\w+\}/.test(text) ? action : text;
}

/** The option label of an action family (`calibration.*`): "All calibration", or the family key. */
export function familyLabel(family: string): string {
	const name = family.slice(0, -2);
	const key = `audit.family.${name}`;
	const word = t(key);
	return t('audit.filter.family', { family: word === key ? name : word });
}
