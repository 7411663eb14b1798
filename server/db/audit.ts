// Audit trail: every state change that matters writes one row, inside the same transaction as the change.
import { sql } from 'drizzle-orm';
import { prepared, type Db } from './client';
import { auditLog } from '../../drizzle/schema';
import { assertNoSecrets } from '../domain/audit-data';

export interface AuditEntry {
	actorId: string | null;
	projectId: string | null;
	action: string;
	entityType: string;
	entityId: string;
	data?: unknown;
}

/** Writes one audit row (its data never a secret: refused otherwise); pass the transaction of the change (`t` inside `tx`) so both commit or neither. */
export async function audit(db: Db, entry: AuditEntry): Promise<void> {
	// The trail is read and downloaded by people: a credential in it is a leak (domain/audit-data.ts).
	assertNoSecrets(entry.action, entry.data);
	// Encoded here: no data is SQL NULL, not the text 'null' a JSON column would make of it.
	const data = entry.data === undefined || entry.data === null ? null : JSON.stringify(entry.data);
	await insertAudit(db, { ...entry, data, at: Date.now() });
}

const insertAudit = prepared((db) =>
	db
		.insert(auditLog)
		.values({
			actorId: sql.placeholder('actorId'),
			projectId: sql.placeholder('projectId'),
			action: sql.placeholder('action'),
			entityType: sql.placeholder('entityType'),
			entityId: sql.placeholder('entityId'),
			data: sql`${sql.placeholder('data')}`,
			at: sql.placeholder('at')
		})
		.prepare()
);
