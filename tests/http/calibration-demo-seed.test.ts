// The demo's finished calibration session (server/demo/calibration-seed.ts) on the real demo workspace: it
// seeds once, its report shows agreement rising from round 1 to round 2, its consensus is the items' gold, and
// its room holds the meeting's discussion and the server's mirror of the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { readDiscussion } from '#collab/room-doc';
import { eventually, startTestServer, type TestServer } from '../fixtures/server';
import { joinRoom } from '../fixtures/calibration-session';
import { seedDemoCalibration } from '../../server/demo/calibration-seed';
import { first, tx } from '../../server/db/client';
import { items, projects, rubrics, users } from '../../drizzle/schema';

let server: TestServer;
let sessionId: string;
let pid: string;

beforeAll(async () => {
	server = await startTestServer();
	const db = server.deps.db;
	pid = (await first(db.select().from(projects).limit(1)))!.id;
	const ids = {
		projectId: pid,
		rubricId: (await first(db.select().from(rubrics).where(eq(rubrics.projectId, pid)).limit(1)))!.id,
		users: new Map((await db.select().from(users)).map((u) => [u.email, u.id])),
		items: new Map((await db.select().from(items).where(eq(items.projectId, pid))).map((i) => [i.externalId, i.id]))
	};
	sessionId = (await tx(db, (t) => seedDemoCalibration(t, ids)))!;
});
afterAll(() => server?.close());

describe('the demo calibration session', () => {
	it('is closed, with two rounds, and listed for the project', async () => {
		const lead = await server.login('lead@demo.test');
		const list = await server.api(`/api/projects/${pid}/calibrations`, { headers: lead });
		expect(list.body.calibrations.find((c: any) => c.id === sessionId)).toMatchObject({
			phase: 'closed',
			round: 2,
			itemCount: 4
		});
		const view = (await server.api(`/api/calibrations/${sessionId}`, { headers: await server.login('ana@demo.test') }))
			.body;
		expect(view.revealed.map((r: any) => r.round)).toEqual([1, 2]);
		expect(Object.keys(view.consensus)).toHaveLength(4);
	});

	it('reports agreement rising from round 1 to round 2 on the re-scored items', async () => {
		const { body } = await server.api(`/api/calibrations/${sessionId}/report`, {
			headers: await server.login('pm@demo.test')
		});
		const [r1, r2] = body.rounds;
		expect(r2.overall).toBeGreaterThan(r1.overall);
		for (const key of ['tone_register', 'error_type', 'helpfulness']) {
			const before = r2.before.find((d: any) => d.key === key).value;
			const after = r2.dimensions.find((d: any) => d.key === key).value;
			expect(after, key).toBeGreaterThan(before);
		}
		expect(body.contested).toEqual([]);
		expect(body.participants.map((p: any) => p.deviation)).toEqual(expect.arrayContaining([expect.any(Number)]));
	});

	it("made the consensus the items' gold answer", async () => {
		const { gold } = (await first(
			server.deps.db.select({ gold: items.gold }).from(items).where(eq(items.externalId, 'atlas-text-006'))
		))!;
		expect(gold).toMatchObject({
			source: 'calibration',
			calibrationId: sessionId,
			scores: { tone_register: 2, error_type: 'wrong_register' }
		});
	});

	it("has the meeting's discussion and the session mirror in its room", async () => {
		const room = joinRoom(server, sessionId, await server.login('ben@demo.test'));
		try {
			await room.synced;
			await eventually(() => readDiscussion(room.doc).length === 4, 5000, 'the seeded discussion');
			expect(readDiscussion(room.doc)[0]).toMatchObject({
				authorName: 'Ana Souza',
				anchor: { kind: 'score', dimension: 'tone_register', name: 'Ben Carter' }
			});
			expect(room.state().calibration.phase).toBe('closed');
		} finally {
			room.destroy();
		}
	});
});
