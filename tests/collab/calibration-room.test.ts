// The `session:<id>` room of a calibration with real y-websocket clients: two participants' comments, replies,
// reactions and live highlights converge; blind sheets never reach the room, the reveal does, live; a client
// cannot forge the server's `state`; the conversation survives a reload and a server restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addComment, addReply, annotationsOf, readDiscussion, toggleReaction } from '#collab/room-doc';
import { highlightKey, type CalibrationAnchor } from '#shared/calibration';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import type { DbConfig } from '../../server/db/client';
import { eventually, type TestServer } from '../fixtures/server';
import { testDbConfig } from '../fixtures/test-database';
import { createReviewWorkspace, type ReviewWorkspace } from '../fixtures/review-workspace';
import {
	createSession,
	joinRoom,
	memberIds,
	startServerOn,
	type Person,
	type RoomClient
} from '../fixtures/calibration-session';

const dataDir = mkdtempSync(joinPath(tmpdir(), 'concord-calibration-room-'));
let record: Required<DbConfig>;
let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
let sessionId: string;
let itemId: string;
const clients: RoomClient[] = [];
const join = (p: Person) => {
	const c = joinRoom(server, sessionId, ws.people[p]);
	clients.push(c);
	return c;
};

beforeAll(async () => {
	record = await testDbConfig(dataDir);
	server = await startServerOn(record);
	ws = await createReviewWorkspace(server, { items: 3 });
	ids = await memberIds(server, ws);
	itemId = ws.itemIds[0];
	sessionId = (await createSession(server, ws, { itemIds: ws.itemIds, participantIds: [ids.ana, ids.ben] })).calibration
		.id;
});
afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.close();
	rmSync(dataDir, { recursive: true, force: true });
});

const score = (p: Person, rationale: string, correctness: number) =>
	server.api(`/api/calibrations/${sessionId}/items/${itemId}/scores`, {
		headers: ws.people[p],
		body: { scores: { correctness, safe: true }, rationale }
	});

describe('calibration room', () => {
	it('holds who submitted but never what, then receives the reveal live', async () => {
		const ana = join('ana');
		const ben = join('ben');
		await Promise.all([ana.synced, ben.synced]);
		await eventually(() => ana.state()?.calibration.phase === 'scoring', 5000, 'the initial mirror');
		expect((await score('ben', 'ben-blind-rationale', 2)).status).toBe(201);
		expect((await score('ana', 'ana-blind-rationale', 5)).status).toBe(201);
		await eventually(() => ana.state()?.submitted[itemId]?.length === 2, 5000, 'both submissions in the room');
		expect(JSON.stringify(ana.doc.toJSON())).not.toContain('ben-blind-rationale');
		expect(JSON.stringify(ben.doc.toJSON())).not.toContain('ana-blind-rationale');

		expect(
			(await server.api(`/api/calibrations/${sessionId}/reveal`, { headers: ws.people.lead, body: {} })).status
		).toBe(200);
		for (const c of [ana, ben]) {
			await eventually(() => c.state()?.calibration.phase === 'revealed', 5000, 'the reveal to reach a client');
			const round = c.state().revealed[0];
			expect(round.scores.map((s: any) => [s.userId, s.scores.correctness]).sort()).toEqual(
				[
					[ids.ana, 5],
					[ids.ben, 2]
				].sort()
			);
			expect(round.items[itemId].find((d: any) => d.key === 'correctness').value).toBeCloseTo(0.25, 5);
		}
	});

	it("converges two participants' comments, replies, reactions and highlights", async () => {
		const [ana, ben] = [clients[0], clients[1]];
		const cell: CalibrationAnchor = {
			kind: 'score',
			itemId,
			dimension: 'correctness',
			userId: ids.ben,
			name: 'Ben Carter',
			round: 1
		};
		const span: CalibrationAnchor = { kind: 'span', itemId, field: 'response', start: 0, end: 6, quote: 'Answer' };
		for (let i = 0; i < 5; i++) {
			addComment(ana.doc, { id: ids.ana, name: 'Ana Souza' }, `ana ${i}: why a 2?`, cell);
			addComment(ben.doc, { id: ids.ben, name: 'Ben Carter' }, `ben ${i}: the date is wrong`, span);
		}
		annotationsOf(ana.doc).set(highlightKey(itemId, ids.ana, 'h1'), {
			id: 'h1',
			itemId,
			userId: ids.ana,
			name: 'Ana Souza',
			span: { kind: 'text', field: 'response', start: 0, end: 6, label: 'factual_error' },
			createdAt: 1
		});
		await eventually(
			() => readDiscussion(ana.doc).length === 10 && readDiscussion(ben.doc).length === 10,
			5000,
			'ten comments on both sides'
		);
		const first = readDiscussion(ana.doc).find((c) => c.author === ids.ben)!;
		addReply(ana.doc, first.id, { id: ids.ana, name: 'Ana Souza' }, 'Agreed, 1989 not 1991');
		toggleReaction(ana.doc, first.id, 'agree', ids.ana);
		toggleReaction(ben.doc, first.id, 'disagree', ids.ben);
		await eventually(
			() => {
				const a = readDiscussion(ana.doc).find((c) => c.id === first.id)!;
				const b = readDiscussion(ben.doc).find((c) => c.id === first.id)!;
				return (
					a.replies.length === 1 &&
					b.replies.length === 1 &&
					Object.keys(b.reactions).length === 2 &&
					Object.keys(a.reactions).length === 2
				);
			},
			5000,
			'the reply and both reactions on both sides'
		);
		expect(readDiscussion(ana.doc)).toEqual(readDiscussion(ben.doc));
		await eventually(() => Object.keys(ben.doc.getMap('annotations').toJSON()).length === 1, 5000, 'the highlight');
		expect(readDiscussion(ben.doc).filter((c) => c.anchor?.kind === 'score')[0].anchor).toEqual(cell);
	});

	it('disconnects a participant who writes the server-only state', async () => {
		const forger = join('ana');
		await forger.synced;
		forger.doc.getMap('state').set('calibration', { forged: true });
		expect((await forger.closed).code).toBe(4403);
		const lead = join('lead');
		await lead.synced;
		expect(lead.state().calibration.phase).toBe('revealed');
	});

	it('keeps the conversation across a reload and a server restart', async () => {
		const reloaded = join('ben');
		await reloaded.synced;
		await eventually(() => readDiscussion(reloaded.doc).length === 10, 5000, 'the discussion after a reload');
		const before = readDiscussion(reloaded.doc);
		for (const c of clients.splice(0)) c.destroy();
		await server.close();
		server = await startServerOn(record);
		const again = join('ben');
		await again.synced;
		await eventually(() => readDiscussion(again.doc).length === 10, 5000, 'the discussion after a restart');
		expect(readDiscussion(again.doc)).toEqual(before);
		expect(again.state().calibration.phase).toBe('revealed');
	});
});
