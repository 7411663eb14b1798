// Guideline and calibration lists paged by cursor over the real server: a project's guidelines, a guideline's
// versions, who acknowledged a version (with counts over everyone), the items a version touches (filled across
// several chunks of candidate items, skipping evaluations that scored none of its dimensions), calibration
// sessions (participants: their own) and calibration candidates. Each walk yields every row exactly once, in
// order; bad cursors and page sizes are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../fixtures/server';
import { buildGuidelineWorld, type GuidelineWorld } from '../fixtures/guideline-world';
import { expectPagingRefusals, uniqueIds, walkPages, withQuery } from '../fixtures/pages';
import {
	calibrationParticipants,
	calibrations,
	evaluations,
	guidelineAcks,
	guidelineVersions,
	guidelines,
	items,
	memberships,
	users
} from '../../drizzle/schema';
import { newId } from '../../server/domain/ids';

let server: TestServer;
let w: GuidelineWorld;
let gid: string;
const ITEMS = 230;
const T0 = Date.now() - 86_400_000;
const bytewise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
	server = await startTestServer({ env: { CONCORD_DEMO: '0' } });
	w = await buildGuidelineWorld(server, ITEMS);
	const { db } = server.deps;
	const at = (i: number) => T0 + (i % 3) * 1000;
	const docs = Array.from({ length: 7 }, (_, i) => ({
		id: newId(),
		projectId: w.projectId,
		title: `Guide ${i}`,
		createdBy: w.ids.lead,
		createdAt: at(i)
	}));
	await db.insert(guidelines).values(docs);
	gid = docs[0].id;
	const versions = Array.from({ length: 12 }, (_, i) => ({
		id: newId(),
		guidelineId: gid,
		number: i + 1,
		content: { type: 'doc', content: [] },
		markdown: '',
		changelog: `v${i + 1}`,
		dimensions: i === 11 ? ['accuracy'] : [],
		publishedBy: w.ids.lead,
		publishedAt: T0 + i
	}));
	await db.insert(guidelineVersions).values(versions);
	// More evaluators (some with the same name), some of whom acknowledged version 12.
	const people = Array.from({ length: 17 }, (_, i) => ({
		id: newId(),
		email: `reader-${i}@example.test`,
		name: i % 4 ? `Reader ${i}` : 'Same Reader',
		passwordHash: 'x',
		isAdmin: false,
		locale: null,
		createdAt: T0
	}));
	await db.insert(users).values(people);
	await db
		.insert(memberships)
		.values(people.map((p) => ({ projectId: w.projectId, userId: p.id, role: 'evaluator' as const, createdAt: T0 })));
	await db
		.insert(guidelineAcks)
		.values(people.filter((_, i) => i % 3 === 0).map((p) => ({ versionId: versions[11].id, userId: p.id, at: T0 })));
	// Submitted evaluations under no version: only every ninth item's scored accuracy (touched by version 12), so a
	// page of affected items needs more than one chunk of candidates.
	await db.insert(evaluations).values(
		w.itemIds.flatMap((itemId, i) =>
			[people[0], people[1]].map((p, j) => ({
				id: newId(),
				projectId: w.projectId,
				itemId,
				evaluatorId: p.id,
				rubricId: w.rubric.id,
				rubricVersion: 1,
				guidelineVersionId: null,
				scores: i % 9 === 0 ? { accuracy: 1 + ((i + j) % 5) } : j === 0 ? { tone: 3 } : {},
				flags: [],
				tags: [],
				spans: [],
				rationale: '',
				sources: [],
				timeSpentMs: 0,
				state: 'submitted' as const,
				createdAt: T0,
				updatedAt: T0,
				submittedAt: T0
			}))
		)
	);
	await db.insert(calibrations).values(
		Array.from({ length: 9 }, (_, i) => ({
			id: newId(),
			projectId: w.projectId,
			title: `Session ${i}`,
			rubricId: w.rubric.id,
			phase: i % 3 === 0 ? ('closed' as const) : ('scoring' as const),
			round: 1,
			createdBy: w.ids.lead,
			createdAt: at(i)
		}))
	);
});
afterAll(() => server?.close());

