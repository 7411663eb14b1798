// Resolves a room name to its project and decides what a user may do there. The rules themselves live in
// domain/permissions.ts (roomAccess, writableKeys); this module only looks up the facts they need:
//   session:<calibrationId>  → calibrations.project_id; involved = a calibration participant
//   item:<itemId>            → items.project_id; involved = evaluated the item, or opened an escalation on it
//   guideline:<guidelineId>  → guidelines.project_id
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { roleIn } from '../db/users';
import { moderatesDiscussion, roomAccess, writableKeys, type RoomAccess } from '../domain/permissions';
import { calibrationParticipants, calibrations, escalations, evaluations, guidelines, items } from '../../drizzle/schema';
import { parseRoomName, type RoomKind } from '#shared/rooms';
import type { Role } from '#shared/roles';

export interface RoomTarget {
	name: string;
	kind: RoomKind;
	id: string;
	projectId: string;
}

export interface RoomPermission {
	role: Role | null;
	access: RoomAccess;
	writable: ReadonlySet<string>;
	/** May delete other people's comments (see moderatesDiscussion). */
	moderator: boolean;
}

/** Accepts the name raw or percent-encoded ("session%3Aabc"); null for a malformed name or an unknown id. */
export function findRoom(db: Db, rawName: string): RoomTarget | null {
	let name = rawName;
	if (name.includes('%')) {
		try {
			name = decodeURIComponent(name);
		} catch {
			return null;
		}
	}
	const parsed = parseRoomName(name);
	if (!parsed) return null;
	const projectId = projectOf(db, parsed.kind, parsed.id);
	return projectId ? { name, kind: parsed.kind, id: parsed.id, projectId } : null;
}

function projectOf(db: Db, kind: RoomKind, id: string): string | undefined {
	if (kind === 'session') return db.select({ p: calibrations.projectId }).from(calibrations).where(eq(calibrations.id, id)).get()?.p;
	if (kind === 'item') return db.select({ p: items.projectId }).from(items).where(eq(items.id, id)).get()?.p;
	return db.select({ p: guidelines.projectId }).from(guidelines).where(eq(guidelines.id, id)).get()?.p;
}

export function isInvolved(db: Db, target: RoomTarget, userId: string): boolean {
	if (target.kind === 'session') {
		return !!db
			.select({ u: calibrationParticipants.userId })
			.from(calibrationParticipants)
			.where(and(eq(calibrationParticipants.calibrationId, target.id), eq(calibrationParticipants.userId, userId)))
			.get();
	}
	if (target.kind === 'item') {
		const evaluated = db
			.select({ id: evaluations.id })
			.from(evaluations)
			.where(and(eq(evaluations.itemId, target.id), eq(evaluations.evaluatorId, userId)))
			.get();
		if (evaluated) return true;
		return !!db
			.select({ id: escalations.id })
			.from(escalations)
			.where(and(eq(escalations.itemId, target.id), eq(escalations.openedBy, userId)))
			.get();
	}
	return false;
}

export function permissionIn(db: Db, target: RoomTarget, userId: string): RoomPermission {
	const role = roleIn(db, target.projectId, userId);
	// Involvement matters only to evaluators in session and item rooms; skip the lookups otherwise.
	const needsInvolvement = role === 'evaluator' && target.kind !== 'guideline';
	const access = roomAccess(target.kind, role, { involved: needsInvolvement && isInvolved(db, target, userId) });
	const writes = access === 'write' && role !== null;
	return { role, access, writable: writes ? writableKeys(target.kind, role) : new Set(), moderator: writes && moderatesDiscussion(role) };
}
