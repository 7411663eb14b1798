// Escalations: open one on an item, read them (queue, mine, per item, detail), and move them through
// open → in_review → resolved | dismissed (and reopen). Each transition is role-checked, checked against the
// state machine by a conditional UPDATE written with its audit row in one immediate transaction, then
// mirrored into the item's room. A verdict becomes the item's gold and notifies the evaluators involved.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { allowed, requireProject, requireUser, type ProjectAccess } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { tx, type Db } from '../../db/client';
import { getItemRow } from '../../db/items';
import { getRubric } from '../../db/projects';
import {
	applyVerdict,
	escalationViewsForItem,
	getEscalation,
	getEscalationView,
	guidelineVersionInProject,
	openManualEscalation,
	rubricForItem,
	submittedEvaluators,
	transitionEscalation,
	verdictChange,
	type EscalationRow,
	type TransitionChange,
	type Verdict
} from '../../db/escalations';
import { escalationQueue, myEscalations } from '../../db/escalation-queue';
import { escalationDetail } from '../../db/escalation-detail';
import { hasSubmitted } from '../../db/evaluations';
import { seesOthersWork } from '../../domain/blind';
import { readDiscussion } from '#collab/room-doc';
import { roomName } from '#shared/rooms';
import { notify } from '../../db/notifications';
import { ACTIVE_STATES, isInvolved, transitionConflict, TRANSITIONS, type Transition } from '../../domain/escalation';
import { mirrorEscalation } from '../../domain/escalation-room';
import { Conflict, Forbidden, NotFound, Validation } from '../../domain/errors';
import { assertScoresFit } from '../../domain/scores';
import { escalationInputSchema, queueQuerySchema, transitionNoteSchema, verdictInputSchema } from '#shared/escalation';

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();

function loadItem(c: Ctx, id: string) {
	const item = getItemRow(c.var.deps.db, id);
	if (!item) throw NotFound('No such item');
	return item;
}

function loadEscalation(c: Ctx, id: string): EscalationRow {
	const row = getEscalation(c.var.deps.db, id);
	if (!row) throw NotFound('No such escalation');
	return row;
}

function involved(db: Db, userId: string, e: Pick<EscalationRow, 'openedBy' | 'itemId'>): boolean {
	return isInvolved(
		userId,
		e.openedBy,
		submittedEvaluators(db, e.itemId).map((u) => u.id)
	);
}

/** Writes the view back into the room and answers with it. */
async function respond(c: Ctx, id: string, status: 200 | 201 = 200) {
	const view = getEscalationView(c.var.deps.db, id)!;
	await mirrorEscalation(c.var.deps.rooms, c.var.deps.logger, view);
	return c.json({ escalation: view }, status);
}

/**
 * Runs one transition: role check, then in one immediate transaction the conditional update with its audit row and
 * `after`. The conditional update is the only decision (of racing callers, in this process or another, exactly
 * one changes the row); a refusal is explained by the state read in the same transaction, which BEGIN IMMEDIATE
 * makes current (a deferred one could read a stale state and then fail with SQLITE_BUSY instead of a 409).
 */
function transition(
	c: Ctx,
	id: string,
	name: Transition,
	change: (row: EscalationRow, access: ProjectAccess) => Omit<TransitionChange, 'to' | 'action' | 'actorId'>,
	after?: (t: Db, updated: EscalationRow, actorId: string) => void
) {
	const { db } = c.var.deps;
	const existing = loadEscalation(c, id);
	const access = requireProject(c, existing.projectId, 'escalation.decide');
	const { from, to } = TRANSITIONS[name];
	return tx(db, (t) => {
		const row = getEscalation(t, id)!;
		const updated = transitionEscalation(t, id, from, {
			...change(row, access),
			to,
			action: `escalation.${name}`,
			actorId: access.user.id
		});
		if (!updated) throw transitionConflict(row.state, name);
		after?.(t, updated, access.user.id);
		return updated;
	});
}

app.post(
	'/items/:id/escalations',
	doc('escalations', 'Open an escalation', 'evaluator, lead', { status: 201 }),
	validate('json', escalationInputSchema),
	async (c) => {
		const item = loadItem(c, c.req.param('id'));
		const { user } = requireProject(c, item.projectId, 'escalation.create');
		const { reason, note } = c.req.valid('json');
		const row = tx(c.var.deps.db, (t) => {
			const mineActive = escalationViewsForItem(t, item.id).find(
				(e) => e.openedBy?.id === user.id && ACTIVE_STATES.includes(e.state)
			);
			if (mineActive)
				throw Conflict('You already have an open escalation on this item', { escalationId: mineActive.id });
			return openManualEscalation(t, item, user, reason, note);
		});
		c.var.deps.events.emit('escalation.opened', {
			projectId: row.projectId,
			escalationId: row.id,
			itemId: row.itemId,
			source: 'manual',
			reason,
			openedBy: user.id
		});
		return respond(c, row.id, 201);
	}
);

app.get(
	'/items/:id/escalations',
	doc('escalations', 'Escalations of an item (evaluators: those they are involved in)', 'member'),
	(c) => {
		const item = loadItem(c, c.req.param('id'));
		const access = requireProject(c, item.projectId, 'item.read');
		const { db } = c.var.deps;
		let list = escalationViewsForItem(db, item.id);
		if (!allowed(access, 'escalation.readQueue')) {
			const evaluatorIds = submittedEvaluators(db, item.id).map((u) => u.id);
			list = list.filter((e) => isInvolved(access.user.id, e.openedBy?.id ?? null, evaluatorIds));
		}
		return c.json({ escalations: list });
	}
);

