// Escalations: open one on an item, read them (queue, mine, per item, detail), and move them through
// open → in_review → resolved | dismissed (and reopen). Each transition is role-checked, checked against the
// state machine by a conditional UPDATE written with its audit row in one transaction, then
// mirrored into the item's room. A verdict becomes the item's gold and notifies the evaluators involved.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { allowed, requireItem, requireProject, requireUser, type ProjectAccess } from '../access';
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
	holdItem,
	openManualEscalation,
	rubricForItem,
	submittedEvaluators,
	transitionEscalation,
	verdictChange,
	type EscalationRow,
	type TransitionChange,
	type Verdict
} from '../../db/escalations';
import { escalationQueue, itemEscalationPage, myEscalations } from '../../db/escalation-queue';
import { escalationDetail } from '../../db/escalation-detail';
import { hasSubmitted } from '../../db/evaluations';
import { seesOthersWork } from '../../domain/blind';
import { overseesOnly } from '../../domain/permissions';
import { readDiscussion } from '#collab/room-doc';
import { roomName } from '#shared/rooms';
import { notify } from '../../db/notifications';
import { ACTIVE_STATES, isInvolved, transitionConflict, TRANSITIONS, type Transition } from '../../domain/escalation';
import { mirrorEscalation } from '../../domain/escalation-room';
import { Conflict, Forbidden, NotFound, Validation } from '../../domain/errors';
import { assertScoresFit } from '../../domain/scores';
import {
	escalationInputSchema,
	itemEscalationsQuerySchema,
	queueQuerySchema,
	transitionNoteSchema,
	verdictInputSchema
} from '#shared/escalation';

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();

async function loadItem(c: Ctx, id: string) {
	const item = await getItemRow(c.var.deps.db, id);
	if (!item) throw NotFound('No such item');
	return item;
}

async function loadEscalation(c: Ctx, id: string): Promise<EscalationRow> {
	const row = await getEscalation(c.var.deps.db, id);
	if (!row) throw NotFound('No such escalation');
	return row;
}

async function involved(db: Db, userId: string, e: Pick<EscalationRow, 'openedBy' | 'itemId'>): Promise<boolean> {
	return isInvolved(
		userId,
		e.openedBy,
		(await submittedEvaluators(db, e.itemId)).map((u) => u.id)
	);
}

/** Writes the view back into the room and answers with it. */
async function respond(c: Ctx, id: string, status: 200 | 201 = 200) {
	const view = (await getEscalationView(c.var.deps.db, id))!;
	await mirrorEscalation(c.var.deps.rooms, c.var.deps.logger, view);
	return c.json({ escalation: view }, status);
}

/**
 * Runs one transition: role check, then in one transaction the conditional update with its audit row and `after`.
 * The conditional update is the only decision (of racing callers, in this process or another node, exactly one
 * changes the row). A refusal is explained by the state read again after the update failed: on SQLite the
 * immediate transaction already makes the first read current; on PostgreSQL (read committed) the first read may
 * predate the winner's commit, but a statement after the failed update sees it.
 */
async function transition(
	c: Ctx,
	id: string,
	name: Transition,
	change: (row: EscalationRow, access: ProjectAccess) => Omit<TransitionChange, 'to' | 'action' | 'actorId'>,
	after?: (t: Db, updated: EscalationRow, actorId: string) => Promise<void>
): Promise<EscalationRow> {
	const { db } = c.var.deps;
	const existing = await loadEscalation(c, id);
	const access = await requireProject(c, existing.projectId, 'escalation.decide');
	const { from, to } = TRANSITIONS[name];
	return tx(db, async (t) => {
		const row = (await getEscalation(t, id))!;
		const updated = await transitionEscalation(t, id, from, {
			...change(row, access),
			to,
			action: `escalation.${name}`,
			actorId: access.user.id
		});
		if (!updated) throw transitionConflict((await getEscalation(t, id))!.state, name);
		await after?.(t, updated, access.user.id);
		return updated;
	});
}

