// Every list that grows with the data pages by cursor (src/lib/shared/paging.ts), over the real server: items,
// notifications, tokens, admin users, projects, project members, webhooks and their deliveries. Walking the pages
// yields every row exactly once and in the list's order (ties on time or name broken by the id, compared
// bytewise), filters apply on the server, and a garbage or foreign cursor or a page over 100 is a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../fixtures/server';
import { expectPagingRefusals, uniqueIds, walkPages, withQuery } from '../fixtures/pages';
import {
	apiTokens,
	items,
	memberships,
	notifications,
	projects,
	users,
	webhookDeliveries,
	webhooks
} from '../../drizzle/schema';
import { DEFAULT_SETTINGS } from '../../server/db/projects';
import { newId } from '../../server/domain/ids';

let server: TestServer;
let admin: Record<string, string>;
let lead: Record<string, string>;
let ana: Record<string, string>;
let anaId: string;
let pid: string;
const T0 = Date.now() - 86_400_000;

const bytewise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Rows ordered by a time (ties by id), ascending or descending. */
const byTime =
	<R extends { id: string; createdAt: number }>(dir: 1 | -1) =>
	(a: R, b: R) =>
		dir * (a.createdAt - b.createdAt || bytewise(a.id, b.id));

beforeAll(async () => {
	server = await startTestServer();
	[admin, lead, ana] = await Promise.all(['admin', 'lead', 'ana'].map((u) => server.login(`${u}@demo.test`)));
	const { db } = server.deps;
	anaId = (await db.select().from(users).where(eq(users.email, 'ana@demo.test')))[0].id;
	const created = await server.api('/api/projects', { body: { name: 'Paging' }, headers: admin });
	pid = created.body.project.id;
	await server.api(`/api/projects/${pid}/members`, {
		method: 'PUT',
		body: { email: 'lead@demo.test', role: 'lead' },
		headers: admin
	});
	// Many rows sharing a few times, so the id decides most of the order.
	const at = (i: number) => T0 + (i % 4) * 1000;
	const people = Array.from({ length: 23 }, (_, i) => ({
		id: newId(),
		email: `paging-${String(i).padStart(2, '0')}@example.test`,
		// Names that tie, and names that differ only in case (bytewise: upper case first).
		name: i % 3 === 0 ? 'Same Name' : i % 2 ? `name ${i}` : `Name ${i}`,
		passwordHash: 'x',
		isAdmin: false,
		locale: null,
		createdAt: at(i)
	}));
	await db.insert(users).values(people);
	await db
		.insert(memberships)
		.values(people.map((p) => ({ projectId: pid, userId: p.id, role: 'evaluator' as const, createdAt: T0 })));
	await db.insert(notifications).values(
		Array.from({ length: 37 }, (_, i) => ({
			id: newId(),
			userId: anaId,
			projectId: null,
			kind: 'test',
			data: { i },
			createdAt: at(i),
			readAt: i % 2 ? at(i) : null
		}))
	);
	await db.insert(apiTokens).values(
		Array.from({ length: 13 }, (_, i) => ({
			id: newId(),
			userId: anaId,
			name: `token ${i}`,
			tokenHash: newId(),
			createdAt: at(i)
		}))
	);
	const extra = Array.from({ length: 11 }, (_, i) => ({
		id: newId(),
		name: i % 2 ? 'Twin' : `project ${i}`,
		settings: DEFAULT_SETTINGS,
		createdAt: at(i)
	}));
	await db.insert(projects).values(extra);
	// The admin belongs to the project whose name sorts last: it still comes first in her list.
	const adminId = (await db.select().from(users).where(eq(users.email, 'admin@demo.test')))[0].id;
	await db.insert(memberships).values({ projectId: extra[10].id, userId: adminId, role: 'lead', createdAt: T0 });
	const hooks = Array.from({ length: 9 }, (_, i) => ({
		id: newId(),
		projectId: pid,
		url: `https://example.test/${i}`,
		secret: 's',
		events: ['escalation.opened'],
		createdBy: null,
		createdAt: at(i)
	}));
	await db.insert(webhooks).values(hooks);
	await db.insert(webhookDeliveries).values(
		Array.from({ length: 27 }, (_, i) => ({
			id: newId(),
			webhookId: hooks[0].id,
			event: 'escalation.opened',
			body: '{}',
			state: 'failed' as const,
			attempts: 1,
			createdAt: at(i)
		}))
	);
	const lines = Array.from({ length: 130 }, (_, i) =>
		JSON.stringify({
			externalId: `p-${i}`,
			modality: 'text',
			language: i % 3 ? 'en' : 'de',
			payload: { prompt: `q${i}`, response: `a${i}` }
		})
	);
	const imported = await server.api(`/api/projects/${pid}/items/import`, {
		raw: lines.join('\n'),
		headers: { ...lead, 'content-type': 'application/x-ndjson' }
	});
	expect(imported.status).toBe(201);
});
afterAll(() => server?.close());