app.get(
	'/escalations/:id',
	doc('escalations', 'One escalation with its case', 'lead, manager, evaluators involved'),
	(c) => {
		const row = loadEscalation(c, c.req.param('id'));
		const access = requireProject(c, row.projectId, 'project.read');
		const { db, rooms } = c.var.deps;
		const lead = allowed(access, 'escalation.readQueue');
		const isInvolvedEvaluator = !lead && access.role === 'evaluator' && involved(db, access.user.id, row);
		if (!lead && !isInvolvedEvaluator)
			throw Forbidden('Only leads, managers and the evaluators involved can open this escalation');
		const blind = !seesOthersWork({ role: access.role, submitted: hasSubmitted(db, row.itemId, access.user.id) });
		const detail = escalationDetail(db, getEscalationView(db, row.id)!, {
			withGold: allowed(access, 'item.readGold'),
			blind,
			can: { decide: allowed(access, 'escalation.decide'), discuss: access.role !== 'manager' && !blind }
		});
		// A blind evaluator stays out of the item's room (it holds everyone's score proposals): she reads its
		// discussion here instead.
		if (!blind) return c.json(detail);
		return c.json({ ...detail, discussion: rooms.read(roomName('item', row.itemId), readDiscussion) });
	}
);

app.get(
	'/projects/:pid/escalations',
	doc('escalations', 'The escalation queue (mine=1: the caller’s own)', 'lead, manager (mine=1: any member)'),
	validate('query', queueQuerySchema),
	(c) => {
		const pid = c.req.param('pid');
		const q = c.req.valid('query');
		const { db } = c.var.deps;
		if (q.mine === '1') {
			const { user } = requireProject(c, pid, 'project.read');
			return c.json({ escalations: myEscalations(db, pid, user.id, q) });
		}
		requireProject(c, pid, 'escalation.readQueue');
		return c.json(escalationQueue(db, pid, q));
	}
);

app.post('/escalations/:id/claim', doc('escalations', 'Claim (open → in_review)', 'lead'), async (c) => {
	const id = c.req.param('id');
	transition(c, id, 'claim', (_row, access) => ({ set: { claimedBy: access.user.id, claimedAt: Date.now() } }));
	return respond(c, id);
});

app.post(
	'/escalations/:id/verdict',
	doc('escalations', 'Resolve with a verdict (becomes gold)', 'lead'),
	validate('json', verdictInputSchema),
	async (c) => {
		const id = c.req.param('id');
		const input = c.req.valid('json');
		const { db } = c.var.deps;
		const existing = loadEscalation(c, id);
		requireProject(c, existing.projectId, 'escalation.decide');
		const item = loadItem(c, existing.itemId);
		const rubric = input.rubricId ? getRubric(db, input.rubricId) : rubricForItem(db, item);
		if (!rubric || rubric.projectId !== item.projectId)
			throw Validation('No rubric to check the verdict against', [{ path: 'rubricId', message: 'unknown rubric' }]);
		assertScoresFit(rubric, item.modality, input.scores, 'submitted');
		if (input.guidelineVersionId && !guidelineVersionInProject(db, item.projectId, input.guidelineVersionId)) {
			throw Validation('Unknown guideline version', [
				{ path: 'guidelineVersionId', message: 'is not a guideline version of this project' }
			]);
		}
		const now = Date.now();
		const verdict: Verdict = {
			scores: input.scores,
			reasonCode: input.reasonCode,
			note: input.note,
			guidelineVersionId: input.guidelineVersionId ?? null,
			rubricId: rubric.id
		};
		transition(
			c,
			id,
			'verdict',
			() => verdictChange(verdict, now),
			(t, updated, actorId) => applyVerdict(t, updated, verdict, actorId, now)
		);
		c.var.deps.events.emit('escalation.resolved', {
			projectId: item.projectId,
			escalationId: id,
			itemId: item.id,
			state: 'resolved',
			reasonCode: input.reasonCode,
			decidedBy: requireUser(c).id
		});
		return respond(c, id);
	}
);

app.post(
	'/escalations/:id/dismiss',
	doc('escalations', 'Dismiss', 'lead'),
	validate('json', transitionNoteSchema),
	async (c) => {
		const id = c.req.param('id');
		const { note } = c.req.valid('json');
		const dismissed = transition(
			c,
			id,
			'dismiss',
			() => ({ set: { verdictNote: note, closedAt: Date.now() }, data: { note } }),
			(t, updated, actorId) => {
				if (updated.openedBy && updated.openedBy !== actorId) {
					notify(t, [updated.openedBy], {
						projectId: updated.projectId,
						kind: 'escalation.dismissed',
						data: { escalationId: id, itemId: updated.itemId, note }
					});
				}
			}
		);
		c.var.deps.events.emit('escalation.resolved', {
			projectId: dismissed.projectId,
			escalationId: id,
			itemId: dismissed.itemId,
			state: 'dismissed',
			reasonCode: null,
			decidedBy: requireUser(c).id
		});
		return respond(c, id);
	}
);

app.post(
	'/escalations/:id/reopen',
	doc('escalations', 'Reopen a resolved or dismissed escalation', 'lead'),
	validate('json', transitionNoteSchema),
	async (c) => {
		const id = c.req.param('id');
		const { note } = c.req.valid('json');
		transition(c, id, 'reopen', (row) => ({
			set: {
				claimedBy: null,
				claimedAt: null,
				closedAt: null,
				verdictScores: null,
				reasonCode: null,
				verdictNote: null,
				guidelineVersionId: null
			},
			data: {
				note,
				previous: {
					state: row.state,
					verdictScores: row.verdictScores,
					reasonCode: row.reasonCode,
					verdictNote: row.verdictNote
				}
			}
		}));
		return respond(c, id);
	}
);

export default app;
