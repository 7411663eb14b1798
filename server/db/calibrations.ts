// Calibration rows: sessions, their items, participants, rounds, blind sheets and consensus. Writes run in the
// caller's transaction and audit themselves there; phase changes are conditional updates (the WHERE clause names
// the phases a transition may start from), so of two racing leads exactly one moves the session.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import {
	calibrationConsensus,
	calibrationItems,
	calibrationParticipants,
	calibrationRounds,
	calibrationScores,
	calibrations,
	users
} from '../../drizzle/schema';
import type {
	CalibrationConsensus,
	CalibrationPhase,
	CalibrationScore,
	CalibrationScoreInput,
	Person
} from '#shared/calibration';
import type { Scores, Span } from '#shared/evaluation';
import { newId } from '../domain/ids';
import { audit } from './audit';
import { setGold } from './items';

export type CalibrationRow = typeof calibrations.$inferSelect;
export type SessionItemRow = typeof calibrationItems.$inferSelect;
export type RoundRow = typeof calibrationRounds.$inferSelect;

export function getCalibration(db: Db, id: string): CalibrationRow | undefined {
	return db.select().from(calibrations).where(eq(calibrations.id, id)).get();
}

export function calibrationsOfProject(db: Db, projectId: string): CalibrationRow[] {
	return db
		.select()
		.from(calibrations)
		.where(eq(calibrations.projectId, projectId))
		.orderBy(asc(calibrations.createdAt))
		.all();
}

export interface NewCalibration {
	projectId: string;
	title: string;
	rubricId: string;
	itemIds: string[];
	participantIds: string[];
	createdBy: string;
}

export function createCalibration(t: Db, input: NewCalibration): CalibrationRow {
	const now = Date.now();
	const row = t
		.insert(calibrations)
		.values({
			id: newId(),
			projectId: input.projectId,
			title: input.title,
			rubricId: input.rubricId,
			phase: 'scoring',
			round: 1,
			createdBy: input.createdBy,
			createdAt: now
		})
		.returning()
		.get();
	input.itemIds.forEach((itemId, position) =>
		t.insert(calibrationItems).values({ calibrationId: row.id, itemId, position, activeRound: 1 }).run()
	);
	for (const userId of input.participantIds)
		t.insert(calibrationParticipants).values({ calibrationId: row.id, userId }).run();
	t.insert(calibrationRounds).values({ calibrationId: row.id, round: 1, startedAt: now }).run();
	audit(t, {
		actorId: input.createdBy,
		projectId: input.projectId,
		action: 'calibration.create',
		entityType: 'calibration',
		entityId: row.id,
		data: { title: input.title, rubricId: input.rubricId, itemIds: input.itemIds, participantIds: input.participantIds }
	});
	return row;
}

export function sessionItemRows(db: Db, calibrationId: string): SessionItemRow[] {
	return db
		.select()
		.from(calibrationItems)
		.where(eq(calibrationItems.calibrationId, calibrationId))
		.orderBy(asc(calibrationItems.position))
		.all();
}

export function sessionItemRow(db: Db, calibrationId: string, itemId: string): SessionItemRow | undefined {
	return db
		.select()
		.from(calibrationItems)
		.where(and(eq(calibrationItems.calibrationId, calibrationId), eq(calibrationItems.itemId, itemId)))
		.get();
}

export function participantsOf(db: Db, calibrationId: string): Person[] {
	return db
		.select({ id: users.id, name: users.name })
		.from(calibrationParticipants)
		.innerJoin(users, eq(users.id, calibrationParticipants.userId))
		.where(eq(calibrationParticipants.calibrationId, calibrationId))
		.orderBy(asc(users.name))
		.all();
}

export function participantsOfMany(db: Db, calibrationIds: string[]): Map<string, Person[]> {
	const out = new Map<string, Person[]>(calibrationIds.map((id) => [id, []]));
	if (!calibrationIds.length) return out;
	const rows = db
		.select({ calibrationId: calibrationParticipants.calibrationId, id: users.id, name: users.name })
		.from(calibrationParticipants)
		.innerJoin(users, eq(users.id, calibrationParticipants.userId))
		.where(inArray(calibrationParticipants.calibrationId, calibrationIds))
		.orderBy(asc(users.name))
		.all();
	for (const r of rows) out.get(r.calibrationId)?.push({ id: r.id, name: r.name });
	return out;
}

export function roundsOf(db: Db, calibrationId: string): RoundRow[] {
	return db
		.select()
		.from(calibrationRounds)
		.where(eq(calibrationRounds.calibrationId, calibrationId))
		.orderBy(asc(calibrationRounds.round))
		.all();
}

type SheetRow = typeof calibrationScores.$inferSelect;
const toSheet = (r: SheetRow): CalibrationScore => ({
	itemId: r.itemId,
	userId: r.userId,
	round: r.round,
	scores: r.scores as Scores,
	rationale: r.rationale,
	spans: r.spans as Span[],
	timeSpentMs: r.timeSpentMs,
	submittedAt: r.submittedAt
});

/** Every sheet of a session, oldest round first. Callers must filter them through visibleSheets before sending. */
export function sheetsOf(db: Db, calibrationId: string): CalibrationScore[] {
	return db
		.select()
		.from(calibrationScores)
		.where(eq(calibrationScores.calibrationId, calibrationId))
		.orderBy(asc(calibrationScores.round), asc(calibrationScores.submittedAt))
		.all()
		.map(toSheet);
}

