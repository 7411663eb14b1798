// The one place that decides who may do what. Every REST route and every collaboration room asks here.
// Pure: callers pass the caller's admin flag and project role; nothing is looked up.
import type { Role } from '#shared/roles';
import type { RoomKind } from '#shared/rooms';
import type { CalibrationPhase } from '#shared/calibration';
import { seesOthersWork } from './blind';
import { sessionIsReadOnly } from './calibration';

export type Action =
	| 'project.read'
	| 'project.manage'
	/** Invite people into the project by link (and see and withdraw its invitations). */
	| 'member.invite'
	| 'item.read'
	| 'item.readGold'
	| 'item.import'
	| 'item.evaluate'
	| 'evaluation.readAll'
	| 'escalation.create'
	| 'escalation.readQueue'
	| 'escalation.decide'
	| 'calibration.create'
	| 'calibration.decide'
	| 'calibration.readAll'
	| 'guideline.read'
	| 'guideline.edit'
	| 'guideline.comment'
	| 'guideline.acknowledge'
	/** See who acknowledged a version and which earlier evaluations it touches. */
	| 'guideline.oversee'
	| 'agreement.read'
	| 'export.read'
	| 'webhook.manage'
	/** Read the project's audit trail (and download it). */
	| 'audit.read';

const MATRIX: Record<Role, ReadonlySet<Action>> = {
	evaluator: new Set<Action>([
		'project.read',
		'item.read',
		'item.evaluate',
		'escalation.create',
		'guideline.read',
		'guideline.comment',
		'guideline.acknowledge'
	]),
	lead: new Set<Action>([
		'project.read',
		'item.read',
		'item.readGold',
		'item.import',
		'item.evaluate',
		'evaluation.readAll',
		'escalation.create',
		'escalation.readQueue',
		'escalation.decide',
		'calibration.create',
		'calibration.decide',
		'calibration.readAll',
		'guideline.read',
		'guideline.edit',
		'guideline.comment',
		'guideline.acknowledge',
		'guideline.oversee',
		'agreement.read',
		'export.read',
		'webhook.manage',
		'audit.read',
		'member.invite'
	]),
	manager: new Set<Action>([
		'project.read',
		'item.read',
		'item.readGold',
		'evaluation.readAll',
		'escalation.readQueue',
		'calibration.readAll',
		'guideline.read',
		'guideline.oversee',
		'agreement.read',
		'export.read',
		'audit.read'
	])
};

export interface Actor {
	isAdmin: boolean;
	/** The caller's role in the project in question, or null when not a member. */
	role: Role | null;
}

/** What an admin may do in any project, member or not: manage it and its people, never score. */
const ADMIN_ACTIONS: ReadonlySet<Action> = new Set<Action>([
	'project.manage',
	'project.read',
	'member.invite',
	'audit.read'
]);

/** Admins manage projects and members but do not score; everything else follows the role. */
export function can(actor: Actor, action: Action): boolean {
	if (actor.isAdmin && ADMIN_ACTIONS.has(action)) return true;
	return actor.role !== null && MATRIX[actor.role].has(action);
}

/** What a connection may do in a room: write (server-allowed keys), read only, or nothing. */
export type RoomAccess = 'write' | 'read' | null;

export interface RoomContext {
	/** session rooms: the caller is a participant of the calibration session. */
	participant: boolean;
	/** item rooms: the caller has submitted an evaluation of the item (drafts do not count). */
	submitted: boolean;
	/** session rooms: the session's phase (null elsewhere). */
	sessionPhase: CalibrationPhase | null;
}

export function roomAccess(kind: RoomKind, role: Role | null, ctx: RoomContext): RoomAccess {
	const access = memberAccess(kind, role, ctx);
	// A session that is over is a record: whoever may join its room still reads it, nobody writes (calibration.ts).
	if (access === 'write' && kind === 'session' && ctx.sessionPhase !== null && sessionIsReadOnly(ctx.sessionPhase))
		return 'read';
	return access;
}

function memberAccess(kind: RoomKind, role: Role | null, ctx: RoomContext): RoomAccess {
	if (role === null) return null;
	if (role === 'manager') return 'read';
	if (role === 'lead') return 'write';
	// Evaluators: guideline rooms are open to comment in; session rooms to participants. An item room holds
	// everyone's score proposals, so it follows the blind rule: only after submitting one's own evaluation.
	if (kind === 'guideline') return 'write';
	if (kind === 'session') return ctx.participant ? 'write' : null;
	return seesOthersWork({ role, submitted: ctx.submitted }) ? 'write' : null;
}

/** Leads moderate a room's discussion: they may delete anyone's comment (never edit it or speak for others). */
export function moderatesDiscussion(role: Role | null): boolean {
	return role === 'lead';
}

/** Top-level document keys each role may write in a room kind; `state` is the server's alone. */
export function writableKeys(kind: RoomKind, role: Role): ReadonlySet<string> {
	if (role === 'manager') return new Set();
	if (kind === 'guideline') {
		return role === 'lead' ? new Set(['content', 'discussion', 'annotations']) : new Set(['discussion', 'annotations']);
	}
	return new Set(['discussion', 'annotations']);
}
