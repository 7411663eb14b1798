// Judge scores imported into a calibration session, over the real server and real y-websocket clients: before the
// reveal nothing about them reaches anyone (the room is not even touched, and an evaluator sees them nowhere, also
// after she submitted her sheet); at the reveal they come out with the sheets; after it, scores imported through
// POST /api/projects/:pid/judges/import reach every connected member live, on the same connection; so do the
// results of a judge run (a real local chat-completions server), whose items land concurrently, one event each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, joinRoom, memberIds, type Person, type RoomClient } from '../fixtures/calibration-session';
import { startChatServer, type ChatServer } from '../fixtures/chat-completions';
import { TEST_JUDGES } from '../fixtures/judge-run-world';

let server: TestServer;
let chat: ChatServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
let sessionId: string;
let item: string;
const clients = {} as Record<'lead' | 'ana' | 'pm', RoomClient>;
/** Changes of the server's `state` map each client saw. */
const changes = { lead: 0, ana: 0, pm: 0 };

const secret = (judge: string) => `${judge}-rationale-secret`;

async function importJudge(judge: string, externalId: string, correctness: number) {
	const line = { externalId, judge, scores: { correctness, safe: true }, rationale: secret(judge) };
	const res = await server.api(`/api/projects/${ws.pid}/judges/import`, {
		raw: JSON.stringify(line),
		headers: { ...ws.people.lead, 'content-type': 'application/x-ndjson' }
	});
	expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
	expect(res.body.imported).toBe(1);
}

/** Judges of the first revealed round on the item, as the client's room shows them. */
const judgesIn = (c: RoomClient, itemId = item): string[] =>
	(c.state()?.revealed?.[0]?.judges?.[itemId] ?? []).map((j: { judgeName: string }) => j.judgeName).sort();

const submit = (p: Person) =>
	server.api(`/api/calibrations/${sessionId}/items/${item}/scores`, {
		headers: ws.people[p],
		body: { scores: { correctness: p === 'ana' ? 4 : 2, safe: true }, rationale: `${p} sheet` }
	});

beforeAll(async () => {
	chat = await startChatServer();
	server = await startReviewServer({ judges: TEST_JUDGES });
	ws = await createReviewWorkspace(server, { items: 8 });
	ids = await memberIds(server, ws);
	item = ws.itemIds[0];
	sessionId = (await createSession(server, ws, { itemIds: ws.itemIds.slice(0, 2), participantIds: [ids.ana, ids.ben] }))
		.calibration.id;
	for (const p of ['lead', 'ana', 'pm'] as const) {
		clients[p] = joinRoom(server, sessionId, ws.people[p]);
		clients[p].doc.getMap('state').observe(() => changes[p]++);
	}
	await Promise.all(Object.values(clients).map((c) => c.synced));
	await eventually(
		() => Object.values(clients).every((c) => c.state()?.calibration.phase === 'scoring'),
		5000,
		'the session state in every room client'
	);
});
afterAll(async () => {
	for (const c of Object.values(clients)) c?.destroy();
	await server?.close();
	await chat?.close();
});

