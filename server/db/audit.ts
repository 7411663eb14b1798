// Audit trail: every state change that matters writes one row, inside the same transaction as the change.
import type { Db } from './client';
import { auditLog } from '../../drizzle/schema';

export interface AuditEntry {
	actorId: string | null;
	projectId: string | null;
	action: string;
	entityType: string;
	entityId: string;
	data?: unknown;
}

/** Writes one audit row; pass the transaction of the change (`t` inside `tx`) so both commit or neither. */
export async function audit(db: Db, entry: AuditEntry): Promise<void> {
	await db.insert(auditLog).values({ ...entry, data: entry.data ?? null, at: Date.now() });
}