app.post(
	'/items/:id/escalations',
	doc('escalations', 'Open an escalation', 'evaluator, lead', { status: 201 }),
	validate('json', escalationInputSchema),
	async (c) => {
		const { item, user } = await requireItem(c, c.req.param('id'), 'escalation.create');
		const { reason, note } = c.req.valid('json');
		const row = await tx(c.var.deps.db, async (t) => {
			// Openings on one item one after the other (every node), so the duplicate check sees the other's commit.
			await holdItem(t, item.id);
			const mineActive = (await escalationViewsForItem(t, item.id)).find(
				(e) => e.openedBy?.id === user.id && ACTIVE_STATES.includes(e.state)
			);
			if (mineActive)
				throw Conflict('You already have an open escalation on this item', { escalationId: mineActive.id });
			return openManualEscalation(t, item, user, reason, note);
		});
		await c.var.deps.events.emit('escalation.opened', {
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
	doc('escalations', 'Escalations of an item, oldest first, paged (evaluators: those they are involved in)', 'member'),
	validate('query', itemEscalationsQuerySchema),
	async (c) => {
		const { item, ...access } = await requireItem(c, c.req.param('id'), 'item.read');
		const { db } = c.var.deps;
		// Whoever is not involved in every escalation of the item (having submitted an evaluation of it) is
		// involved only in those they opened.
		const all =
			allowed(access, 'escalation.readQueue') ||
			isInvolved(
				access.user.id,
				null,
				(await submittedEvaluators(db, item.id)).map((u) => u.id)
			);
		const only = all ? {} : { openedBy: access.user.id };
		return c.json(await itemEscalationPage(db, item.id, only, c.req.valid('query')));
	}
);

app.get(
	'/escalations/:id',
	doc('escalations', 'One escalation with its case', 'lead, manager, admin, evaluators involved'),
	async (c) => {
		const row = await loadEscalation(c, c.req.param('id'));
		const access = await requireProject(c, row.projectId, 'project.read');
		const { db, rooms } = c.var.deps;
		const lead = allowed(access, 'escalation.readQueue');
		const isInvolvedEvaluator = !lead && access.role === 'evaluator' && (await involved(db, access.user.id, row));
		if (!lead && !isInvolvedEvaluator)
			throw Forbidden('Only leads, managers and the evaluators involved can open this escalation');
		const submitted = await hasSubmitted(db, row.itemId, access.user.id);
		const blind = !seesOthersWork({ role: access.role, submitted });
		const detail = await escalationDetail(db, (await getEscalationView(db, row.id))!, {
			withGold: allowed(access, 'item.readGold'),
			blind,
			can: { decide: allowed(access, 'escalation.decide'), discuss: !overseesOnly(access.role) && !blind }
		});
		// A blind evaluator stays out of the item's room (it holds everyone's score proposals): she reads its
		// discussion here instead.
		if (!blind) return c.json(detail);
		return c.json({ ...detail, discussion: await rooms.read(roomName('item', row.itemId), readDiscussion) });
	}
);

app.get(
	'/projects/:pid/escalations',
	doc(
		'escalations',
		'The escalation queue, filtered, sorted and paged by cursor (mine=1: the caller’s own)',
		'lead, manager (mine=1: any member)'
	),
	validate('query', queueQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		const q = c.req.valid('query');
		const { db } = c.var.deps;
		if (q.mine === '1') {
			const { user } = await requireProject(c, pid, 'project.read');
			return c.json(await myEscalations(db, pid, user.id, q));
		}
		await requireProject(c, pid, 'escalation.readQueue');
		return c.json(await escalationQueue(db, pid, q));
	}
);

app.post('/escalations/:id/claim', doc('escalations', 'Claim (open → in_review)', 'lead'), async (c) => {
	const id = c.req.param('id');
	await transition(c, id, 'claim', (_row, access) => ({ set: { claimedBy: access.user.id, claimedAt: Date.now() } }));
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
		const existing = await loadEscalation(c, id);
		await requireProject(c, existing.projectId, 'escalation.decide');
		const item = await loadItem(c, existing.itemId);
		const rubric = input.rubricId ? await getRubric(db, input.rubricId) : await rubricForItem(db, item);
		if (!rubric || rubric.projectId !== item.projectId)
			throw Validation('No rubric to check the verdict against', [{ path: 'rubricId', message: 'unknown rubric' }]);
		assertScoresFit(rubric, item.modality, input.scores, 'submitted');
		if (input.guidelineVersionId && !(await guidelineVersionInProject(db, item.projectId, input.guidelineVersionId))) {
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
		await transition(
			c,
			id,
			'verdict',
			() => verdictChange(verdict, now),
			(t, updated, actorId) => applyVerdict(t, updated, verdict, actorId, now)
		);
		await c.var.deps.events.emit('escalation.resolved', {
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
		const dismissed = await transition(
			c,
			id,
			'dismiss',
			() => ({ set: { verdictNote: note, closedAt: Date.now() }, data: { note } }),
			async (t, updated, actorId) => {
				if (updated.openedBy && updated.openedBy !== actorId) {
					await notify(t, [updated.openedBy], {
						projectId: updated.projectId,
						kind: 'escalation.dismissed',
						data: { escalationId: id, itemId: updated.itemId, note }
					});
				}
			}
		);
		await c.var.deps.events.emit('escalation.resolved', {
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
		await transition(c, id, 'reopen', (row) => ({
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