describe('judges in a calibration room', () => {
	it('before the reveal, judge scores reach nobody and the room is not touched', async () => {
		const before = { ...changes };
		await importJudge('Early judge', 'rev-0', 5);
		// The import answers after its listeners ran; Ben's sheet is mirrored after it, on the same sockets: once it
		// is seen, any mirror sent for the import would have been seen first.
		expect((await submit('ben')).status).toBe(201);
		await eventually(
			() => Object.values(clients).every((c) => c.state()?.submitted[item]?.includes(ids.ben)),
			5000,
			"Ben's submission in every room client"
		);
		for (const p of ['lead', 'ana', 'pm'] as const) {
			expect(changes[p] - before[p], `${p}: only Ben's submission changed the room`).toBe(1);
			expect(JSON.stringify(clients[p].doc.toJSON())).not.toContain(secret('Early judge'));
		}
	});

	it('an evaluator sees them nowhere before she submits, nor after, until the reveal', async () => {
		const nowhere = async () => {
			for (const path of [`/api/calibrations/${sessionId}`, `/api/items/${item}/judges`, `/api/items/${item}`]) {
				const res = await server.api(path, { headers: ws.people.ana });
				expect(res.status).toBe(200);
				expect(JSON.stringify(res.body), path).not.toContain('Early judge');
			}
			expect(JSON.stringify(clients.ana.doc.toJSON())).not.toContain('Early judge');
		};
		await nowhere();
		expect((await submit('ana')).status).toBe(201);
		await eventually(() => clients.ana.state()?.submitted[item]?.includes(ids.ana), 5000, "Ana's submission");
		await nowhere();
		// The lead is blind to the round too.
		const lead = await server.api(`/api/calibrations/${sessionId}`, { headers: ws.people.lead });
		expect(JSON.stringify(lead.body)).not.toContain('Early judge');
	});

	it('the reveal brings the judges in with the sheets', async () => {
		expect(
			(await server.api(`/api/calibrations/${sessionId}/reveal`, { headers: ws.people.lead, body: {} })).status
		).toBe(200);
		for (const c of Object.values(clients))
			await eventually(() => judgesIn(c).join() === 'Early judge', 5000, 'the judge at the reveal');
	});

	it('judge scores imported after the reveal reach every connected member live, on the same connection', async () => {
		const sockets = Object.values(clients).map((c) => c.provider.ws);
		await importJudge('Late judge', 'rev-0', 1);
		await importJudge('Late judge', 'rev-1', 3);
		for (const [who, c] of Object.entries(clients)) {
			await eventually(
				() => judgesIn(c).join() === 'Early judge,Late judge' && judgesIn(c, ws.itemIds[1]).join() === 'Late judge',
				5000,
				`the late judge in ${who}'s room`
			);
			const late = c.state().revealed[0].judges[item].find((j: { judgeName: string }) => j.judgeName === 'Late judge');
			expect(late).toMatchObject({ scores: { correctness: 1, safe: true }, rationale: secret('Late judge') });
		}
		expect(Object.values(clients).map((c) => c.provider.ws)).toEqual(sockets);
		// The room's agreement still counts the people only (Ana 4, Ben 2).
		const correctness = clients.ana
			.state()
			.revealed[0].items[item].find((d: { key: string }) => d.key === 'correctness');
		expect(correctness.ratings).toBe(2);
	});

	it('a score on an item of no session leaves the room alone', async () => {
		const before = changes.ana;
		await importJudge('Late judge', 'rev-2', 2);
		expect(
			(await server.api(`/api/calibrations/${sessionId}/rounds`, { headers: ws.people.lead, body: {} })).status
		).toBe(200);
		await eventually(() => clients.ana.state()?.calibration.round === 2, 5000, 'the second round');
		expect(changes.ana - before).toBe(1);
	});

	it('a judge run over a revealed session shows every item it scored, live', async () => {
		const runItems = ws.itemIds.slice(3);
		const session = (await createSession(server, ws, { itemIds: runItems, participantIds: [ids.ana, ids.ben] }))
			.calibration.id;
		const ana = joinRoom(server, session, ws.people.ana);
		try {
			await ana.synced;
			for (const itemId of runItems)
				for (const p of ['ana', 'ben'] as const) {
					const sheet = await server.api(`/api/calibrations/${session}/items/${itemId}/scores`, {
						headers: ws.people[p],
						body: { scores: { correctness: 3, safe: true }, rationale: 'ok' }
					});
					expect(sheet.status).toBe(201);
				}
			expect(
				(await server.api(`/api/calibrations/${session}/reveal`, { headers: ws.people.lead, body: {} })).status
			).toBe(200);
			await eventually(() => ana.state()?.calibration.phase === 'revealed', 5000, 'the reveal');
			const judge = await server.api(`/api/projects/${ws.pid}/judges`, {
				headers: ws.people.lead,
				body: {
					name: 'Run judge',
					baseUrl: chat.baseUrl,
					model: 'fixture-model',
					apiKeyEnv: 'JUDGE_TEST_KEY',
					concurrency: 4
				}
			});
			expect(judge.status).toBe(201);
			const run = await server.api(`/api/judges/${judge.body.judge.id}/runs`, {
				headers: ws.people.lead,
				body: { itemIds: runItems }
			});
			expect(run.status, JSON.stringify(run.body)).toBeLessThan(300);
			await eventually(
				() => runItems.every((itemId) => judgesIn(ana, itemId).join() === 'Run judge'),
				10_000,
				'the run judge on every revealed item'
			);
		} finally {
			ana.destroy();
		}
	});
});