describe('guideline lists, paged', () => {
	it('guidelines oldest first and versions newest first, each once', async () => {
		const { db } = server.deps;
		const stored = await db.select().from(guidelines).where(eq(guidelines.projectId, w.projectId));
		const path = `/api/projects/${w.projectId}/guidelines`;
		const listed = await walkPages(server, path, 'guidelines', w.headers.ana, 3);
		const order = (a: (typeof stored)[number], b: (typeof stored)[number]) =>
			a.createdAt - b.createdAt || bytewise(a.id, b.id);
		expect(uniqueIds(listed.rows)).toEqual([...stored].sort(order).map((g) => g.id));
		const first = listed.rows.find((g: any) => g.id === gid);
		expect(first).toMatchObject({ versionCount: 12, current: { number: 12 } });
		await expectPagingRefusals(server, path, w.headers.ana);

		const versions = await walkPages(server, `/api/guidelines/${gid}/versions`, 'versions', w.headers.ana, 5);
		expect(versions.rows.map((v: any) => v.number)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
		await expectPagingRefusals(server, `/api/guidelines/${gid}/versions`, w.headers.ana);
	});

	it('acknowledgements by name, each member who acknowledges once, with counts over all of them', async () => {
		const { db } = server.deps;
		const [v12] = await db
			.select()
			.from(guidelineVersions)
			.where(and(eq(guidelineVersions.guidelineId, gid), eq(guidelineVersions.number, 12)));
		const members = await db
			.select({ id: users.id, name: users.name, role: memberships.role })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.where(eq(memberships.projectId, w.projectId));
		const acknowledging = members
			.filter((m) => m.role === 'evaluator' || m.role === 'lead')
			.sort((a, b) => bytewise(a.name, b.name) || bytewise(a.id, b.id));
		const acked = new Set(
			(await db.select().from(guidelineAcks).where(eq(guidelineAcks.versionId, v12.id))).map((a) => a.userId)
		);
		const path = `/api/guidelines/${gid}/versions/12/acks`;
		const { rows, pages } = await walkPages(server, path, 'acks', w.headers.pm, 4);
		expect(rows.map((a: any) => a.userId)).toEqual(acknowledging.map((m) => m.id));
		for (const page of pages) {
			expect(page.acknowledged).toBe(acknowledging.filter((m) => acked.has(m.id)).length);
			expect(page.pending).toBe(acknowledging.filter((m) => !acked.has(m.id)).length);
		}
		await expectPagingRefusals(server, path, w.headers.pm);
	});

	it('affected items in import order across chunks, only those with an evaluation that scored a touched dimension', async () => {
		const { db } = server.deps;
		const stored = await db.select().from(items).where(eq(items.projectId, w.projectId));
		const order = (a: (typeof stored)[number], b: (typeof stored)[number]) =>
			a.createdAt - b.createdAt || bytewise(a.id, b.id);
		const index = new Map(w.itemIds.map((id, i) => [id, i]));
		const expected = [...stored]
			.sort(order)
			.filter((i) => index.get(i.id)! % 9 === 0)
			.map((i) => i.id);
		expect(expected.length).toBeGreaterThan(7);
		const path = `/api/guidelines/${gid}/versions/12/affected`;
		for (const limit of [7, 25, 100]) {
			const { rows, pages } = await walkPages(server, path, 'items', w.headers.lead, limit);
			expect(rows.map((i: any) => i.itemId)).toEqual(expected);
			expect(new Set(rows.map((i: any) => i.itemId)).size).toBe(rows.length);
			expect(rows.every((i: any) => i.evaluations.length === 2)).toBe(true);
			expect(pages[0].dimensions).toEqual(['accuracy']);
		}
		await expectPagingRefusals(server, path, w.headers.lead);
	});
});

describe('calibration lists, paged', () => {
	it('sessions newest first (participants: their own; live=1: not closed), candidates each once', async () => {
		const { db } = server.deps;
		const stored = await db.select().from(calibrations).where(eq(calibrations.projectId, w.projectId));
		const newest = (a: (typeof stored)[number], b: (typeof stored)[number]) =>
			b.createdAt - a.createdAt || bytewise(b.id, a.id);
		const path = `/api/projects/${w.projectId}/calibrations`;
		const all = await walkPages(server, path, 'calibrations', w.headers.lead, 2);
		expect(uniqueIds(all.rows)).toEqual([...stored].sort(newest).map((c) => c.id));
		const live = await walkPages(server, withQuery(path, { live: 1 }), 'calibrations', w.headers.lead, 4);
		expect(uniqueIds(live.rows)).toEqual(
			[...stored]
				.filter((c) => c.phase !== 'closed')
				.sort(newest)
				.map((c) => c.id)
		);
		const hers = stored.filter((_, i) => i % 2 === 0);
		await db.insert(calibrationParticipants).values(hers.map((c) => ({ calibrationId: c.id, userId: w.ids.ana })));
		const asAna = await walkPages(server, path, 'calibrations', w.headers.ana, 2);
		expect(uniqueIds(asAna.rows)).toEqual([...hers].sort(newest).map((c) => c.id));
		await expectPagingRefusals(server, path, w.headers.lead);

		const candidates = `/api/projects/${w.projectId}/calibration-candidates`;
		for (const sort of ['disagreement', 'recent']) {
			const walked = await walkPages(server, withQuery(candidates, { sort }), 'items', w.headers.lead, 40);
			expect(uniqueIds(walked.rows).sort()).toEqual([...w.itemIds].sort());
			for (const page of walked.pages) expect(page.total).toBe(ITEMS);
			if (sort === 'disagreement') {
				const ranks = walked.rows.map((c: any) => c.disagreement ?? -1);
				expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
			}
		}
		await expectPagingRefusals(server, candidates, w.headers.lead);
	});
});
