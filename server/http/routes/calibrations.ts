// Calibration sessions: create (lead), list, read (participants, leads, managers), blind scoring (participants),
// reveal / new round / close / cancel / consensus (lead), and the report (lead, manager; JSON or CSV). Every
// decision is role-checked here, rule-checked by domain/calibration.ts inside one transaction with its audit row,
// then the session's public state is mirrored into its `session:<id>` room. Ending a session (close, cancel)
// re-checks the room's open connections before answering, so they are read-only by then.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env';
import { allowed, requireProject, type ProjectAccess } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { tx } from '../../db/client';
import { getItemRow } from '../../db/items';
import { getRubric, latestRubrics } from '../../db/projects';
import { roleIn } from '../../db/users';
import { notify } from '../../db/notifications';
import {
	changePhase,
	createCalibration,
	getCalibration,
	markRoundRevealed,
	openRound,
	saveConsensus,
	saveSheet,
	sessionItemRow,
	sessionItemRows
} from '../../db/calibrations';
import {
	calibrationSummaries,
	calibrationView,
	loadSession,
	publicState,
	type SessionFacts
} from '../../db/calibration-view';
import { calibrationCandidates } from '../../db/calibration-candidates';
import { agreementFiguresFor } from '../../db/agreement-figures';
import {
	assertMayDecideConsensus,
	assertMayScore,
	assertParticipants,
	assertTransition,
	itemsForNewRound,
	sessionIsReadOnly
} from '../../domain/calibration';
import { overseesOnly } from '../../domain/permissions';
import { visibleSheets } from '../../domain/blind';
import { mirrorCalibration } from '../../domain/calibration-room';
import { buildReport } from '../../domain/calibration-report';
import { reportCsv } from '../../domain/calibration-report-csv';
import { Conflict, Forbidden, NotFound, Validation } from '../../domain/errors';
import { assertScoresFit } from '../../domain/scores';
import {
	calibrationScoreInputSchema,
	calibrationsQuerySchema,
	candidatesQuerySchema,
	consensusInputSchema,
	createCalibrationSchema,
	roundInputSchema
} from '#shared/calibration';
import { dimensionsFor } from '#shared/rubric';
import type { Modality } from '#shared/items';
import { itemExcerpt } from '#shared/item-excerpt';
import { roomName } from '#shared/rooms';

type Ctx = Context<AppEnv>;
const app = new Hono<AppEnv>();
const REPORT_MEDIA = { 'application/json': 'the report (default)', 'text/csv': 'the same report with format=csv' };

interface Opened {
	f: SessionFacts;
	access: ProjectAccess;
	isParticipant: boolean;
}

/** Loads a session the caller may open: its participants, and whoever may read every session (leads, managers). */
async function open(c: Ctx, id: string): Promise<Opened> {
	const f = await loadSession(c.var.deps.db, id);
	if (!f) throw NotFound('No such calibration session');
	const access = await requireProject(c, f.row.projectId, 'project.read');
	const isParticipant = f.participants.some((p) => p.id === access.user.id);
	if (!isParticipant && !allowed(access, 'calibration.readAll'))
		throw Forbidden('Only the participants, leads and managers can open this session');
	return { f, access, isParticipant };
}

function viewFor(o: Opened) {
	const { access, isParticipant } = o;
	const open = !sessionIsReadOnly(o.f.row.phase);
	return calibrationView(o.f, {
		id: access.user.id,
		withGold: allowed(access, 'item.readGold'),
		can: {
			decide: allowed(access, 'calibration.decide'),
			score: open && isParticipant && !overseesOnly(access.role),
			discuss: open && (access.role === 'lead' || (isParticipant && access.role === 'evaluator'))
		}
	});
}

/** Re-reads the session after a change, mirrors its public state into the room, and answers with the caller's view. */
async function respond(c: Ctx, id: string, status: 200 | 201 = 200) {
	const o = await open(c, id);
	await mirrorCalibration(c.var.deps.rooms, c.var.deps.logger, publicState(o.f));
	return c.json(viewFor(o), status);
}

async function requireDecider(c: Ctx, id: string) {
	const row = await getCalibration(c.var.deps.db, id);
	if (!row) throw NotFound('No such calibration session');
	return { row, access: await requireProject(c, row.projectId, 'calibration.decide') };
}

app.get(
	'/projects/:pid/calibrations',
	doc('calibrations', 'Calibration sessions, newest first, paged (evaluators: the ones they take part in)', 'member'),
	validate('query', calibrationsQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		const access = await requireProject(c, pid, 'project.read');
		const all = allowed(access, 'calibration.readAll');
		const { live, ...page } = c.req.valid('query');
		return c.json(await calibrationSummaries(c.var.deps.db, pid, access.user.id, all, { ...page, live: live === '1' }));
	}
);

