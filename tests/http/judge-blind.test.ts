// The blind rule for model judges (server/domain/blind.ts: judgeSight, seesOthersWork, roundIsOpen). A judge's
// scores on an item are other people's work: an evaluator who has not submitted her own evaluation never receives
// them (escalation detail, even of an escalation she opened herself; the item's judges, evaluations and item; the
// item room; notifications; exports), and receives them once she has. Leads, managers and admins see them in the
// adjudication room. In calibration they come out with the round's sheets, to everyone at once, never before.
// Every judge rationale carries a secret that must not appear where the rule says no.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { createSession, joinNamedRoom, memberIds, type Person } from '../fixtures/calibration-session';
import { addJudgeScore } from '../fixtures/judge-scores';

type Own = 'none' | 'draft' | 'submitted';
type Who = Person | 'admin';

let server: TestServer;
let ws: ReviewWorkspace;
let ids: Record<Person, string>;
const itemOf = {} as Record<Own, string>;
const escalationOf = {} as Record<Own, string>;
let calibrationItem: string;
let sessionId: string;

const judgeSecret = (where: string) => `judge-secret-${where}`;
const as = (p: Who) => ws.people[p];
const get = (path: string, p: Who) => server.api(path, { headers: as(p) });
const post = (path: string, p: Who, body: unknown = {}) => server.api(path, { headers: as(p), body });
const leaks = (body: unknown, where: string) => JSON.stringify(body).includes(judgeSecret(where));

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 4 });
	ids = await memberIds(server, ws);
	for (const [i, own] of (['none', 'draft', 'submitted'] as Own[]).entries()) {
		const itemId = ws.itemIds[i];
		itemOf[own] = itemId;
		await ws.submit(ws.people.ben, itemId, { correctness: 2, safe: false });
		await ws.submit(ws.people.chen, itemId, { correctness: 4, safe: true });
		await addJudgeScore(server, {
			projectId: ws.pid,
			itemId,
			actorId: ids.lead,
			scores: { correctness: 5, safe: true },
			rationale: judgeSecret(own)
		});
		if (own !== 'none') {
			const ana = await post(`/api/items/${itemId}/evaluations`, 'ana', {
				rubricId: ws.rubricId,
				scores: { correctness: 3, safe: true },
				state: own
			});
			expect(ana.status).toBe(201);
		}
		const opened = await post(`/api/items/${itemId}/escalations`, 'ana', { reason: 'guideline_ambiguous' });
		expect(opened.status).toBe(201);
		escalationOf[own] = opened.body.escalation.id;
	}
	calibrationItem = ws.itemIds[3];
	await addJudgeScore(server, {
		projectId: ws.pid,
		itemId: calibrationItem,
		actorId: ids.lead,
		scores: { correctness: 1, safe: false },
		rationale: judgeSecret('calibration')
	});
	sessionId = (
		await createSession(server, ws, { itemIds: [calibrationItem], participantIds: [ids.ana, ids.ben, ids.chen] })
	).calibration.id;
});
afterAll(() => server?.close());

const viewers: { who: Who; own: Own; sees: boolean }[] = [
	{ who: 'ana', own: 'none', sees: false },
	{ who: 'ana', own: 'draft', sees: false },
	{ who: 'ana', own: 'submitted', sees: true },
	{ who: 'lead', own: 'none', sees: true },
	{ who: 'pm', own: 'none', sees: true },
	{ who: 'admin', own: 'none', sees: true }
];
const table = viewers.map(
	(v) => [`${v.who} (own evaluation: ${v.own}) ${v.sees ? 'sees' : 'does not see'}`, v] as const
);

