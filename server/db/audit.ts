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

export function audit(db: Db, entry: AuditEntry): void {
	db.insert(auditLog)
		.values({ ...entry, data: entry.data ?? null, at: Date.now() })
		.run();
}
