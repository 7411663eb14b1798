// A finished calibration session for the demo workspace, so the report has data out of the box: a week ago Ana,
// Ben and Chen scored four ambiguous text items blind, disagreed on register and tone, talked it through (the
// conversation is in the session's room), re-scored three items in a second round — agreement rose — and the lead
// recorded a consensus (gold) on every item. Rows carry realistic past times; every decision has its audit row.
// Call inside the seeding transaction, after items, rubric and users exist; it does nothing if they do not.
import * as Y from 'yjs';
import type { Db } from '../db/client';
import {
	auditLog,
	calibrationConsensus,
	calibrationItems,
	calibrationParticipants,
	calibrationRounds,
	calibrationScores,
	calibrations,
	items as itemsTable
} from '../../drizzle/schema';
import { eq } from 'drizzle-orm';
import { newId } from '../domain/ids';
import { loadSession, publicState } from '../db/calibration-view';
import { appendRoomUpdate } from '../collab/room-store';
import { addComment, addReply, stateOf, toggleReaction } from '#collab/room-doc';
import { CALIBRATION_STATE_KEY, type CalibrationAnchor } from '#shared/calibration';
import { roomName } from '#shared/rooms';
import { SESSION } from './calibration-seed-data';

export interface DemoCalibrationIds {
	projectId: string;
	rubricId: string;
	/** email → user id */
	users: ReadonlyMap<string, string>;
	/** item external id → item id */
	items: ReadonlyMap<string | null, string>;
}

const MIN = 60_000;

export async function seedDemoCalibration(t: Db, ids: DemoCalibrationIds): Promise<string | null> {
	const lead = ids.users.get(SESSION.lead);
	const people = SESSION.participants.map((email) => ids.users.get(email));
	const itemIds = SESSION.items.map((i) => ids.items.get(i.externalId));
	if (!lead || people.some((p) => !p) || itemIds.some((i) => !i)) return null;
	const userOf = (email: string) => ids.users.get(email)!;
	const base = Date.now() - 7 * 24 * 60 * MIN;
	const at = (minutes: number) => base + minutes * MIN;
	const id = newId();
	const log = async (minutes: number, actorId: string, action: string, data: Record<string, unknown>) => {
		await t.insert(auditLog).values({
			at: at(minutes),
			actorId,
			projectId: ids.projectId,
			action,
			entityType: 'calibration',
			entityId: id,
			data
		});
	};

	await t.insert(calibrations).values({
		id,
		projectId: ids.projectId,
		title: SESSION.title,
		rubricId: ids.rubricId,
		phase: 'closed',
		round: 2,
		createdBy: lead,
		createdAt: at(0),
		closedAt: at(SESSION.closedAt)
	});
	await log(0, lead, 'calibration.create', {
		title: SESSION.title,
		rubricId: ids.rubricId,
		itemIds,
		participantIds: people
	});
	await t.insert(calibrationItems).values(
		SESSION.items.map((item, position) => ({
			calibrationId: id,
			itemId: itemIds[position]!,
			position,
			activeRound: item.round2 ? 2 : 1
		}))
	);
	await t.insert(calibrationParticipants).values(people.map((userId) => ({ calibrationId: id, userId: userId! })));
	await t.insert(calibrationRounds).values(
		SESSION.rounds.map((r) => ({
			calibrationId: id,
			round: r.round,
			startedAt: at(r.start),
			revealedAt: at(r.reveal)
		}))
	);

	for (const [i, item] of SESSION.items.entries()) {
		for (const [round, sheets] of [
			[1, item.round1],
			[2, item.round2]
		] as const) {
			if (!sheets) continue;
			for (const [j, sheet] of sheets.entries()) {
				const minute = SESSION.rounds[round - 1].start + 4 + i * 3 + j;
				const sheetId = newId();
				await t.insert(calibrationScores).values({
					id: sheetId,
					calibrationId: id,
					itemId: itemIds[i]!,
					userId: userOf(sheet.who),
					round,
					scores: sheet.scores,
					rationale: sheet.rationale,
					spans: [],
					timeSpentMs: (90 + i * 20 + j * 15) * 1000,
					submittedAt: at(minute)
				});
				await log(minute, userOf(sheet.who), 'calibration.score', { itemId: itemIds[i], round, sheetId });
			}
		}
	}
	for (const r of SESSION.rounds) {
		await log(r.reveal, lead, 'calibration.reveal', { from: ['scoring'], to: 'revealed', round: r.round });
		if (r.round === 2) continue;
		await log(SESSION.rounds[1].start, lead, 'calibration.round', {
			from: ['revealed'],
			to: 'scoring',
			round: 2,
			itemIds: SESSION.items.map((it, i) => (it.round2 ? itemIds[i] : null)).filter(Boolean)
		});
	}
	for (const [i, item] of SESSION.items.entries()) {
		const decidedAt = at(item.consensus.minute);
		await t.insert(calibrationConsensus).values({
			calibrationId: id,
			itemId: itemIds[i]!,
			scores: item.consensus.scores,
			note: item.consensus.note,
			decidedBy: lead,
			decidedAt
		});
		await t
			.update(itemsTable)
			.set({
				gold: {
					scores: item.consensus.scores,
					note: item.consensus.note,
					source: 'calibration',
					calibrationId: id,
					rubricId: ids.rubricId,
					decidedBy: lead,
					decidedAt
				}
			})
			.where(eq(itemsTable.id, itemIds[i]!));
		await log(item.consensus.minute, lead, 'calibration.consensus', {
			itemId: itemIds[i],
			scores: item.consensus.scores,
			note: item.consensus.note
		});
	}
	await log(SESSION.closedAt, lead, 'calibration.close', { from: ['scoring', 'revealed'], to: 'closed', round: 2 });

	await seedRoom(t, id, ids, itemIds as string[], at);
	return id;
}

/** The session's room: the server's mirror of the closed session, and the discussion held during the meeting. */
async function seedRoom(
	t: Db,
	id: string,
	ids: DemoCalibrationIds,
	itemIds: string[],
	at: (minutes: number) => number
): Promise<void> {
	const doc = new Y.Doc();
	const facts = await loadSession(t, id);
	if (facts) stateOf(doc).set(CALIBRATION_STATE_KEY, JSON.parse(JSON.stringify(publicState(facts))));
	const person = (email: string) => ({ id: ids.users.get(email)!, name: SESSION.names[email] });
	for (const c of SESSION.discussion) {
		const itemId = itemIds[c.item];
		const anchor: CalibrationAnchor = c.on
			? {
					kind: 'score',
					itemId,
					dimension: c.on.dimension,
					userId: person(c.on.who).id,
					name: person(c.on.who).name,
					round: 1
				}
			: { kind: 'item', itemId };
		const commentId = addComment(doc, person(c.who), c.text, anchor, at(c.minute));
		for (const r of c.replies ?? []) addReply(doc, commentId, person(r.who), r.text, at(c.minute + 1));
		for (const who of c.agree ?? []) toggleReaction(doc, commentId, 'agree', person(who).id);
	}
	await appendRoomUpdate(t, roomName('session', id), Y.encodeStateAsUpdate(doc));
	doc.destroy();
}