describe('lists paged by cursor', () => {
	it('items: every item once in import order, filtered on the server, with the total of the filter', async () => {
		const stored = await server.deps.db.select().from(items).where(eq(items.projectId, pid));
		const path = `/api/projects/${pid}/items`;
		const all = await walkPages(server, path, 'items', lead, 17);
		expect(uniqueIds(all.rows)).toEqual([...stored].sort(byTime(1)).map((i) => i.id));
		for (const page of all.pages) expect(page.total).toBe(130);
		const de = await walkPages(server, withQuery(path, { language: 'de' }), 'items', lead, 9);
		const wanted = stored.filter((i) => i.language === 'de').sort(byTime(1));
		expect(uniqueIds(de.rows)).toEqual(wanted.map((i) => i.id));
		for (const page of de.pages) expect(page.total).toBe(wanted.length);
		const first = await server.api(path, { headers: lead });
		expect(first.body.items).toHaveLength(50);
		await expectPagingRefusals(server, path, lead, first.body.nextCursor.replace(/^./, 'x'));
		const notifications = (await server.api('/api/notifications?limit=1', { headers: ana })).body.nextCursor;
		await expectPagingRefusals(server, path, lead, notifications);
	});

	it('notifications: newest first, each once, with the unread count over all', async () => {
		const stored = await server.deps.db.select().from(notifications).where(eq(notifications.userId, anaId));
		const { rows, pages } = await walkPages(server, '/api/notifications', 'notifications', ana, 8);
		expect(uniqueIds(rows)).toEqual([...stored].sort(byTime(-1)).map((n) => n.id));
		const unread = stored.filter((n) => n.readAt === null).length;
		for (const page of pages) expect(page.unread).toBe(unread);
		await expectPagingRefusals(server, '/api/notifications', ana);
	});

	it('tokens: the caller’s own, newest first, each once', async () => {
		const stored = await server.deps.db.select().from(apiTokens).where(eq(apiTokens.userId, anaId));
		const { rows } = await walkPages(server, '/api/tokens', 'tokens', ana, 4);
		expect(uniqueIds(rows)).toEqual([...stored].sort(byTime(-1)).map((t) => t.id));
		expect(JSON.stringify(rows)).not.toContain('tokenHash');
		await expectPagingRefusals(server, '/api/tokens', ana);
	});

	it('admin users: by email, each once', async () => {
		const stored = await server.deps.db.select().from(users);
		const { rows } = await walkPages(server, '/api/admin/users', 'users', admin, 6);
		const order = (a: { email: string; id: string }, b: { email: string; id: string }) =>
			bytewise(a.email, b.email) || bytewise(a.id, b.id);
		expect(uniqueIds(rows)).toEqual([...stored].sort(order).map((u) => u.id));
		await expectPagingRefusals(server, '/api/admin/users', admin);
	});

	it('projects and members: by name (bytewise, ties by id), an admin’s own projects first', async () => {
		const { db } = server.deps;
		const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
			bytewise(a.name, b.name) || bytewise(a.id, b.id);
		const adminId = (await db.select().from(users).where(eq(users.email, 'admin@demo.test')))[0].id;
		const mineIds = new Set(
			(await db.select().from(memberships).where(eq(memberships.userId, adminId))).map((m) => m.projectId)
		);
		const all = await db.select().from(projects);
		const expected = [
			...all.filter((p) => mineIds.has(p.id)).sort(byName),
			...all.filter((p) => !mineIds.has(p.id)).sort(byName)
		];
		const asAdmin = await walkPages(server, '/api/projects', 'projects', admin, 3);
		expect(uniqueIds(asAdmin.rows)).toEqual(expected.map((p) => p.id));
		// The others she opens as admin (a reader and manager, not a member).
		expect(asAdmin.rows.filter((p: any) => p.role === 'admin')).toHaveLength(all.length - mineIds.size);
		const asAna = await walkPages(server, '/api/projects', 'projects', ana, 1);
		expect(asAna.rows.every((p: any) => p.role !== null)).toBe(true);
		await expectPagingRefusals(server, '/api/projects', admin);

		const members = await db
			.select({ id: users.id, name: users.name })
			.from(memberships)
			.innerJoin(users, eq(users.id, memberships.userId))
			.where(eq(memberships.projectId, pid));
		const listed = await walkPages(server, `/api/projects/${pid}/members`, 'members', lead, 5);
		expect(uniqueIds(listed.rows)).toEqual([...members].sort(byName).map((m) => m.id));
		await expectPagingRefusals(server, `/api/projects/${pid}/members`, lead);
	});

	it('webhooks oldest first and a webhook’s deliveries newest first, each once', async () => {
		const { db } = server.deps;
		const hooks = await db.select().from(webhooks).where(eq(webhooks.projectId, pid));
		const listed = await walkPages(server, `/api/projects/${pid}/webhooks`, 'webhooks', lead, 4);
		expect(uniqueIds(listed.rows)).toEqual([...hooks].sort(byTime(1)).map((h) => h.id));
		const first = [...hooks].sort(byTime(1)).find((h) => h.url.endsWith('/0'))!;
		const stored = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, first.id));
		const log = await walkPages(server, `/api/webhooks/${first.id}/deliveries`, 'deliveries', lead, 10);
		expect(uniqueIds(log.rows)).toEqual([...stored].sort(byTime(-1)).map((d) => d.id));
		expect(log.pages[0].webhook.id).toBe(first.id);
		await expectPagingRefusals(server, `/api/projects/${pid}/webhooks`, lead);
		await expectPagingRefusals(server, `/api/webhooks/${first.id}/deliveries`, lead);
	});
});
