// Automatic escalation on judge disagreement (off by default): once the project's minEvaluations have submitted,
// a judge more than `threshold` scale points from the human median (any difference from the majority on a nominal
// dimension) opens one automatic escalation naming the dimension and both values, notifies the leads, and never
// fires twice on an item. Checked after submissions and when judge scores land (escalateOnJudgeDisagreement).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, type TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { memberIds, type Person } from '../fixtures/calibration-session';
import { addJudgeScore } from '../fixtures/judge-scores';
import { escalateOnJudgeDisagreement } from '../../server/db/judge-escalation';

let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
let judgeId: string;
let next = 0;

const lead = () => ws.people.lead;
const settings = (body: unknown) =>
	server.api(`/api/projects/${ws.pid}/judges/settings`, { method: 'PUT', headers: lead(), body });
const escalationsOf = async (itemId: string) =>
	(await server.api(`/api/items/${itemId}/escalations`, { headers: lead() })).body.escalations as {
		source: string;
		reason: string;
		note: string;
		dimension: string;
	}[];
/** Ana, Ben and Chen submit these correctness scores (safe: yes) on a fresh item. */
async function humans(itemId: string, correctness: number[], safe = [true, true, true]) {
	for (const [i, p] of (['ana', 'ben', 'chen'] as const).entries())
		if (correctness[i] !== undefined)
			await ws.submit(ws.people[p], itemId, { correctness: correctness[i], safe: safe[i] });
}
/** What features.ts does when the judge's scores on `itemIds` landed (a run's results or an import's batch). */
const landed = (itemIds: string[], scoredBy = judgeId) =>
	escalateOnJudgeDisagreement(server.deps.db, { projectId: ws.pid, judgeId: scoredBy, itemIds });
const judge = (itemId: string, scores: Record<string, unknown>) =>
	addJudgeScore(server, { projectId: ws.pid, itemId, actorId: ids.lead, judge: 'Strict judge', scores });

beforeAll(async () => {
	server = await startReviewServer();
	// Agreement threshold 0: low agreement never escalates here, only the judge can.
	ws = await createReviewWorkspace(server, { items: 10, threshold: 0 });
	ids = await memberIds(server, ws);
	judgeId = (await judge(ws.itemIds[9], { correctness: 3 })).judgeId;
});
afterAll(() => server?.close());
beforeEach(async () => {
	expect((await settings({ escalation: { judgeId, threshold: 1 } })).status).toBe(200);
});
const item = () => ws.itemIds[next++];

describe('after people submit', () => {
	it('over the threshold: one escalation naming the dimension and both values, the leads notified', async () => {
		const id = item();
		await judge(id, { correctness: 5, safe: true });
		await humans(id, [1, 1, 2]);
		const found = await escalationsOf(id);
		expect(found).toHaveLength(1);
		expect(found[0]).toMatchObject({ source: 'auto', reason: 'judge_disagreement', dimension: 'correctness' });
		expect(found[0].note).toContain('correctness: judge 5, people 1');
		const inbox = await server.api('/api/notifications', { headers: lead() });
		expect(
			inbox.body.notifications.some(
				(n: { kind: string; data: { itemId?: string; reason?: string } }) =>
					n.kind === 'escalation.opened' && n.data.itemId === id && n.data.reason === 'judge_disagreement'
			)
		).toBe(true);
	});

	it('at or under the threshold: none', async () => {
		const id = item();
		await judge(id, { correctness: 3, safe: true });
		await humans(id, [1, 2, 4]);
		expect(await escalationsOf(id)).toEqual([]);
	});

	it('any difference from the majority on a nominal dimension', async () => {
		const id = item();
		await judge(id, { correctness: 3, safe: false });
		await humans(id, [3, 3, 3], [true, true, false]);
		const found = await escalationsOf(id);
		expect(found.map((e) => [e.reason, e.dimension])).toEqual([['judge_disagreement', 'safe']]);
		expect(found[0].note).toContain('safe: judge false, people true');
	});

	it('not before the project’s minEvaluations have scored', async () => {
		const id = item();
		await judge(id, { correctness: 5, safe: true });
		await humans(id, [1, 1]);
		expect(await escalationsOf(id)).toEqual([]);
		await humans(id, [undefined as never, undefined as never, 1]);
		expect(await escalationsOf(id)).toHaveLength(1);
	});

	it('off: none', async () => {
		expect((await settings({})).status).toBe(200);
		const id = item();
		await judge(id, { correctness: 5, safe: false });
		await humans(id, [1, 1, 1]);
		expect(await escalationsOf(id)).toEqual([]);
		expect(await landed([id])).toEqual([]);
	});
});

describe('when judge scores land (runs and imports)', () => {
	it('opens one escalation for the items that call for it, and never a second one', async () => {
		const [late, agreeing] = [item(), item()];
		await humans(late, [2, 2, 2]);
		await humans(agreeing, [2, 2, 2]);
		expect(await escalationsOf(late)).toEqual([]);
		await judge(late, { correctness: 5, safe: true });
		await judge(agreeing, { correctness: 3, safe: true });
		// Another judge's scores landing are not the ones the project escalates on.
		expect(await landed([late, agreeing], 'another-judge')).toEqual([]);
		expect(await escalationsOf(late)).toEqual([]);
		const opened = await landed([late, agreeing, late]);
		expect(opened.map((e) => [e.itemId, e.reason])).toEqual([[late, 'judge_disagreement']]);
		// Again, from a second import, and after another submission: still one.
		expect(await landed([late])).toEqual([]);
		await ws.submit(ws.people.lead, late, { correctness: 1, safe: true });
		expect(await escalationsOf(late)).toHaveLength(1);
	});

	it('an import whose judge disagrees opens the escalation once the scores committed, as the room and webhooks learn', async () => {
		const index = next;
		const id = item();
		await humans(id, [2, 2, 2]);
		const opened: string[] = [];
		server.deps.events.on('escalation.opened', ({ itemId }) => void opened.push(itemId));
		const externalId = `rev-${index}`;
		const res = await fetch(`${server.url}/api/projects/${ws.pid}/judges/import`, {
			method: 'POST',
			headers: { ...lead(), origin: server.url, 'content-type': 'application/x-ndjson' },
			body: JSON.stringify({ externalId, judge: 'Strict judge', scores: { correctness: 5, safe: true } }) + '\n'
		});
		expect(res.status).toBe(200);
		await eventually(async () => (await escalationsOf(id)).length === 1, 5000, 'the judge escalation');
		expect((await escalationsOf(id))[0]).toMatchObject({ source: 'auto', reason: 'judge_disagreement' });
		await eventually(() => opened.includes(id), 5000, 'escalation.opened');
	});

	it('an item escalated for low agreement is not escalated again for the judge', async () => {
		const id = item();
		await humans(id, [2, 2, 2]);
		const manual = await server.api(`/api/items/${id}/escalations`, {
			headers: ws.people.ana,
			body: { reason: 'guideline_ambiguous' }
		});
		expect(manual.status).toBe(201);
		await judge(id, { correctness: 5, safe: true });
		// An active escalation on the item already asks for a decision (mayAutoEscalate).
		expect(await landed([id])).toEqual([]);
	});
});
