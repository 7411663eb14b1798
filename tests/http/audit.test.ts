// The audit trail over the real server: who may read a project's trail (evaluators 403, non-members 404, leads,
// managers and admins who are not members 200), filters in SQL (person, exact action and family, from/to
// boundaries with a plain date counting as its whole UTC day), paging that yields every row exactly once newest
// first, strict query validation, and the CSV download (every matching row, formula cells neutralised, absolute
// links). Rows are written straight into audit_log with chosen times so every boundary is known.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';
import { expectPagingRefusals, uniqueIds, walkPages, withQuery } from '../fixtures/pages';
import { auditLog, users } from '../../drizzle/schema';
import { readCsv } from '../../server/domain/csv';
import { Readable } from 'node:stream';

let server: TestServer;
let ws: ReviewWorkspace;
let path: string;
const ids: Record<string, string> = {};
const DAY0 = Date.parse('2024-03-10T00:00:00Z');
const HOUR = 3600_000;
const ACTIONS = ['calibration.reveal', 'calibration.consensus', 'escalation.verdict', 'escalation.claim'];
const SYNTHETIC = 40;

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	path = `/api/projects/${ws.pid}/audit`;
	for (const u of await server.deps.db.select().from(users)) ids[u.email.split('@')[0]] = u.id;
	// Five distinct times over 2024-03-10 and 03-11 (rows tie on time, so only the id orders them), two people.
	const rows = Array.from({ length: SYNTHETIC }, (_, i) => ({
		at: DAY0 + (i % 5) * 10 * HOUR,
		actorId: i % 2 ? ids.ana : ids.lead,
		projectId: ws.pid,
		action: ACTIONS[i % 4],
		entityType: ACTIONS[i % 4].startsWith('calibration') ? 'calibration' : 'escalation',
		entityId: `e${i}`,
		data: { n: i }
	}));
	await server.deps.db.insert(auditLog).values(rows);
	// Boundaries: the first and last millisecond of 2024-03-12, and the next day's first.
	await server.deps.db.insert(auditLog).values(
		[DAY0 + 48 * HOUR, DAY0 + 72 * HOUR - 1, DAY0 + 72 * HOUR].map((at, i) => ({
			at,
			actorId: ids.ben,
			projectId: ws.pid,
			action: 'guideline.publish',
			entityType: 'guideline',
			entityId: `edge${i}`,
			data: { changelog: '=HYPERLINK("http://evil.test","click")' }
		}))
	);
	// Another project's row and a sign-in: never in this project's trail.
	await server.deps.db.insert(auditLog).values([
		{
			at: DAY0,
			actorId: ids.lead,
			projectId: 'elsewhere',
			action: 'calibration.reveal',
			entityType: 'calibration',
			entityId: 'x'
		},
		{ at: DAY0, actorId: ids.lead, projectId: null, action: 'auth.sign_in', entityType: 'user', entityId: ids.lead }
	]);
});
afterAll(() => server?.close());

const get = (url: string, who: keyof ReviewWorkspace['people']) => server.api(url, { headers: ws.people[who] });

describe('who reads a project trail', () => {
	it('leads, managers and an admin who is not a member read it; evaluators are refused; strangers see no project', async () => {
		for (const who of ['lead', 'pm', 'admin'] as const) expect((await get(path, who)).status, who).toBe(200);
		expect((await get(path, 'ana')).status).toBe(403);
		expect((await get(`${path}/facets`, 'ana')).status).toBe(403);
		// Ben is no member of a second project: it does not exist for him.
		const other = await server.api('/api/projects', { body: { name: 'Other' }, headers: ws.people.admin });
		expect((await get(`/api/projects/${other.body.project.id}/audit`, 'ben')).status).toBe(404);
		expect((await get('/api/projects/nope/audit', 'admin')).status).toBe(404);
		expect((await get('/api/admin/audit', 'lead')).status).toBe(403);
	});
});

describe('filters', () => {
	const entries = async (query: Record<string, string>) => {
		const res = await get(withQuery(path, { ...query, limit: 100 }), 'lead');
		expect(res.status, JSON.stringify(res.body)).toBe(200);
		return res.body.entries as { entityId: string; action: string; actor: { id: string } | null; at: number }[];
	};

	it('by person, by exact action and by action family', async () => {
		const ana = await entries({ actor: ids.ana });
		expect(ana).toHaveLength(SYNTHETIC / 2);
		expect(ana.every((e) => e.actor?.id === ids.ana)).toBe(true);
		const verdicts = await entries({ action: 'escalation.verdict' });
		expect(verdicts.map((e) => e.action)).toEqual(Array(SYNTHETIC / 4).fill('escalation.verdict'));
		const calibration = await entries({ action: 'calibration.*' });
		expect(new Set(calibration.map((e) => e.action))).toEqual(new Set(['calibration.reveal', 'calibration.consensus']));
		expect(calibration).toHaveLength(SYNTHETIC / 2);
		expect(await entries({ actor: ids.ana, action: 'calibration.*' })).toHaveLength(SYNTHETIC / 4);
		// The family is the prefix up to a dot: `calibration.*` does not match a `calibrations.x` or `calibrationx`.
		expect(await entries({ action: 'calibration.rev.*' })).toHaveLength(0);
		// `_` is a letter here, not LIKE's wildcard: `item_.*` is not the family of `items.import`.
		expect(await entries({ action: 'items.*' })).toHaveLength(1);
		expect(await entries({ action: 'item_.*' })).toHaveLength(0);
	});

	it('from and to include their bounds; a plain `to` date counts to the last millisecond of that day', async () => {
		const day = await entries({ from: '2024-03-12', to: '2024-03-12' });
		expect(day.map((e) => e.entityId).sort()).toEqual(['edge0', 'edge1']);
		const late = await entries({ from: '2024-03-12T23:59:59.999Z' });
		expect(late.map((e) => e.entityId)).toContain('edge1');
		expect(late.map((e) => e.entityId)).not.toContain('edge0');
		const until = await entries({ from: '2024-03-12', to: '2024-03-12T00:00:00Z' });
		expect(until.map((e) => e.entityId)).toEqual(['edge0']);
		const firstDay = await entries({ to: '2024-03-10' });
		expect(firstDay.every((e) => e.at < DAY0 + 24 * HOUR)).toBe(true);
		expect(firstDay).toHaveLength((SYNTHETIC / 5) * 3); // 00:00, 10:00 and 20:00 of the 10th
	});

	it('refuses unknown parameters, bad dates, bad actions and an empty range', async () => {
		for (const query of [
			{ user: ids.ana },
			{ from: '2024-02-31' },
			{ from: 'yesterday' },
			{ to: '1710028800000' },
			{ action: 'Calibration.*' },
			{ action: "x' or 1=1 --" },
			{ format: 'xml' },
			{ from: '2024-03-12', to: '2024-03-11' }
		]) {
			const res = await get(withQuery(path, query), 'lead');
			expect(res.status, JSON.stringify(query)).toBe(400);
			expect(res.body.error.code).toBe('validation_failed');
		}
		expect((await get(`${path}/facets?x=1`, 'lead')).status).toBe(400);
		await expectPagingRefusals(server, path, ws.people.lead);
	});
});

