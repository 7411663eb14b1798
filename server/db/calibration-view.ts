// Builds what people see of a calibration session: the public state (also mirrored into the room), the full
// view for one viewer (public state + the items + the viewer's own blind sheets), and the project's list.
// Every sheet passes through visibleSheets (domain/calibration.ts): a round's sheets leave the server only
// once it is revealed, except each participant's own. Model judges' scores ride only inside open rounds.
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { calibrationItems, calibrations, items as itemsTable, rubrics } from '../../drizzle/schema';
import type {
	CalibrationPublicState,
	CalibrationRoundInfo,
	CalibrationScore,
	CalibrationSummary,
	CalibrationView,
	RevealedRound
} from '#shared/calibration';
import { dimensionsFor, type Rubric } from '#shared/rubric';
import type { Item } from '#shared/items';
import type { PageRequest } from '#shared/paging';
import { roundItemIds } from '../domain/calibration';
import { roundIsOpen, visibleSheets } from '../domain/blind';
import { sessionIsReadOnly } from '../domain/calibration';
import { itemFigures, pooledFigures, SESSION_METRIC } from '../domain/calibration-agreement';
import {
	calibrationsOfProject,
	consensusOf,
	getCalibration,
	participantsOf,
	participantsOfMany,
	roundsOf,
	sessionItemRows,
	sheetsOf,
	submittersOf,
	type CalibrationRow,
	type RoundRow,
	type SessionItemRow
} from './calibrations';
import { toItem } from './items';
import { getProject, getRubric } from './projects';
import { findUser } from './users';
import { judgeColumnsForItems } from './judge-columns';
import type { JudgeColumn } from '#shared/judge-rooms';

type ItemRow = typeof itemsTable.$inferSelect;

export interface SessionFacts {
	row: CalibrationRow;
	rubric: Rubric;
	sessionItems: SessionItemRow[];
	itemRows: ItemRow[];
	participants: { id: string; name: string }[];
	rounds: RoundRow[];
	sheets: CalibrationScore[];
	consensus: Awaited<ReturnType<typeof consensusOf>>;
	threshold: number;
	createdByName: string;
	/** Model judges' newest scores per session item: leave the server only inside an open round (revealedRounds). */
	judgeColumns: Map<string, JudgeColumn[]>;
}

export async function loadSession(db: Db, id: string): Promise<SessionFacts | null> {
	const row = await getCalibration(db, id);
	if (!row) return null;
	const rubric = await getRubric(db, row.rubricId);
	if (!rubric) return null;
	const sessionItems = await sessionItemRows(db, id);
	const ids = sessionItems.map((s) => s.itemId);
	const found = await db
		.select()
		.from(itemsTable)
		.where(inArray(itemsTable.id, ids.length ? ids : ['']));
	const byId = new Map(found.map((r) => [r.id, r]));
	return {
		row,
		rubric,
		sessionItems,
		itemRows: ids.map((i) => byId.get(i)!).filter(Boolean),
		participants: await participantsOf(db, id),
		rounds: await roundsOf(db, id),
		sheets: await sheetsOf(db, id),
		consensus: await consensusOf(db, id),
		threshold: (await getProject(db, row.projectId))?.settings.agreementThreshold ?? 0.4,
		createdByName: (await findUser(db, row.createdBy))?.name ?? '',
		judgeColumns: await judgeColumnsForItems(db, row.projectId, ids)
	};
}

function roundInfos(f: SessionFacts): CalibrationRoundInfo[] {
	const all = f.sessionItems.map((s) => s.itemId);
	const active = new Set(f.sessionItems.filter((s) => s.activeRound === f.row.round).map((s) => s.itemId));
	return f.rounds.map((r) => ({
		round: r.round,
		startedAt: r.startedAt,
		revealedAt: r.revealedAt,
		itemIds: roundItemIds(
			r.round,
			f.row.round,
			all,
			active,
			new Set(f.sheets.filter((s) => s.round === r.round).map((s) => s.itemId))
		)
	}));
}

function revealedRounds(f: SessionFacts, infos: CalibrationRoundInfo[], open: CalibrationScore[]): RevealedRound[] {
	const modality = new Map(f.itemRows.map((i) => [i.id, i.modality]));
	return infos
		.filter((r) => roundIsOpen(r.revealedAt, f.row.phase))
		.map((r) => {
			const sheets = open.filter((s) => s.round === r.round);
			const perItem = r.itemIds.map((itemId) => sheets.filter((s) => s.itemId === itemId).map((s) => s.scores));
			const items: RevealedRound['items'] = {};
			r.itemIds.forEach(
				(itemId, i) => (items[itemId] = itemFigures(dimensionsFor(f.rubric, modality.get(itemId) ?? ''), perItem[i]))
			);
			const dimensions = pooledFigures(f.rubric.dimensions, perItem).filter((d) => d.ratings > 0);
			return {
				round: r.round,
				revealedAt: r.revealedAt ?? f.row.closedAt ?? Date.now(),
				scores: sheets,
				items,
				dimensions,
				metric: SESSION_METRIC,
				// Judges are raters too: their scores come out with the round's sheets, counted in none of its figures.
				judges: Object.fromEntries(r.itemIds.map((itemId) => [itemId, f.judgeColumns.get(itemId) ?? []]))
			};
		});
}

