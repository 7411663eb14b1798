// The "outdated guideline" flag on judge columns, end to end over the real server: guideline versions published
// through the API (v1, then v2), judge scores imported through POST /api/projects/:pid/judges/import (stamped with
// the version current at import). Under v1 while v1 is current: not flagged; once v2 is published: flagged, in the
// adjudication room and in the item workspace alike; a score imported under v2: not flagged (the newest stamp of a
// judge is the one shown), while another judge still on v1 stays flagged beside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { guidelineSchema } from '#shared/guideline-schema';
import { markdownToDoc } from '#shared/markdown-doc';
import { roomName } from '#shared/rooms';

let server: TestServer;
let ws: ReviewWorkspace;
let guidelineId: string;
let escalationId: string;

async function publish(markdown: string, changelog: string): Promise<number> {
	await server.deps.rooms.update(roomName('guideline', guidelineId), (doc) => {
		prosemirrorJSONToYXmlFragment(guidelineSchema(), markdownToDoc(markdown), doc.getXmlFragment('content'));
	});
	const res = await server.api(`/api/guidelines/${guidelineId}/publish`, {
		headers: ws.people.lead,
		body: { changelog }
	});
	expect(res.status).toBe(201);
	return res.body.version.number;
}

async function importScores(lines: { externalId: string; judge: string; correctness: number }[]) {
	const body = lines
		.map((l) =>
			JSON.stringify({ externalId: l.externalId, judge: l.judge, scores: { correctness: l.correctness, safe: true } })
		)
		.join('\n');
	const res = await server.api(`/api/projects/${ws.pid}/judges/import`, {
		raw: body,
		headers: { ...ws.people.lead, 'content-type': 'application/x-ndjson' }
	});
	expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

/** The judge columns of the adjudication room and of the item workspace, by judge name (they must agree). */
async function columns(): Promise<Record<string, { guidelineNumber: number | null; outdated: boolean }>> {
	const room = await server.api(`/api/escalations/${escalationId}`, { headers: ws.people.lead });
	const item = await server.api(`/api/items/${ws.itemIds[0]}/judges`, { headers: ws.people.lead });
	expect(room.status).toBe(200);
	expect(item.status).toBe(200);
	const shape = (list: { judgeName: string; guidelineNumber: number | null; outdated: boolean }[]) =>
		Object.fromEntries(list.map((j) => [j.judgeName, { guidelineNumber: j.guidelineNumber, outdated: j.outdated }]));
	expect(shape(item.body.judges)).toEqual(shape(room.body.judges));
	return shape(room.body.judges);
}

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 2, threshold: 0 });
	const g = await server.api(`/api/projects/${ws.pid}/guidelines`, {
		headers: ws.people.lead,
		body: { title: 'Scoring guide' }
	});
	expect(g.status).toBe(201);
	guidelineId = g.body.guideline.id;
	const opened = await server.api(`/api/items/${ws.itemIds[0]}/escalations`, {
		headers: ws.people.lead,
		body: { reason: 'guideline_ambiguous' }
	});
	expect(opened.status).toBe(201);
	escalationId = opened.body.escalation.id;
});
afterAll(() => server?.close());

describe('judge columns flag scores made under an older guideline version', () => {
	it('a score under the current version is not flagged', async () => {
		expect(await publish('# Scoring guide\n\nA wrong date is a major error.\n', 'First version')).toBe(1);
		await importScores([
			{ externalId: 'rev-0', judge: 'Steady judge', correctness: 2 },
			{ externalId: 'rev-0', judge: 'Updated judge', correctness: 3 }
		]);
		expect(await columns()).toEqual({
			'Steady judge': { guidelineNumber: 1, outdated: false },
			'Updated judge': { guidelineNumber: 1, outdated: false }
		});
	});

	it('publishing v2 flags the scores made under v1', async () => {
		expect(
			await publish('# Scoring guide\n\nA wrong date or a made-up citation is a major error.\n', 'Citations')
		).toBe(2);
		expect(await columns()).toEqual({
			'Steady judge': { guidelineNumber: 1, outdated: true },
			'Updated judge': { guidelineNumber: 1, outdated: true }
		});
	});

	it('a score made under v2 is not flagged, beside a judge still on v1', async () => {
		await importScores([{ externalId: 'rev-0', judge: 'Updated judge', correctness: 4 }]);
		expect(await columns()).toEqual({
			'Steady judge': { guidelineNumber: 1, outdated: true },
			'Updated judge': { guidelineNumber: 2, outdated: false }
		});
	});
});
