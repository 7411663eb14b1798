// Calibration rows: sessions, their items, participants, rounds, blind sheets and consensus. Writes run in the
// caller's transaction and audit themselves there; phase changes are conditional updates (the WHERE clause names
// the phases a transition may start from), so of two racing leads exactly one moves the session. A sheet is
// written only while its round is still being scored, checked by a conditional update of the session in the same
// transaction: of a sheet and a reveal racing on two nodes, either the sheet lands before the reveal or it is refused.
import { and, asc, eq, exists, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { first } from './client';
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
import { Conflict } from '../domain/errors';
import { newId } from '../domain/ids';
import { OPEN_PHASES } from '../domain/calibration';
import { audit } from './audit';
import { setGold } from './items';
import type { PageRequest } from '#shared/paging';
import { keysetPage, ordered } from './paging';

export type CalibrationRow = typeof calibrations.$inferSelect;
export type SessionItemRow = typeof calibrationItems.$inferSelect;
export type RoundRow = typeof calibrationRounds.$inferSelect;

export function getCalibration(db: Db, id: string): Promise<CalibrationRow | undefined> {
	return first(db.select().from(calibrations).where(eq(calibrations.id, id)).limit(1));
}

const sessionsNewestFirst = ordered<CalibrationRow>(
	'calibrations',
	'desc',
	{ expr: calibrations.createdAt, type: 'number', of: (r) => r.createdAt },
	{ expr: calibrations.id, type: 'text', of: (r) => r.id }
);

/**
 * One page of a project's sessions, newest first; `participantId`: only the sessions that person takes part in;
 * `live`: only the sessions not closed.
 */
export async function calibrationsOfProject(
	db: Db,
	projectId: string,
	f: PageRequest & { participantId?: string; live?: boolean }
): Promise<{ rows: CalibrationRow[]; nextCursor: string | null }> {
	const keyset = keysetPage(db, sessionsNewestFirst, f);
	const takesPart = (userId: string) =>
		exists(
			db
				.select({ one: sql`1` })
				.from(calibrationParticipants)
				.where(
					and(eq(calibrationParticipants.calibrationId, calibrations.id), eq(calibrationParticipants.userId, userId))
				)
		);
	const found = await db
		.select()
		.from(calibrations)
		.where(
			and(
				eq(calibrations.projectId, projectId),
				f.participantId ? takesPart(f.participantId) : undefined,
				f.live ? inArray(calibrations.phase, [...OPEN_PHASES]) : undefined,
				keyset.after
			)
		)
		.orderBy(...keyset.orderBy)
		.limit(keyset.limit);
	return keyset.finish(found);
}

export interface NewCalibration {
	projectId: string;
	title: string;
	rubricId: string;
	itemIds: string[];
	participantIds: string[];
	createdBy: string;
}

export async function createCalibration(t: Db, input: NewCalibration): Promise<CalibrationRow> {
	const now = Date.now();
	const [row] = await t
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
		.returning();
	for (const [position, itemId] of input.itemIds.entries())
		await t.insert(calibrationItems).values({ calibrationId: row.id, itemId, position, activeRound: 1 });
	for (const userId of input.participantIds)
		await t.insert(calibrationParticipants).values({ calibrationId: row.id, userId });
	await t.insert(calibrationRounds).values({ calibrationId: row.id, round: 1, startedAt: now });
	await audit(t, {
		actorId: input.createdBy,
		projectId: input.projectId,
		action: 'calibration.create',
		entityType: 'calibration',
		entityId: row.id,
		data: { title: input.title, rubricId: input.rubricId, itemIds: input.itemIds, participantIds: input.participantIds }
	});
	return row;
}

export function sessionItemRows(db: Db, calibrationId: string): Promise<SessionItemRow[]> {
	return db
		.select()
		.from(calibrationItems)
		.where(eq(calibrationItems.calibrationId, calibrationId))
		.orderBy(asc(calibrationItems.position));
}

export function sessionItemRow(db: Db, calibrationId: string, itemId: string): Promise<SessionItemRow | undefined> {
	return first(
		db
			.select()
			.from(calibrationItems)
			.where(and(eq(calibrationItems.calibrationId, calibrationId), eq(calibrationItems.itemId, itemId)))
			.limit(1)
	);
}

export function participantsOf(db: Db, calibrationId: string): Promise<Person[]> {
	return db
		.select({ id: users.id, name: users.name })
		.from(calibrationParticipants)
		.innerJoin(users, eq(users.id, calibrationParticipants.userId))
		.where(eq(calibrationParticipants.calibrationId, calibrationId))
		.orderBy(asc(users.name));
}

export async function participantsOfMany(db: Db, calibrationIds: string[]): Promise<Map<string, Person[]>> {
	const out = new Map<string, Person[]>(calibrationIds.map((id) => [id, []]));
	if (!calibrationIds.length) return out;
	const rows = await db
		.select({ calibrationId: calibrationParticipants.calibrationId, id: users.id, name: users.name })
		.from(calibrationParticipants)
		.innerJoin(users, eq(users.id, calibrationParticipants.userId))
		.where(inArray(calibrationParticipants.calibrationId, calibrationIds))
		.orderBy(asc(users.name));
	for (const r of rows) out.get(r.calibrationId)?.push({ id: r.id, name: r.name });
	return out;
}

export function roundsOf(db: Db, calibrationId: string): Promise<RoundRow[]> {
	return db
		.select()
		.from(calibrationRounds)
		.where(eq(calibrationRounds.calibrationId, calibrationId))
		.orderBy(asc(calibrationRounds.round));
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
export async function sheetsOf(db: Db, calibrationId: string): Promise<CalibrationScore[]> {
	const found = await db
		.select()
		.from(calibrationScores)
		.where(eq(calibrationScores.calibrationId, calibrationId))
		.orderBy(asc(calibrationScores.round), asc(calibrationScores.submittedAt));
	return found.map(toSheet);
}

/** Who submitted in a round (not what): pairs of item and user. */
export function submittersOf(
	db: Db,
	calibrationId: string,
	round: number
): Promise<{ itemId: string; userId: string }[]> {
	return db
		.select({ itemId: calibrationScores.itemId, userId: calibrationScores.userId })
		.from(calibrationScores)
		.where(and(eq(calibrationScores.calibrationId, calibrationId), eq(calibrationScores.round, round)));
}

export interface SheetWrite {
	calibrationId: string;
	projectId: string;
	itemId: string;
	userId: string;
	round: number;
	input: CalibrationScoreInput;
}

/** Saves (or replaces, before the reveal) one participant's sheet for the current round. Fails with a conflict
 * when the session is no longer scoring round `w.round` (a lead revealed, started a round or closed it meanwhile);
 * until the transaction ends, no one else can move the session. */
export async function saveSheet(t: Db, w: SheetWrite): Promise<CalibrationScore> {
	// A no-op update that only matches while the round is being scored: it takes the session's row, so a phase
	// change racing with this sheet waits for it (or this sheet sees the change and is refused).
	const scoring = await t
		.update(calibrations)
		.set({ round: w.round })
		.where(
			and(eq(calibrations.id, w.calibrationId), eq(calibrations.phase, 'scoring'), eq(calibrations.round, w.round))
		)
		.returning({ id: calibrations.id });
	if (!scoring.length) throw Conflict('This round is no longer being scored; reload the session', { round: w.round });
	const now = Date.now();
	const values = {
		scores: w.input.scores,
		rationale: w.input.rationale,
		spans: w.input.spans,
		timeSpentMs: w.input.timeSpentMs,
		submittedAt: now
	};
	const [row] = await t
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
		.returning();
	// The audit row records that a sheet was submitted, not its content: the trail must not unblind the round.
	await audit(t, {
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
export async function changePhase(t: Db, id: string, change: PhaseChange): Promise<CalibrationRow | undefined> {
	const [row] = await t
		.update(calibrations)
		.set({ ...change.set, phase: change.to })
		.where(and(eq(calibrations.id, id), inArray(calibrations.phase, [...change.from])))
		.returning();
	if (row)
		await audit(t, {
			actorId: change.actorId,
			projectId: row.projectId,
			action: change.action,
			entityType: 'calibration',
			entityId: id,
			data: { from: change.from, to: change.to, round: row.round, ...change.data }
		});
	return row;
}

export async function markRoundRevealed(t: Db, calibrationId: string, round: number, at: number): Promise<void> {
	await t
		.update(calibrationRounds)
		.set({ revealedAt: at })
		.where(and(eq(calibrationRounds.calibrationId, calibrationId), eq(calibrationRounds.round, round)));
}

/** Opens round `round` on the given items (they become active in it). */
export async function openRound(
	t: Db,
	calibrationId: string,
	round: number,
	itemIds: string[],
	at: number
): Promise<void> {
	await t.insert(calibrationRounds).values({ calibrationId, round, startedAt: at });
	await t
		.update(calibrationItems)
		.set({ activeRound: round })
		.where(and(eq(calibrationItems.calibrationId, calibrationId), inArray(calibrationItems.itemId, itemIds)));
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
export async function saveConsensus(t: Db, w: ConsensusWrite): Promise<void> {
	const now = Date.now();
	const values = { scores: w.scores, note: w.note, decidedBy: w.decidedBy, decidedAt: now };
	await t
		.insert(calibrationConsensus)
		.values({ calibrationId: w.calibrationId, itemId: w.itemId, ...values })
		.onConflictDoUpdate({ target: [calibrationConsensus.calibrationId, calibrationConsensus.itemId], set: values });
	await setGold(t, w.itemId, {
		scores: w.scores,
		note: w.note,
		source: 'calibration',
		calibrationId: w.calibrationId,
		rubricId: w.rubricId,
		decidedBy: w.decidedBy,
		decidedAt: now
	});
	await audit(t, {
		actorId: w.decidedBy,
		projectId: w.projectId,
		action: 'calibration.consensus',
		entityType: 'calibration',
		entityId: w.calibrationId,
		data: { itemId: w.itemId, scores: w.scores, note: w.note }
	});
}

export async function consensusOf(db: Db, calibrationId: string): Promise<CalibrationConsensus[]> {
	const found = await db
		.select({ c: calibrationConsensus, name: users.name })
		.from(calibrationConsensus)
		.innerJoin(users, eq(users.id, calibrationConsensus.decidedBy))
		.where(eq(calibrationConsensus.calibrationId, calibrationId))
		.orderBy(asc(calibrationConsensus.itemId));
	return found.map((r) => ({
		itemId: r.c.itemId,
		scores: r.c.scores as Scores,
		note: r.c.note,
		decidedBy: { id: r.c.decidedBy, name: r.name },
		decidedAt: r.c.decidedAt
	}));
}