/** Who submitted in a round (not what): pairs of item and user. */
export function submittersOf(db: Db, calibrationId: string, round: number): { itemId: string; userId: string }[] {
	return db
		.select({ itemId: calibrationScores.itemId, userId: calibrationScores.userId })
		.from(calibrationScores)
		.where(and(eq(calibrationScores.calibrationId, calibrationId), eq(calibrationScores.round, round)))
		.all();
}

export interface SheetWrite {
	calibrationId: string;
	projectId: string;
	itemId: string;
	userId: string;
	round: number;
	input: CalibrationScoreInput;
}

/** Saves (or replaces, before the reveal) one participant's sheet for the current round. */
export function saveSheet(t: Db, w: SheetWrite): CalibrationScore {
	const now = Date.now();
	const values = {
		scores: w.input.scores,
		rationale: w.input.rationale,
		spans: w.input.spans,
		timeSpentMs: w.input.timeSpentMs,
		submittedAt: now
	};
	const row = t
		.insert(calibrationScores)
		.values({
			id: newId(),
			calibrationId: w.calibrationId,
			itemId: w.itemId,
			userId: w.userId,
			round: w.round,
			...values
		})
		.onConflictDoUpdate({
			target: [
				calibrationScores.calibrationId,
				calibrationScores.itemId,
				calibrationScores.userId,
				calibrationScores.round
			],
			set: values
		})
		.returning()
		.get();
	// The audit row records that a sheet was submitted, not its content: the trail must not unblind the round.
	audit(t, {
		actorId: w.userId,
		projectId: w.projectId,
		action: 'calibration.score',
		entityType: 'calibration',
		entityId: w.calibrationId,
		data: { itemId: w.itemId, round: w.round, sheetId: row.id }
	});
	return toSheet(row);
}

export interface PhaseChange {
	from: readonly CalibrationPhase[];
	to: CalibrationPhase;
	set?: Partial<Pick<CalibrationRow, 'round' | 'closedAt'>>;
	actorId: string;
	action: string;
	data?: Record<string, unknown>;
}

/** Moves a session to `to` only if it is still in one of `from`; undefined when someone else moved it first. */
export function changePhase(t: Db, id: string, change: PhaseChange): CalibrationRow | undefined {
	const row = t
		.update(calibrations)
		.set({ ...change.set, phase: change.to })
		.where(and(eq(calibrations.id, id), inArray(calibrations.phase, [...change.from])))
		.returning()
		.get();
	if (row)
		audit(t, {
			actorId: change.actorId,
			projectId: row.projectId,
			action: change.action,
			entityType: 'calibration',
			entityId: id,
			data: { from: change.from, to: change.to, round: row.round, ...change.data }
		});
	return row;
}

export function markRoundRevealed(t: Db, calibrationId: string, round: number, at: number): void {
	t.update(calibrationRounds)
		.set({ revealedAt: at })
		.where(and(eq(calibrationRounds.calibrationId, calibrationId), eq(calibrationRounds.round, round)))
		.run();
}

/** Opens round `round` on the given items (they become active in it). */
export function openRound(t: Db, calibrationId: string, round: number, itemIds: string[], at: number): void {
	t.insert(calibrationRounds).values({ calibrationId, round, startedAt: at }).run();
	t.update(calibrationItems)
		.set({ activeRound: round })
		.where(and(eq(calibrationItems.calibrationId, calibrationId), inArray(calibrationItems.itemId, itemIds)))
		.run();
}

export interface ConsensusWrite {
	calibrationId: string;
	projectId: string;
	itemId: string;
	rubricId: string;
	scores: Scores;
	note: string;
	decidedBy: string;
}

/** Records (or revises) the consensus on an item and makes it the item's gold answer. */
export function saveConsensus(t: Db, w: ConsensusWrite): void {
	const now = Date.now();
	const values = { scores: w.scores, note: w.note, decidedBy: w.decidedBy, decidedAt: now };
	t.insert(calibrationConsensus)
		.values({ calibrationId: w.calibrationId, itemId: w.itemId, ...values })
		.onConflictDoUpdate({ target: [calibrationConsensus.calibrationId, calibrationConsensus.itemId], set: values })
		.run();
	setGold(t, w.itemId, {
		scores: w.scores,
		note: w.note,
		source: 'calibration',
		calibrationId: w.calibrationId,
		rubricId: w.rubricId,
		decidedBy: w.decidedBy,
		decidedAt: now
	});
	audit(t, {
		actorId: w.decidedBy,
		projectId: w.projectId,
		action: 'calibration.consensus',
		entityType: 'calibration',
		entityId: w.calibrationId,
		data: { itemId: w.itemId, scores: w.scores, note: w.note }
	});
}

export function consensusOf(db: Db, calibrationId: string): CalibrationConsensus[] {
	return db
		.select({ c: calibrationConsensus, name: users.name })
		.from(calibrationConsensus)
		.innerJoin(users, eq(users.id, calibrationConsensus.decidedBy))
		.where(eq(calibrationConsensus.calibrationId, calibrationId))
		.all()
		.map((r) => ({
			itemId: r.c.itemId,
			scores: r.c.scores as Scores,
			note: r.c.note,
			decidedBy: { id: r.c.decidedBy, name: r.name },
			decidedAt: r.c.decidedAt
		}));
}
