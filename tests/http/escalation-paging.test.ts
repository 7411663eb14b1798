// The escalation queue paged by cursor over the real server: walking the pages under every sort, with filters, for
// mine=1 and for one item's escalations yields every matching row exactly once and in the documented order
// (created time, then id compared bytewise); counts, turnaround and facets cover the whole filtered set on every
// page; a row added while someone pages appears once; bad cursors and page sizes are refused and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { expectPagingRefusals, uniqueIds, walkPages, withQuery } from '../fixtures/pages';
import { escalations, items, users } from '../../drizzle/schema';
import { ESCALATION_STATES, type EscalationState } from '#shared/escalation';
import { median } from '../../server/domain/escalation';
import { newId } from '../../server/domain/ids';

let server: TestServer;
let ws: ReviewWorkspace;
let path: string;
const COUNT = 63;
const DAY = 24 * 3600_000;
const REASONS = ['guideline_ambiguous', 'policy_safety', 'broken_item'];

type Row = typeof escalations.$inferSelect;
type Expected = Row & { language: string };

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 12 });
	path = `/api/projects/${ws.pid}/escalations`;
	const { db } = server.deps;
	const id = async (email: string) => (await db.select().from(users).where(eq(users.email, email)))[0].id;
	const [ana, ben, lead] = [await id('ana@demo.test'), await id('ben@demo.test'), await id('lead@demo.test')];
	// Few distinct creation times, so most rows tie on time and only the id orders them.
	const base = Date.now() - 30 * DAY;
	const rows = Array.from({ length: COUNT }, (_, i) => {
		const state = ESCALATION_STATES[i % 4];
		const createdAt = base + (i % 7) * DAY;
		return {
			id: newId(),
			projectId: ws.pid,
			itemId: ws.itemIds[i % ws.itemIds.length],
			source: i % 5 === 0 ? ('auto' as const) : ('manual' as const),
			openedBy: i % 5 === 0 ? null : i % 3 === 0 ? ana : ben,
			reason: REASONS[i % 3],
			note: '',
			dimension: i % 5 === 0 ? 'correctness' : null,
			state,
			claimedBy: state === 'open' ? null : lead,
			claimedAt: state === 'open' ? null : createdAt + (i + 1) * 60_000,
			closedAt: state === 'resolved' || state === 'dismissed' ? createdAt + (i + 1) * 3600_000 : null,
			createdAt
		};
	});
	await db.insert(escalations).values(rows);
	// Ana evaluated item 1 (submitted): she is involved in its escalations that Ben opened too.
	await ws.submit(ws.people.ana, ws.itemIds[1], { correctness: 4, safe: true });
});
afterAll(() => server?.close());

/** Every escalation of the project as stored, with its item's language. */
async function stored(): Promise<Expected[]> {
	const found = await server.deps.db
		.select({ e: escalations, language: items.language })
		.from(escalations)
		.innerJoin(items, eq(items.id, escalations.itemId))
		.where(eq(escalations.projectId, ws.pid));
	return found.map((r) => ({ ...r.e, language: r.language }));
}

const bytewise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ORDERS: Record<string, (a: Expected, b: Expected) => number> = {
	oldest: (a, b) => a.createdAt - b.createdAt || bytewise(a.id, b.id),
	newest: (a, b) => b.createdAt - a.createdAt || bytewise(b.id, a.id),
	state: (a, b) =>
		ESCALATION_STATES.indexOf(a.state) - ESCALATION_STATES.indexOf(b.state) ||
		a.createdAt - b.createdAt ||
		bytewise(a.id, b.id)
};

