// The agreement figures kept per project (server/db/agreement-figures.ts) over the real server and real
// submissions: a submission moves the figures within STALE_MS; a change this node was not told about (another
// node's) is never served stale; while a rebuild runs the previous figures are served marked stale; names are
// read on each request; the most-disagreed items page by cursor, every item exactly once; bad cursors and unknown
// query parameters are refused and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { exec, row, rows } from '../../server/db/client';
import { krippendorffAlpha, toTable } from '#shared/agreement/index';
import { bumpEvaluationSeq } from '../../server/db/project-counts';
import { AgreementFigures, STALE_MS } from '../../server/db/agreement-figures';
import type { AgreementReport } from '#shared/agreement-report';
import { startTestServer, teamProject, type TestServer } from '../fixtures/server';

let server: TestServer;
let pid: string;
let rubricId: string;
let as: Record<string, Record<string, string>>;
const items: string[] = [];

const definition = {
	dimensions: [
		{ key: 'quality', label: 'Quality', scale: 'likert', level: 'ordinal', min: 1, max: 5 },
		{ key: 'safe', label: 'Safe', scale: 'binary', level: 'nominal' }
	]
};

const get = (path: string) => server.api(`/api/projects/${pid}${path}`, { headers: as.lead });
const submit = (who: string, item: number, quality: number, safe = true) =>
	server.api(`/api/items/${items[item]}/evaluations`, {
		body: { rubricId, scores: { quality, safe }, state: 'submitted', timeSpentMs: 1000 },
		headers: as[who]
	});
const quality = (body: AgreementReport) => body.dimensions.find((d) => d.key === 'quality')!;

