// The audit trail as a CSV file: every entry matching the filters, newest first, read from an export snapshot a
// row at a time (memory stays bounded whatever the trail's size) and written with the export CSV writer, whose
// cells are formula-safe (a name or id starting with = + - @ cannot run in a spreadsheet).
import { csvRow } from '../domain/csv';
import { auditStreamQuery, toAuditEntry, type AuditFilters, type AuditRow } from '../db/audit-trail';
import type { Snapshot } from './snapshot';

const AUDIT_CSV_COLUMNS = [
	'at',
	'actor_name',
	'actor_email',
	'action',
	'entity_type',
	'entity_id',
	'detail',
	'link'
] as const;

/** `origin` makes the entries' app paths absolute URLs (PUBLIC_URL, else the request's origin). */
export async function* auditCsv(snap: Snapshot, filters: AuditFilters, origin: string): AsyncGenerator<string> {
	yield csvRow(AUDIT_CSV_COLUMNS);
	for await (const row of snap.stream<AuditRow>(auditStreamQuery(filters))) {
		// PostgreSQL returns bigint columns (id, at) as text on a raw query; toAuditEntry reads them as numbers.
		const entry = toAuditEntry({ ...row, id: Number(row.id), at: Number(row.at) });
		yield csvRow([
			new Date(entry.at).toISOString(),
			entry.actor?.name ?? '',
			entry.actor?.email ?? '',
			entry.action,
			entry.entityType,
			entry.entityId,
			entry.detail === null ? '' : JSON.stringify(entry.detail),
			entry.link === null ? '' : origin + entry.link
		]);
	}
}