describe('channel: the adjudication room (GET /api/escalations/:id)', () => {
	it.each(table)('%s the judge column', async (_, { who, own, sees }) => {
		const res = await get(`/api/escalations/${escalationOf[own]}`, who);
		expect(res.status).toBe(200);
		expect(leaks(res.body, own)).toBe(sees);
		if (sees) {
			expect(res.body.judges).toHaveLength(1);
			expect(res.body.judges[0]).toMatchObject({
				judgeName: 'Model judge',
				model: 'gpt-test',
				scores: { correctness: 5, safe: true },
				guidelineNumber: null,
				outdated: false
			});
		} else expect(res.body.judges).toEqual([]);
	});

	it('never counts the judge in the human agreement shown there', async () => {
		const res = await get(`/api/escalations/${escalationOf.none}`, 'lead');
		const correctness = res.body.agreement.find((a: { key: string }) => a.key === 'correctness');
		// Ben 2 and Chen 4 (ana has none on this item): two ratings; the judge's 5 would make three.
		expect(correctness.ratings).toBe(2);
	});
});

describe('channel: the item workspace (GET /api/items/:id/judges)', () => {
	it.each(table)('%s the judges', async (_, { who, own, sees }) => {
		const res = await get(`/api/items/${itemOf[own]}/judges`, who);
		expect(res.status).toBe(200);
		expect(leaks(res.body, own)).toBe(sees);
		expect(res.body.judges.length).toBe(sees ? 1 : 0);
		// Suggestions are off: nobody is shown one.
		expect(res.body.suggestion).toBeNull();
	});

	it('the item, its evaluations and its escalations carry no judge scores for a blind evaluator', async () => {
		for (const own of ['none', 'draft'] as const) {
			for (const path of [`/api/items/${itemOf[own]}`, `/api/items/${itemOf[own]}/evaluations`]) {
				const res = await get(path, 'ana');
				expect(res.status).toBe(200);
				expect(leaks(res.body, own)).toBe(false);
			}
			expect(leaks((await get(`/api/items/${itemOf[own]}/escalations`, 'ana')).body, own)).toBe(false);
			expect(leaks((await get(`/api/projects/${ws.pid}/escalations?mine=1`, 'ana')).body, own)).toBe(false);
		}
	});
});

describe('channels judges never take: rooms, notifications, exports', () => {
	it('the item room holds no judge scores (the REST detail brings them, by the rule)', async () => {
		const room = joinNamedRoom(server, `item:${itemOf.submitted}`, as('lead'));
		try {
			await room.synced;
			expect(leaks(room.doc.toJSON(), 'submitted')).toBe(false);
			expect(leaks(room.doc.getMap('state').toJSON(), 'submitted')).toBe(false);
		} finally {
			room.destroy();
		}
	});

	it('a blind evaluator is kept out of the item room', async () => {
		const room = joinNamedRoom(server, `item:${itemOf.none}`, as('ana'));
		try {
			expect((await room.closed).code).toBe(4403);
			expect(leaks(room.doc.toJSON(), 'none')).toBe(false);
		} finally {
			room.destroy();
		}
	});

	it('notifications carry no judge scores', async () => {
		for (const who of ['ana', 'lead'] as const) {
			const inbox = await get('/api/notifications', who);
			expect(inbox.status).toBe(200);
			for (const own of ['none', 'draft', 'submitted'] as const) expect(leaks(inbox.body, own)).toBe(false);
		}
	});

	it('exports carry no judge scores (and an evaluator exports nothing)', async () => {
		expect((await get(`/api/projects/${ws.pid}/export?format=jsonl`, 'ana')).status).toBe(403);
		for (const format of ['jsonl', 'csv']) {
			const res = await get(`/api/projects/${ws.pid}/export?format=${format}`, 'lead');
			expect(res.status).toBe(200);
			expect(String(res.body)).not.toContain('judge-secret');
		}
	});
});

