// The demo's escalations (server/demo/escalation-seed.ts) on the real demo workspace: one an evaluator raised,
// with a discussion already in its room; automatic ones where the demo scores disagree; two settled by a verdict
// that became the item's gold; one claimed by the lead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { readDiscussion, readState } from '#collab/room-doc';
import { escalationStateKey } from '#shared/escalation';
import { startTestServer, type TestServer } from '../fixtures/server';
import { items, projects } from '../../drizzle/schema';
import { first } from '../../server/db/client';

let server: TestServer;
let pid: string;
let list: any[];

beforeAll(async () => {
	server = await startTestServer();
	pid = (await first(server.deps.db.select().from(projects).limit(1)))!.id;
	list = (await server.api(`/api/projects/${pid}/escalations`, { headers: await server.login('lead@demo.test') })).body
		.escalations;
});
afterAll(() => server?.close());

const itemOf = async (externalId: string) =>
	(await first(server.deps.db.select().from(items).where(eq(items.externalId, externalId)).limit(1)))!;

describe('the demo escalation queue', () => {
	it('holds automatic escalations in every state a lead works through, and one an evaluator raised', async () => {
		const auto = list.filter((e) => e.source === 'auto');
		expect(auto.every((e) => e.reason === 'low_agreement')).toBe(true);
		expect(auto.filter((e) => e.state === 'open').length).toBeGreaterThanOrEqual(3);
		expect(auto.filter((e) => e.state === 'in_review')).toEqual([
			expect.objectContaining({
				itemId: (await itemOf('atlas-text-003')).id,
				claimedBy: expect.objectContaining({ name: 'Lea Lima' })
			})
		]);
		expect(
			auto
				.filter((e) => e.state === 'resolved')
				.map((e) => e.itemId)
				.sort()
		).toEqual([(await itemOf('atlas-edit-004')).id, (await itemOf('atlas-video-002')).id].sort());
		const manual = list.filter((e) => e.source === 'manual');
		expect(manual).toEqual([
			expect.objectContaining({
				state: 'open',
				reason: 'guideline_ambiguous',
				openedBy: expect.objectContaining({ name: 'Ana Souza' }),
				itemId: (await itemOf('atlas-caption-005')).id
			})
		]);
		// The evaluator's escalation came first, so no automatic one was opened beside it.
		expect(list.filter((e) => e.itemId === manual[0].itemId)).toHaveLength(1);
	});

	it("made each verdict the item's gold and told the evaluators", async () => {
		const resolved = list.filter((e) => e.state === 'resolved');
		expect(resolved).toHaveLength(2);
		for (const e of resolved) {
			const item = (await first(server.deps.db.select().from(items).where(eq(items.id, e.itemId))))!;
			expect(item.gold).toMatchObject({
				source: 'verdict',
				escalationId: e.id,
				reasonCode: e.verdict.reasonCode,
				scores: e.verdict.scores
			});
			expect(e.verdict.note.length).toBeGreaterThan(20);
		}
		const chen = (await server.api('/api/notifications', { headers: await server.login('chen@demo.test') })).body
			.notifications;
		expect(
			chen
				.filter((n: any) => n.kind === 'escalation.resolved')
				.map((n: any) => n.data.escalationId)
				.sort()
		).toEqual(resolved.map((e) => e.id).sort());
		const lead = (await server.api('/api/notifications', { headers: await server.login('lead@demo.test') })).body
			.notifications;
		expect(lead.filter((n: any) => n.kind === 'escalation.opened')).toHaveLength(list.length);
	});

	it('started the discussion in the adjudication room and mirrored every escalation there', async () => {
		const read = (itemId: string) =>
			new Promise<{ discussion: ReturnType<typeof readDiscussion>; state: Record<string, unknown> }>((resolve) => {
				void server.deps.rooms.update(`item:${itemId}`, (doc) =>
					resolve({ discussion: readDiscussion(doc), state: readState(doc) })
				);
			});
		const manual = list.find((e) => e.source === 'manual');
		const room = await read(manual.itemId);
		expect(room.discussion.map((c) => c.authorName)).toEqual(['Ana Souza', 'Ben Carter']);
		expect(room.discussion[0].replies.map((r) => r.authorName)).toEqual(['Lea Lima']);
		for (const e of list)
			expect((await read(e.itemId)).state[escalationStateKey(e.id)], e.id).toMatchObject({ id: e.id, state: e.state });
	});
});