describe('paging', () => {
	it('walks every row of the project exactly once, newest first (time, then id)', async () => {
		const { rows } = await walkPages(server, path, 'entries', ws.people.pm, 7);
		uniqueIds(rows);
		const stored = await server.deps.db.select().from(auditLog).where(eq(auditLog.projectId, ws.pid));
		const expected = stored.sort((a, b) => b.at - a.at || b.id - a.id).map((r) => String(r.id));
		expect(rows.map((r) => r.id)).toEqual(expected);
		// Filters hold on every page.
		const family = await walkPages(server, withQuery(path, { action: 'escalation.*' }), 'entries', ws.people.pm, 3);
		expect(family.rows).toHaveLength(SYNTHETIC / 2);
	});

	it('names the person and links to the thing', async () => {
		const [entry] = (await get(withQuery(path, { action: 'escalation.verdict', limit: 1 }), 'lead')).body.entries;
		expect(entry.actor).toEqual({
			id: expect.any(String),
			name: expect.any(String),
			email: expect.stringMatching(/@demo\.test$/)
		});
		expect(entry.link).toBe(`/projects/${ws.pid}/escalations/${entry.entityId}`);
		expect(entry.detail).toEqual({ n: expect.any(Number) });
	});

	it('facets list the people and actions of this project only', async () => {
		const res = await get(`${path}/facets`, 'pm');
		expect(res.body.actions).toEqual(expect.arrayContaining([...ACTIONS, 'guideline.publish', 'membership.set']));
		expect(res.body.actions).not.toContain('auth.sign_in');
		expect(res.body.actors.map((a: { id: string }) => a.id)).toEqual(
			expect.arrayContaining([ids.lead, ids.ana, ids.ben])
		);
	});
});

async function csvRecords(text: string): Promise<string[][]> {
	const out: string[][] = [];
	for await (const r of readCsv(Readable.from([text]))) out.push(r.fields);
	return out;
}

describe('CSV download', () => {
	it('streams every matching entry with the same filters, formula cells neutralised, links absolute', async () => {
		const res = await fetch(`${server.url}${path}?format=csv&action=guideline.*`, { headers: ws.people.lead });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
		expect(res.headers.get('content-disposition')).toMatch(
			/attachment; filename="concord-review-[a-z0-9]+-audit-\d{4}-\d{2}-\d{2}\.csv"/
		);
		const [header, ...rows] = await csvRecords(await res.text());
		expect(header).toEqual(['at', 'actor_name', 'actor_email', 'action', 'entity_type', 'entity_id', 'detail', 'link']);
		expect(rows.map((r) => r[5])).toEqual(['edge2', 'edge1', 'edge0']);
		expect(rows[0][0]).toBe('2024-03-13T00:00:00.000Z');
		expect(rows[0].slice(1, 4)).toEqual(['Ben Carter', 'ben@demo.test', 'guideline.publish']);
		expect(JSON.parse(rows[0][6])).toEqual({ changelog: '=HYPERLINK("http://evil.test","click")' });
		expect(rows[0][7]).toBe(`${server.url}/projects/${ws.pid}/guidelines/edge2`);
	});

	it('has no page limit: every row of the project', async () => {
		const res = await fetch(`${server.url}${path}?format=csv`, { headers: ws.people.pm });
		const [, ...rows] = await csvRecords(await res.text());
		const stored = await server.deps.db.select().from(auditLog).where(eq(auditLog.projectId, ws.pid));
		expect(rows).toHaveLength(stored.length);
		expect(stored.length).toBeGreaterThan(SYNTHETIC);
	});

	it('a cell a spreadsheet would run as a formula starts with an apostrophe', async () => {
		await server.deps.db.update(users).set({ name: '=cmd|calc' }).where(eq(users.id, ids.chen));
		await server.deps.db.insert(auditLog).values({
			at: DAY0,
			actorId: ids.chen,
			projectId: ws.pid,
			action: 'item.skip',
			entityType: 'item',
			entityId: '+1'
		});
		const text = await (
			await fetch(`${server.url}${path}?format=csv&actor=${ids.chen}`, { headers: ws.people.lead })
		).text();
		const [, row] = await csvRecords(text);
		expect(row[1]).toBe("'=cmd|calc");
		expect(row[5]).toBe("'+1");
	});
});
