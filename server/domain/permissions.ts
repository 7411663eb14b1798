// The one place that decides who may do what. Every REST route and every collaboration room asks here.
// Pure: callers pass the caller's admin flag and project role; nothing is looked up.
//
// An admin who is not a member of a project acts in it with the role 'admin' (projectRole): they open every
// project as a reader and manager, not as a hidden lead. They read what a project manager reads (items, gold, all
// submitted evaluations, the escalation queue, agreement, calibration reports, exports: admins do not evaluate, so
// seeing submitted work breaks no blind rule) and manage the project (members, invitations, settings). They never
// score, decide an escalation or a calibration, or edit a guideline. An admin who is also a member acts with their
// membership's role, plus project.manage.
import type { ProjectRole, Role } from '#shared/roles';

export type { ProjectRole };
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
	/** See the project's model judges, their runs and their scores beside human scores. */
	| 'judge.read'
	/** Register, change, run, cancel and import model judges (and their settings). */
	| 'judge.manage'
	| 'export.read'
	| 'webhook.manage'
	/** Read the project's audit trail (and download it). */
	| 'audit.read';

/** Every project role, in the order the README's permission table lists them. */
export const PROJECT_ROLES: readonly ProjectRole[] = ['evaluator', 'lead', 'manager', 'admin'];

/** The role `isAdmin` with this membership (null: none) acts with in a project; null: no access. */
export function projectRole(isAdmin: boolean, membership: Role | null): ProjectRole | null {
	return membership ?? (isAdmin ? 'admin' : null);
}

/** Readers who oversee a project without taking part: they read everything submitted and write nothing. */
export function overseesOnly(role: ProjectRole | null): boolean {
	return role === 'manager' || role === 'admin';
}

/** Managers oversee: they read everything submitted and decide nothing. */
const MANAGER_ACTIONS: readonly Action[] = [
	'project.read',
	'item.read',
	'item.readGold',
	'evaluation.readAll',
	'escalation.readQueue',
	'calibration.readAll',
	'guideline.read',
	'guideline.oversee',
	'agreement.read',
	'judge.read',
	'export.read',
	'audit.read'
];

export const MATRIX: Record<ProjectRole, ReadonlySet<Action>> = {
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
		'judge.read',
		'judge.manage',
		'export.read',
		'webhook.manage',
		'audit.read',
		'member.invite'
	]),
	manager: new Set<Action>(MANAGER_ACTIONS),
	// An admin outside the project: what a manager reads, plus managing the project and its people.
	admin: new Set<Action>([...MANAGER_ACTIONS, 'project.manage', 'member.invite'])
};

export interface Actor {
	isAdmin: boolean;
	/** The caller's membership role in the project in question ('admin' once resolved by projectRole), or null. */
	role: ProjectRole | null;
}

/** What an admin may do in every project, also one they are a member of: manage it and its people. */
const ADMIN_ACTIONS: ReadonlySet<Action> = new Set<Action>([
	'project.manage',
	'project.read',
	'member.invite',
	'audit.read'
]);

/** Admins manage every project (also one they are a member of); everything else follows the project role. */
export function can(actor: Actor, action: Action): boolean {
	if (actor.isAdmin && ADMIN_ACTIONS.has(action)) return true;
	const role = actor.role ?? projectRole(actor.isAdmin, null);
	return role !== null && MATRIX[role].has(action);
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

export function roomAccess(kind: RoomKind, role: ProjectRole | null, ctx: RoomContext): RoomAccess {
	const access = memberAccess(kind, role, ctx);
	// A session that is over is a record: whoever may join its room still reads it, nobody writes (calibration.ts).
	if (access === 'write' && kind === 'session' && ctx.sessionPhase !== null && sessionIsReadOnly(ctx.sessionPhase))
		return 'read';
	return access;
}

function memberAccess(kind: RoomKind, role: ProjectRole | null, ctx: RoomContext): RoomAccess {
	if (role === null) return null;
	if (overseesOnly(role)) return 'read';
	if (role === 'lead') return 'write';
	// Evaluators: guideline rooms are open to comment in; session rooms to participants. An item room holds
	// everyone's score proposals, so it follows the blind rule: only after submitting one's own evaluation.
	if (kind === 'guideline') return 'write';
	if (kind === 'session') return ctx.participant ? 'write' : null;
	return seesOthersWork({ role, submitted: ctx.submitted }) ? 'write' : null;
}

/** Leads moderate a room's discussion: they may delete anyone's comment (never edit it or speak for others). */
export function moderatesDiscussion(role: ProjectRole | null): boolean {
	return role === 'lead';
}

/** Top-level document keys each role may write in a room kind; `state` is the server's alone. */
export function writableKeys(kind: RoomKind, role: ProjectRole): ReadonlySet<string> {
	if (overseesOnly(role)) return new Set();
	if (kind === 'guideline') {
		return role === 'lead' ? new Set(['content', 'discussion', 'annotations']) : new Set(['discussion', 'annotations']);
	}
	return new Set(['discussion', 'annotations']);
}