app.get(
	'/projects/:pid/calibration-candidates',
	doc('calibrations', 'Items worth calibrating on, with their disagreement', 'lead'),
	validate('query', candidatesQuerySchema),
	async (c) => {
		const pid = c.req.param('pid');
		await requireProject(c, pid, 'calibration.create');
		const q = c.req.valid('query');
		const { db } = c.var.deps;
		const rubric = q.rubricId ? await getRubric(db, q.rubricId) : (await latestRubrics(db, pid))[0];
		if (!rubric || rubric.projectId !== pid)
			throw Validation('Unknown rubric', [{ path: 'rubricId', message: 'is not a rubric of this project' }]);
		return c.json({
			rubricId: rubric.id,
			...(await calibrationCandidates(db, agreementFiguresFor(c.var.deps).figures, pid, rubric, q))
		});
	}
);

app.post(
	'/projects/:pid/calibrations',
	doc('calibrations', 'Start a calibration session', 'lead', { status: 201 }),
	validate('json', createCalibrationSchema),
	async (c) => {
		const pid = c.req.param('pid');
		const { user } = await requireProject(c, pid, 'calibration.create');
		const input = c.req.valid('json');
		const { db } = c.var.deps;
		const rubric = await getRubric(db, input.rubricId);
		if (!rubric || rubric.projectId !== pid)
			throw Validation('Unknown rubric', [{ path: 'rubricId', message: 'is not a rubric of this project' }]);
		const items = await Promise.all(input.itemIds.map((id) => getItemRow(db, id)));
		const problems = items.flatMap((item, i) => {
			if (!item || item.projectId !== pid) return [{ path: `itemIds.${i}`, message: 'is not an item of this project' }];
			return dimensionsFor(rubric, item.modality).length
				? []
				: [{ path: `itemIds.${i}`, message: `the rubric has no dimensions for ${item.modality} items` }];
		});
		if (problems.length) throw Validation('Some items cannot be calibrated with this rubric', problems);
		const roles = await Promise.all(input.participantIds.map(async (id) => [id, await roleIn(db, pid, id)] as const));
		assertParticipants(input.participantIds, new Map(roles));
		const row = await tx(db, async (t) => {
			const created = await createCalibration(t, { ...input, projectId: pid, createdBy: user.id });
			const invited = input.participantIds.filter((id) => id !== user.id);
			await notify(t, invited, {
				projectId: pid,
				kind: 'calibration.invited',
				data: {
					calibrationId: created.id,
					title: input.title,
					by: user.name,
					href: `/projects/${pid}/calibrations/${created.id}`
				}
			});
			return created;
		});
		return respond(c, row.id, 201);
	}
);

app.get(
	'/calibrations/:id',
	doc('calibrations', 'A session; others’ scores only after reveal', 'participant, lead, manager'),
	async (c) => c.json(viewFor(await open(c, c.req.param('id'))))
);

app.post(
	'/calibrations/:id/items/:itemId/scores',
	doc('calibrations', 'Blind score for the current round', 'participant', { status: 201 }),
	validate('json', calibrationScoreInputSchema),
	async (c) => {
		const id = c.req.param('id');
		const itemId = c.req.param('itemId');
		const o = await open(c, id);
		const input = c.req.valid('json');
		const item = o.f.itemRows.find((i) => i.id === itemId);
		const userId = o.access.user.id;
		const score = await tx(c.var.deps.db, async (t) => {
			// Re-read inside the transaction: a reveal committed a moment ago must refuse this sheet.
			const row = (await getCalibration(t, id))!;
			assertMayScore({
				phase: row.phase,
				round: row.round,
				isParticipant: o.isParticipant && !overseesOnly(o.access.role),
				itemActiveRound: (await sessionItemRow(t, id, itemId))?.activeRound ?? null
			});
			if (item) assertScoresFit(o.f.rubric, item.modality, input.scores, 'submitted');
			return saveSheet(t, { calibrationId: id, projectId: row.projectId, itemId, userId, round: row.round, input });
		});
		const after = (await loadSession(c.var.deps.db, id))!;
		await mirrorCalibration(c.var.deps.rooms, c.var.deps.logger, publicState(after));
		return c.json({ score }, 201);
	}
);

app.post('/calibrations/:id/reveal', doc('calibrations', 'Reveal the scores', 'lead'), async (c) => {
	const id = c.req.param('id');
	const { access } = await requireDecider(c, id);
	await tx(c.var.deps.db, async (t) => {
		const row = (await getCalibration(t, id))!;
		assertTransition(row.phase, 'reveal');
		const moved = await changePhase(t, id, {
			from: ['scoring'],
			to: 'revealed',
			actorId: access.user.id,
			action: 'calibration.reveal'
		});
		if (!moved) throw Conflict('Someone else changed this session first; reload it');
		await markRoundRevealed(t, id, row.round, Date.now());
	});
	return respond(c, id);
});