export function publicState(f: SessionFacts): CalibrationPublicState {
	const infos = roundInfos(f);
	// No viewer: only sheets of open rounds come back.
	const { open } = visibleSheets(f.sheets, f.rounds, f.row.phase, '', f.row.round);
	const activeItemIds = f.sessionItems.filter((s) => s.activeRound === f.row.round).map((s) => s.itemId);
	const submitted: Record<string, string[]> = Object.fromEntries(activeItemIds.map((id) => [id, []]));
	for (const s of f.sheets) if (s.round === f.row.round && submitted[s.itemId]) submitted[s.itemId].push(s.userId);
	return {
		calibration: {
			id: f.row.id,
			projectId: f.row.projectId,
			title: f.row.title,
			rubricId: f.row.rubricId,
			phase: f.row.phase,
			round: f.row.round,
			createdBy: { id: f.row.createdBy, name: f.createdByName },
			createdAt: f.row.createdAt,
			closedAt: f.row.closedAt
		},
		participants: f.participants,
		rounds: infos,
		activeItemIds: sessionIsReadOnly(f.row.phase) ? [] : activeItemIds,
		submitted,
		revealed: revealedRounds(f, infos, open),
		consensus: Object.fromEntries(f.consensus.map((c) => [c.itemId, c])),
		threshold: f.threshold
	};
}

export interface Viewer {
	id: string;
	withGold: boolean;
	can: CalibrationView['can'];
}

export function calibrationView(f: SessionFacts, viewer: Viewer): CalibrationView {
	const { mine } = visibleSheets(f.sheets, f.rounds, f.row.phase, viewer.id, f.row.round);
	return {
		...publicState(f),
		rubric: f.rubric,
		items: f.itemRows.map((r): Item => toItem(r, viewer.withGold)),
		mine: Object.fromEntries(mine.map((s) => [s.itemId, s])),
		can: viewer.can,
		readOnly: sessionIsReadOnly(f.row.phase)
	};
}

/**
 * One page of a project's sessions for one viewer, newest first: all of them, or (participants) only their own;
 * `live`: only those not closed.
 */
export async function calibrationSummaries(
	db: Db,
	projectId: string,
	viewerId: string,
	all: boolean,
	page: PageRequest & { live?: boolean }
): Promise<{ calibrations: CalibrationSummary[]; nextCursor: string | null }> {
	const { rows, nextCursor } = await calibrationsOfProject(db, projectId, {
		...page,
		participantId: all ? undefined : viewerId
	});
	const people = await participantsOfMany(
		db,
		rows.map((r) => r.id)
	);
	const rubricNames = new Map(
		(await db.select({ id: rubrics.id, name: rubrics.name }).from(rubrics).where(eq(rubrics.projectId, projectId))).map(
			(r) => [r.id, r.name]
		)
	);
	const out: CalibrationSummary[] = [];
	for (const row of rows) {
		const participants = people.get(row.id) ?? [];
		const isParticipant = participants.some((p) => p.id === viewerId);
		const sessionItems = await sessionItemRows(db, row.id);
		const active = sessionItems.filter((s) => s.activeRound === row.round);
		const activeIds = new Set(active.map((s) => s.itemId));
		const sent = (await submittersOf(db, row.id, row.round)).filter((s) => activeIds.has(s.itemId));
		const round = (await roundsOf(db, row.id)).find((r) => r.round === row.round);
		const creator = await findUser(db, row.createdBy);
		out.push({
			id: row.id,
			projectId: row.projectId,
			title: row.title,
			phase: row.phase,
			round: row.round,
			rubricName: rubricNames.get(row.rubricId) ?? '',
			createdBy: { id: row.createdBy, name: creator?.name ?? '' },
			createdAt: row.createdAt,
			closedAt: row.closedAt,
			roundStartedAt: round?.startedAt ?? row.createdAt,
			itemCount: sessionItems.length,
			participants,
			isParticipant,
			progress: { submitted: sent.length, expected: active.length * participants.length },
			myRemaining:
				isParticipant && row.phase === 'scoring' ? active.length - sent.filter((s) => s.userId === viewerId).length : 0,
			readOnly: sessionIsReadOnly(row.phase)
		});
	}
	return { calibrations: out, nextCursor };
}

/** Ids of the project's calibration sessions that hold any of the items (whatever their phase), in no order. */
export async function sessionsHoldingItems(db: Db, projectId: string, itemIds: readonly string[]): Promise<string[]> {
	const out = new Set<string>();
	// Bounded parameter lists: an import batch names up to a thousand items.
	for (let i = 0; i < itemIds.length; i += 500) {
		const rows = await db
			.selectDistinct({ id: calibrationItems.calibrationId })
			.from(calibrationItems)
			.innerJoin(calibrations, eq(calibrations.id, calibrationItems.calibrationId))
			.where(and(eq(calibrations.projectId, projectId), inArray(calibrationItems.itemId, itemIds.slice(i, i + 500))));
		for (const r of rows) out.add(r.id);
	}
	return [...out];
}