describe('the escalation queue, paged', () => {
	it('gives at most 50 rows by default and every row exactly once, in order, under each sort', async () => {
		const all = await stored();
		const first = await server.api(path, { headers: ws.people.lead });
		expect(first.body.escalations).toHaveLength(50);
		expect(first.body.nextCursor).toEqual(expect.any(String));
		for (const sort of ['oldest', 'newest', 'state']) {
			for (const limit of [7, 100]) {
				const { rows } = await walkPages(server, withQuery(path, { sort }), 'escalations', ws.people.pm, limit);
				expect(uniqueIds(rows), `${sort} by ${limit}`).toEqual([...all].sort(ORDERS[sort]).map((e) => e.id));
			}
		}
	});

	it('filters on the server and keeps counts, turnaround and facets for the whole filtered set on every page', async () => {
		const all = await stored();
		const match = (e: Expected) => e.language === 'pt-BR' && e.reason !== 'broken_item';
		for (const reason of ['guideline_ambiguous', 'policy_safety']) {
			for (const state of [undefined, 'in_review'] as const) {
				const filtered = all.filter((e) => match(e) && e.reason === reason);
				const wanted = filtered.filter((e) => !state || e.state === state);
				const { rows, pages } = await walkPages(
					server,
					withQuery(path, { language: 'pt-BR', reason, state, sort: 'newest' }),
					'escalations',
					ws.people.lead,
					4
				);
				expect(uniqueIds(rows)).toEqual([...wanted].sort(ORDERS.newest).map((e) => e.id));
				const byState = await walkPages(
					server,
					withQuery(path, { language: 'pt-BR', reason, state, sort: 'state' }),
					'escalations',
					ws.people.lead,
					3
				);
				expect(uniqueIds(byState.rows)).toEqual([...wanted].sort(ORDERS.state).map((e) => e.id));
				const counts = Object.fromEntries(
					ESCALATION_STATES.map((s) => [s, filtered.filter((e) => e.state === s).length])
				) as Record<EscalationState, number>;
				const claimSpans = filtered.filter((e) => e.claimedAt !== null).map((e) => e.claimedAt! - e.createdAt);
				const closeSpans = filtered.filter((e) => e.closedAt !== null).map((e) => e.closedAt! - e.createdAt);
				const waiting = filtered.filter((e) => e.state === 'open' || e.state === 'in_review');
				for (const page of pages) {
					expect(page.counts).toEqual(counts);
					expect(page.turnaround).toMatchObject({
						medianClaimMs: median(claimSpans),
						medianResolveMs: median(closeSpans),
						claimed: claimSpans.length,
						closed: closeSpans.length,
						waiting: waiting.length
					});
					expect(page.facets.reasons).toEqual([...new Set(all.map((e) => e.reason))].sort());
					expect(page.facets.languages).toEqual(['en', 'pt-BR']);
				}
			}
		}
		const old = await walkPages(server, withQuery(path, { age: 24 * 27 - 12 }), 'escalations', ws.people.lead, 9);
		const cutoff = Date.now() - 26.5 * DAY;
		expect(old.rows.length).toBeGreaterThan(0);
		expect(old.rows.length).toBeLessThan(all.length);
		expect(uniqueIds(old.rows)).toEqual(
			all
				.filter((e) => e.createdAt <= cutoff)
				.sort(ORDERS.oldest)
				.map((e) => e.id)
		);
		const dim = await walkPages(
			server,
			withQuery(path, { dimension: 'correctness' }),
			'escalations',
			ws.people.lead,
			5
		);
		expect(dim.rows.every((e: any) => e.dimension === 'correctness' && e.source === 'auto')).toBe(true);
		expect(dim.rows).toHaveLength(all.filter((e) => e.dimension === 'correctness').length);
	});

	it('shows a row added while someone pages exactly once', async () => {
		const first = await server.api(withQuery(path, { limit: 10 }), { headers: ws.people.lead });
		const added = (
			await server.api(`/api/items/${ws.itemIds[3]}/escalations`, {
				body: { reason: 'other', note: 'added while paging' },
				headers: ws.people.chen
			})
		).body.escalation.id;
		const rest = await walkPages(server, path, 'escalations', ws.people.lead, 10, first.body.nextCursor);
		const ids = uniqueIds([...first.body.escalations, ...rest.rows]);
		expect(ids.filter((id) => id === added)).toHaveLength(1);
		expect(ids).toEqual((await stored()).sort(ORDERS.oldest).map((e) => e.id));
	});

	it('refuses a garbage or foreign cursor, a page over 100 and unknown parameters with validation_failed', async () => {
		const newest = await server.api(withQuery(path, { sort: 'newest', limit: 3 }), { headers: ws.people.lead });
		await expectPagingRefusals(server, withQuery(path, { sort: 'oldest' }), ws.people.lead, newest.body.nextCursor);
		const refused = await server.api(withQuery(path, { cursor: 'not-a-cursor' }), { headers: ws.people.lead });
		expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'cursor' })]);
		const itemCursor = Buffer.from(JSON.stringify(['item-escalations', 1, 'x'])).toString('base64url');
		expect((await server.api(withQuery(path, { cursor: itemCursor }), { headers: ws.people.lead })).status).toBe(400);
		expect((await server.api(withQuery(path, { offset: 10 }), { headers: ws.people.lead })).status).toBe(400);
		// The same cursor with its own sort is fine.
		const next = withQuery(path, { sort: 'newest', cursor: newest.body.nextCursor });
		expect((await server.api(next, { headers: ws.people.lead })).status).toBe(200);
	});
});

describe('my escalations and one item’s escalations, paged', () => {
	it('pages mine=1: the ones the caller opened and those on items she submitted, each once', async () => {
		const anaId = (await server.deps.db.select().from(users).where(eq(users.email, 'ana@demo.test')))[0].id;
		const all = await stored();
		const expected = all
			.filter((e) => e.openedBy === anaId || e.itemId === ws.itemIds[1])
			.sort(ORDERS.newest)
			.map((e) => e.id);
		const { rows } = await walkPages(
			server,
			withQuery(path, { mine: 1, sort: 'newest' }),
			'escalations',
			ws.people.ana,
			6
		);
		expect(uniqueIds(rows)).toEqual(expected);
		for (const e of rows) expect(e.involvement).toBe(e.openedBy?.id === anaId ? 'opened' : 'evaluated');
		await expectPagingRefusals(server, withQuery(path, { mine: 1 }), ws.people.ana);
	});

	it('pages an item’s escalations oldest first; an evaluator not involved sees only her own', async () => {
		const item = ws.itemIds[1];
		const all = (await stored()).filter((e) => e.itemId === item).sort(ORDERS.oldest);
		const asLead = await walkPages(server, `/api/items/${item}/escalations`, 'escalations', ws.people.lead, 2);
		expect(uniqueIds(asLead.rows)).toEqual(all.map((e) => e.id));
		// Ana submitted this item: she is involved in all of its escalations.
		const asAna = await walkPages(server, `/api/items/${item}/escalations`, 'escalations', ws.people.ana, 2);
		expect(uniqueIds(asAna.rows)).toEqual(all.map((e) => e.id));
		// Chen did not: only the ones he opened (none here).
		const asChen = await walkPages(server, `/api/items/${item}/escalations`, 'escalations', ws.people.chen, 2);
		expect(asChen.rows).toEqual([]);
		await expectPagingRefusals(server, `/api/items/${item}/escalations`, ws.people.lead);
	});
});