describe('channel: the calibration reveal', () => {
	const viewOf = async (who: Person) => {
		const res = await get(`/api/calibrations/${sessionId}`, who);
		expect(res.status).toBe(200);
		return res.body;
	};
	const sessionRoomState = async (who: Person) => {
		const room = joinNamedRoom(server, `session:${sessionId}`, as(who));
		try {
			await room.synced;
			return room.doc.getMap('state').toJSON();
		} finally {
			room.destroy();
		}
	};

	it('nobody, the lead included, sees the judge before the round is revealed', async () => {
		for (const [p, scores] of [
			['ana', { correctness: 2, safe: false }],
			['ben', { correctness: 4, safe: true }]
		] as const) {
			const res = await post(`/api/calibrations/${sessionId}/items/${calibrationItem}/scores`, p, { scores });
			expect(res.status).toBe(201);
		}
		for (const who of ['ana', 'ben', 'chen', 'lead', 'pm'] as const) {
			expect(leaks(await viewOf(who), 'calibration')).toBe(false);
			expect(leaks(await sessionRoomState(who), 'calibration')).toBe(false);
		}
		expect(leaks((await get(`/api/calibrations/${sessionId}/report`, 'lead')).body, 'calibration')).toBe(false);
		expect(leaks((await get(`/api/calibrations/${sessionId}/report?format=csv`, 'lead')).body, 'calibration')).toBe(
			false
		);
		// Calibration sheets are not evaluations: the item's judges stay hidden from her there too.
		expect(leaks((await get(`/api/items/${calibrationItem}/judges`, 'ana')).body, 'calibration')).toBe(false);
	});

	it('everyone sees the judge beside the sheets once revealed, and the figures stay the people’s', async () => {
		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'lead')).status).toBe(200);
		for (const who of ['ana', 'chen', 'lead', 'pm'] as const) {
			const view = await viewOf(who);
			const round = view.revealed.find((r: { round: number }) => r.round === 1);
			expect(round.judges[calibrationItem]).toHaveLength(1);
			expect(round.judges[calibrationItem][0]).toMatchObject({
				judgeName: 'Model judge',
				scores: { correctness: 1, safe: false },
				rationale: judgeSecret('calibration')
			});
			// Two sheets were sent; the judge is not a third rating.
			const figure = round.items[calibrationItem].find((d: { key: string }) => d.key === 'correctness');
			expect(figure.ratings).toBe(2);
		}
		const state = await sessionRoomState('chen');
		expect(leaks(state, 'calibration')).toBe(true);
	});

	it('a re-score round is blind again: its judges wait for its reveal', async () => {
		expect((await post(`/api/calibrations/${sessionId}/rounds`, 'lead', {})).status).toBe(200);
		const view = await viewOf('lead');
		expect(view.revealed.map((r: { round: number }) => r.round)).toEqual([1]);
		expect((await post(`/api/calibrations/${sessionId}/reveal`, 'lead')).status).toBe(200);
		const after = await viewOf('lead');
		expect(after.revealed.find((r: { round: number }) => r.round === 2).judges[calibrationItem]).toHaveLength(1);
	});
});

describe('the rule itself (judgeSight)', () => {
	it('shows every judge exactly when others’ work is visible, and a suggestion only to people who score', async () => {
		const { judgeSight } = await import('../../server/domain/blind');
		expect(judgeSight({ role: 'evaluator', submitted: false }, null)).toEqual({ all: false, suggestedJudgeId: null });
		expect(judgeSight({ role: 'evaluator', submitted: true }, null)).toEqual({ all: true, suggestedJudgeId: null });
		expect(judgeSight({ role: 'evaluator', submitted: false }, 'j1')).toEqual({ all: false, suggestedJudgeId: 'j1' });
		expect(judgeSight({ role: 'lead', submitted: false }, 'j1')).toEqual({ all: true, suggestedJudgeId: 'j1' });
		expect(judgeSight({ role: 'manager', submitted: false }, 'j1')).toEqual({ all: true, suggestedJudgeId: null });
		expect(judgeSight({ role: null, submitted: true }, 'j1')).toEqual({ all: false, suggestedJudgeId: null });
	});
});