app.post(
	'/calibrations/:id/rounds',
	doc('calibrations', 'Start a re-score round', 'lead'),
	validate('json', roundInputSchema),
	async (c) => {
		const id = c.req.param('id');
		const { access } = await requireDecider(c, id);
		const { itemIds } = c.req.valid('json');
		await tx(c.var.deps.db, async (t) => {
			const row = (await getCalibration(t, id))!;
			assertTransition(row.phase, 'round');
			const chosen = itemsForNewRound(
				itemIds,
				(await sessionItemRows(t, id)).map((s) => s.itemId)
			);
			const next = row.round + 1;
			const moved = await changePhase(t, id, {
				from: ['revealed'],
				to: 'scoring',
				set: { round: next },
				actorId: access.user.id,
				action: 'calibration.round',
				data: { itemIds: chosen }
			});
			if (!moved) throw Conflict('Someone else changed this session first; reload it');
			await openRound(t, id, next, chosen, Date.now());
		});
		return respond(c, id);
	}
);

app.post('/calibrations/:id/close', doc('calibrations', 'Close the session', 'lead'), async (c) => {
	const id = c.req.param('id');
	const { access } = await requireDecider(c, id);
	const now = Date.now();
	const row = await tx(c.var.deps.db, async (t) => {
		const current = (await getCalibration(t, id))!;
		assertTransition(current.phase, 'close');
		// Closing opens everything: a round still being scored counts as revealed now.
		if (current.phase === 'scoring') await markRoundRevealed(t, id, current.round, now);
		const moved = await changePhase(t, id, {
			from: ['scoring', 'revealed'],
			to: 'closed',
			set: { closedAt: now },
			actorId: access.user.id,
			action: 'calibration.close'
		});
		if (!moved) throw Conflict('Someone else changed this session first; reload it');
		return moved;
	});
	await c.var.deps.rooms.recheckRoom(roomName('session', id));
	await c.var.deps.events.emit('calibration.closed', {
		projectId: row.projectId,
		calibrationId: id,
		closedBy: access.user.id
	});
	return respond(c, id);
});

app.post(
	'/calibrations/:id/cancel',
	doc('calibrations', 'Cancel the session without revealing anything; submitted sheets are kept', 'lead'),
	async (c) => {
		const id = c.req.param('id');
		const { access } = await requireDecider(c, id);
		await tx(c.var.deps.db, async (t) => {
			const current = (await getCalibration(t, id))!;
			assertTransition(current.phase, 'cancel');
			// Unlike close, no round is marked revealed: a round being scored stays blind (blind.ts).
			const moved = await changePhase(t, id, {
				from: ['scoring', 'revealed'],
				to: 'cancelled',
				set: { closedAt: Date.now() },
				actorId: access.user.id,
				action: 'calibration.cancel'
			});
			if (!moved) throw Conflict('Someone else changed this session first; reload it');
		});
		await c.var.deps.rooms.recheckRoom(roomName('session', id));
		return respond(c, id);
	}
);

app.post(
	'/calibrations/:id/items/:itemId/consensus',
	doc('calibrations', 'Record consensus (becomes gold)', 'lead'),
	validate('json', consensusInputSchema),
	async (c) => {
		const id = c.req.param('id');
		const itemId = c.req.param('itemId');
		const { row, access } = await requireDecider(c, id);
		const { db } = c.var.deps;
		const rubric = (await getRubric(db, row.rubricId))!;
		const item = await getItemRow(db, itemId);
		const input = c.req.valid('json');
		await tx(db, async (t) => {
			const current = (await getCalibration(t, id))!;
			const itemActiveRound = (await sessionItemRow(t, id, itemId))?.activeRound ?? null;
			assertMayDecideConsensus(current.phase, current.round, itemActiveRound);
			assertScoresFit(rubric, item!.modality, input.scores, 'submitted');
			await saveConsensus(t, {
				calibrationId: id,
				projectId: current.projectId,
				itemId,
				rubricId: rubric.id,
				scores: input.scores,
				note: input.note,
				decidedBy: access.user.id
			});
		});
		return respond(c, id);
	}
);

app.get(
	'/calibrations/:id/report',
	doc('calibrations', 'Agreement per round and deviation per participant', 'lead, manager', { produces: REPORT_MEDIA }),
	async (c) => {
		const id = c.req.param('id');
		const f = await loadSession(c.var.deps.db, id);
		if (!f) throw NotFound('No such calibration session');
		await requireProject(c, f.row.projectId, 'calibration.readAll');
		const { open: sheets } = visibleSheets(f.sheets, f.rounds, f.row.phase, '', f.row.round);
		const pub = publicState(f);
		const report = buildReport({
			calibration: pub.calibration,
			rubric: f.rubric,
			items: f.itemRows.map((i) => ({
				id: i.id,
				externalId: i.externalId,
				modality: i.modality,
				excerpt: itemExcerpt({ modality: i.modality as Modality, payload: i.payload }, 120)
			})),
			participants: f.participants,
			rounds: pub.rounds,
			sheets,
			consensus: f.consensus,
			threshold: f.threshold,
			now: Date.now()
		});
		if (c.req.query('format') === 'csv') {
			const name = `calibration-${id}.csv`;
			return c.body(reportCsv(report), 200, {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${name}"`
			});
		}
		return c.json(report);
	}
);

export default app;