/** Retries `probe` until it returns a value (not undefined) or `ms` pass; the figures settle later, not at once. */
async function eventually<T>(ms: number, probe: () => Promise<T | undefined>): Promise<T> {
	const until = Date.now() + ms;
	for (;;) {
		const found = await probe();
		if (found !== undefined) return found;
		if (Date.now() > until) throw new Error(`not within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

beforeAll(async () => {
	server = await startTestServer();
	({ as, pid } = await teamProject(server, 'Figures'));
	rubricId = (await server.api(`/api/projects/${pid}/rubrics`, { body: { name: 'R', definition }, headers: as.lead }))
		.body.rubric.id;
	const lines = Array.from({ length: 16 }, (_, i) => ({
		externalId: `t-${String(i).padStart(2, '0')}`,
		modality: 'text',
		language: i % 2 ? 'en' : 'de',
		payload: { prompt: `p${i}`, response: `r${i}` }
	}));
	await server.api(`/api/projects/${pid}/items/import`, {
		method: 'POST',
		raw: lines.map((l) => JSON.stringify(l)).join('\n'),
		headers: as.lead
	});
	const byExternal = new Map<string, string>();
	let cursor: string | null = null;
	do {
		const page = (
			await server.api(`/api/projects/${pid}/items${cursor ? `?cursor=${cursor}` : ''}`, { headers: as.lead })
		).body as { items: { id: string; externalId: string }[]; nextCursor?: string | null };
		for (const i of page.items) byExternal.set(i.externalId, i.id);
		cursor = page.nextCursor ?? null;
	} while (cursor);
	for (const l of lines) items.push(byExternal.get(l.externalId)!);
	// Items 0–11 rated by all three with some disagreement; 12–15 left for the tests.
	for (let i = 0; i < 12; i++) {
		expect((await submit('ana', i, 1 + (i % 5))).status).toBeLessThan(300);
		expect((await submit('ben', i, 1 + ((i + (i % 3)) % 5))).status).toBeLessThan(300);
		expect((await submit('chen', i, 1 + ((i * 2) % 5), i % 4 !== 0)).status).toBeLessThan(300);
	}
});
afterAll(() => server?.close());

describe('figures kept per project', () => {
	it('move after a submission within STALE_MS, and every answer says when it was computed', async () => {
		const before = (await get('/agreement')).body;
		expect(before.totals.evaluations).toBe(36);
		expect(before.stale).toBe(false);
		expect(before.computedAt).toBeGreaterThan(0);
		const started = Date.now();
		await submit('ana', 12, 5);
		await submit('ben', 12, 1);
		const after = await eventually(STALE_MS + 2000, async () => {
			const body = (await get('/agreement')).body;
			return body.totals.evaluations === 38 ? body : undefined;
		});
		expect(Date.now() - started).toBeLessThan(STALE_MS + 2000);
		expect(quality(after).itemsUsed).toBe(quality(before).itemsUsed + 1);
		expect(quality(after).agreement.value).not.toBe(quality(before).agreement.value);
		expect(after.computedAt).toBeGreaterThanOrEqual(before.computedAt);
		// Every route answers from the same figures.
		for (const path of ['/agreement/items', '/agreement/matrix', '/agreement/timeline', '/throughput']) {
			const body = (await eventually(STALE_MS + 2000, async () => {
				const b = (await get(path)).body;
				return b.stale ? undefined : b;
			})) as { computedAt: number };
			expect(body.computedAt).toBeGreaterThanOrEqual(after.computedAt);
		}
		expect(
			(
				await eventually(STALE_MS, async () => {
					const b = (await get('/throughput')).body;
					return b.totals.evaluations === 38 ? b : undefined;
				})
			).totals.evaluations
		).toBe(38);
	});

	it('never serves stale a change this node was not told about (another node wrote it)', async () => {
		const before = (await get('/agreement')).body;
		// What another node's reopening does to the record: the evaluation leaves the submitted ones, the seq moves.
		const target = await row<{ id: string }>(
			server.deps.db,
			sql`select id from evaluations where project_id = ${pid} and state = 'submitted' order by id limit 1`
		);
		await exec(server.deps.db, sql`update evaluations set state = 'draft' where id = ${target!.id}`);
		await bumpEvaluationSeq(server.deps.db, pid);
		const after = (await get('/agreement')).body;
		expect(after.stale).toBe(false);
		expect(after.totals.evaluations).toBe(before.totals.evaluations - 1);
		await exec(server.deps.db, sql`update evaluations set state = 'submitted' where id = ${target!.id}`);
		await bumpEvaluationSeq(server.deps.db, pid);
		expect((await get('/agreement')).body.totals.evaluations).toBe(before.totals.evaluations);
	});

	it('serve the previous figures marked stale while an announced change is folded in, then the new ones', async () => {
		const figures = new AgreementFigures(server.deps.database, (err) => {
			throw err;
		});
		const first = await figures.snapshot(pid);
		expect(first.freshness.stale).toBe(false);
		await submit('chen', 12, 3);
		figures.changed(pid);
		const during = await figures.snapshot(pid);
		expect(during.freshness).toEqual({ computedAt: first.snapshot.computedAt, stale: true });
		expect(during.snapshot).toBe(first.snapshot);
		const settled = await eventually(STALE_MS, async () => {
			const s = await figures.snapshot(pid);
			return s.freshness.stale ? undefined : s;
		});
		expect(settled.snapshot.columns.size).toBe(first.snapshot.columns.size + 1);
		// Unchanged since: the same snapshot, current.
		expect((await figures.snapshot(pid)).snapshot).toBe(settled.snapshot);
	});

	it('show an evaluator’s new name at once (names are not part of the kept figures)', async () => {
		// Both answers are kept before the rename; after it they must not be served from what was kept.
		for (const path of ['/agreement?by=evaluator', '/agreement/matrix'])
			await eventually(STALE_MS + 2000, async () => ((await get(path)).body.stale ? undefined : true));
		expect(
			(await server.api('/api/me', { method: 'PATCH', body: { name: 'Ana Renamed' }, headers: as.ana })).status
		).toBe(200);
		const names = (await get('/agreement?by=evaluator')).body.evaluators.map((e: { name: string }) => e.name);
		expect(names).toContain('Ana Renamed');
		const matrix = (await get('/agreement/matrix')).body.evaluators.map((e: { name: string }) => e.name);
		expect(matrix).toContain('Ana Renamed');
	});
});

describe('bootstrap intervals', () => {
	const interval = async () => {
		const body = (await get('/agreement')).body;
		return { body, interval: quality(body).interval! };
	};

	it('are computed in the background on the current figures, and refresh after a submission', async () => {
		const first = await eventually(20_000, async () => {
			const found = await interval();
			return found.interval.refreshing ? undefined : found;
		});
		expect(first.interval).toMatchObject({ level: 0.95, computedAt: first.body.computedAt });
		// The same bootstrap the engine runs (1,000 replicates, seed 1, items in the order they were submitted).
		const ordered = await rows<{ item_id: string; evaluator_id: string; scores: string }>(
			server.deps.db,
			sql`select item_id, evaluator_id, scores from evaluations where project_id = ${pid} and state = 'submitted'
				order by submitted_at, id`
		);
		const table = toTable(
			ordered.map((r) => ({ item: r.item_id, rater: r.evaluator_id, value: JSON.parse(r.scores).quality as number })),
			{ categories: [1, 2, 3, 4, 5] }
		);
		const direct = krippendorffAlpha(table, { level: 'ordinal', ci: true });
		expect(direct.ok && direct.ci).toMatchObject({ low: first.interval.low, high: first.interval.high });
		await submit('chen', 13, 1);
		await submit('ben', 13, 5);
		const moved = await eventually(STALE_MS + 2000, async () => {
			const found = await interval();
			return found.body.totals.evaluations > first.body.totals.evaluations && !found.body.stale ? found : undefined;
		});
		// Figures moved, interval not yet recomputed: the previous bounds, marked refreshing.
		if (moved.interval.refreshing)
			expect(moved.interval).toMatchObject({ low: first.interval.low, computedAt: first.body.computedAt });
		const refreshed = await eventually(20_000, async () => {
			const found = await interval();
			return found.interval.refreshing ? undefined : found;
		});
		expect(refreshed.interval.computedAt).toBe(refreshed.body.computedAt);
		expect(refreshed.interval.computedAt).toBeGreaterThan(first.interval.computedAt as number);
	});
});

describe('most-disagreed items by cursor', () => {
	it('walks every disagreed item exactly once, in the order of one long page', async () => {
		const whole = (await get('/agreement/items?limit=100')).body;
		expect(whole.nextCursor).toBeNull();
		expect(whole.items.length).toBe(whole.total);
		expect(whole.total).toBeGreaterThan(5);
		const walked: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page: { total: number; items: { itemId: string }[]; nextCursor: string | null } = (
				await get(`/agreement/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
			).body;
			expect(page.total).toBe(whole.total);
			expect(page.items.length).toBeLessThanOrEqual(2);
			walked.push(...page.items.map((i) => i.itemId));
			cursor = page.nextCursor;
			pages++;
		} while (cursor);
		expect(walked).toEqual(whole.items.map((i: { itemId: string }) => i.itemId));
		expect(new Set(walked).size).toBe(walked.length);
		expect(pages).toBe(Math.ceil(whole.total / 2));
	});

	it('holds at most 100 items per JSON page whatever the limit', async () => {
		const res = await get('/agreement/items?limit=500');
		expect(res.status).toBe(200);
		expect(res.body.items.length).toBeLessThanOrEqual(100);
	});

	it('refuses a cursor that is not this list’s, and unknown parameters, with 400', async () => {
		const other = Buffer.from(JSON.stringify(['escalations', 1, 'x'])).toString('base64url');
		for (const path of [
			'/agreement/items?cursor=not-a-cursor',
			`/agreement/items?cursor=${other}`,
			'/agreement/items?evaluator=ana',
			'/agreement?limit=5',
			'/agreement/matrix?cursor=x'
		]) {
			const res = await get(path);
			expect(res.status, path).toBe(400);
			expect(res.body.error.code).toBe('validation_failed');
		}
	});
});
