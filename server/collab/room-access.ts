// Resolves a room name to its project and decides what a user may do there. The rules themselves live in
// domain/permissions.ts (roomAccess, writableKeys); this module only looks up the facts they need (the caller's
// project role, 'admin' for an admin who is not a member, who then reads every room like a manager):
//   session:<calibrationId>  → calibrations.project_id; whether the caller is a participant; the session's phase
//                              (a session that is over is read-only)
//   item:<itemId>            → items.project_id; whether the caller submitted an evaluation (the blind rule)
//   guideline:<guidelineId>  → guidelines.project_id
import { and, eq } from 'drizzle-orm';
import { first, type Db } from '../db/client';
import { moderatesDiscussion, projectRole, roomAccess, writableKeys, type RoomAccess } from '../domain/permissions';
import { calibrationParticipants, calibrations, guidelines, items, memberships, users } from '../../drizzle/schema';
import { hasSubmitted } from '../db/evaluations';
import { parseRoomName, type RoomKind } from '#shared/rooms';
import type { ProjectRole } from '#shared/roles';
import type { CalibrationPhase } from '#shared/calibration';

export interface RoomTarget {
	name: string;
	kind: RoomKind;
	id: string;
	projectId: string;
}

export interface RoomPermission {
	/** The role the caller acts with in the room's project (permissions.projectRole). */
	role: ProjectRole | null;
	access: RoomAccess;
	writable: ReadonlySet<string>;
	/** May delete other people's comments (see moderatesDiscussion). */
	moderator: boolean;
}

/** Accepts the name raw or percent-encoded ("session%3Aabc"); null for a malformed name or an unknown id. */
export async function findRoom(db: Db, rawName: string): Promise<RoomTarget | null> {
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
	const projectId = await projectOf(db, parsed.kind, parsed.id);
	return projectId ? { name, kind: parsed.kind, id: parsed.id, projectId } : null;
}

async function projectOf(db: Db, kind: RoomKind, id: string): Promise<string | undefined> {
	const found =
		kind === 'session'
			? first(db.select({ p: calibrations.projectId }).from(calibrations).where(eq(calibrations.id, id)).limit(1))
			: kind === 'item'
				? first(db.select({ p: items.projectId }).from(items).where(eq(items.id, id)).limit(1))
				: first(db.select({ p: guidelines.projectId }).from(guidelines).where(eq(guidelines.id, id)).limit(1));
	return (await found)?.p;
}

async function sessionPhase(db: Db, calibrationId: string): Promise<CalibrationPhase | null> {
	const found = await first(
		db.select({ phase: calibrations.phase }).from(calibrations).where(eq(calibrations.id, calibrationId)).limit(1)
	);
	return found?.phase ?? null;
}

async function isParticipant(db: Db, calibrationId: string, userId: string): Promise<boolean> {
	const found = await first(
		db
			.select({ u: calibrationParticipants.userId })
			.from(calibrationParticipants)
			.where(and(eq(calibrationParticipants.calibrationId, calibrationId), eq(calibrationParticipants.userId, userId)))
			.limit(1)
	);
	return !!found;
}

/** One set of writable keys per room kind and role, shared by every connection that has them. */
const writableSets = new Map<string, ReadonlySet<string>>();
const NOTHING: ReadonlySet<string> = new Set();

function sharedWritableKeys(kind: RoomKind, role: ProjectRole): ReadonlySet<string> {
	const key = `${kind}:${role}`;
	let keys = writableSets.get(key);
	if (!keys) writableSets.set(key, (keys = writableKeys(kind, role)));
	return keys;
}

/** The role `userId` acts with in a project: their membership, or 'admin' for an admin who is not a member. */
async function roleOf(db: Db, projectId: string, userId: string): Promise<ProjectRole | null> {
	const found = await first(
		db
			.select({ isAdmin: users.isAdmin, role: memberships.role })
			.from(users)
			.leftJoin(memberships, and(eq(memberships.projectId, projectId), eq(memberships.userId, users.id)))
			.where(eq(users.id, userId))
			.limit(1)
	);
	return found ? projectRole(found.isAdmin, found.role) : null;
}

/** What `userId` may do in the room; an admin who is not a member of its project reads it like a manager. */
export async function permissionIn(db: Db, target: RoomTarget, userId: string): Promise<RoomPermission> {
	// Looked up each time (also on a re-check): an admin whose admin role is removed loses the rooms it opened.
	const role = await roleOf(db, target.projectId, userId);
	// The facts matter only to evaluators in session and item rooms; skip the lookups otherwise.
	const evaluator = role === 'evaluator';
	const access = roomAccess(target.kind, role, {
		participant: evaluator && target.kind === 'session' && (await isParticipant(db, target.id, userId)),
		submitted: evaluator && target.kind === 'item' && (await hasSubmitted(db, target.id, userId)),
		sessionPhase: role !== null && target.kind === 'session' ? await sessionPhase(db, target.id) : null
	});
	const writes = access === 'write' && role !== null;
	return {
		role,
		access,
		writable: writes ? sharedWritableKeys(target.kind, role) : NOTHING,
		moderator: writes && moderatesDiscussion(role)
	};
}
