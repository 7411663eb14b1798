// The scale generator (npm run seed:scale) against a real server: what it writes is what the product's own rules
// make of it. Nine in ten items carry three submitted evaluations by Ana, Ben and Chen, the last tenth wait in
// everyone's queue, the escalations are those automatic escalation opens, and the counts kept with each save
// (queue progress, facets) agree with the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../fixtures/server';
import { rows } from '../../server/db/client';
import { seedScale } from '../../server/demo/scale-seed';

let server: TestServer;
let result: Awaited<ReturnType<typeof seedScale>>;
const ITEMS = 60;

beforeAll(async () => {
	server = await startTestServer();
	result = await seedScale(server.deps, ITEMS);
});
afterAll(() => server?.close());

describe('seed:scale', () => {
	it('makes a Scale project (overlap 3) of N items, nine in ten evaluated by the three demo evaluators', async () => {
		const lead = await server.login('lead@demo.test');
		const { projects } = (await server.api('/api/projects', { headers: lead })).body as {
			projects: { id: string; name: string; settings: { overlap: number } }[];
		};
		const scale = projects.find((p) => p.name === 'Scale')!;
		expect(scale.id).toBe(result.projectId);
		expect(scale.settings.overlap).toBe(3);
		expect(result).toMatchObject({ items: ITEMS, evaluations: 54 * 3 });
		const perItem = await rows<{ n: number; evaluators: number }>(
			server.deps.db,
			sql`select count(e.id) as n, count(distinct e.evaluator_id) as evaluators from items i
				left join evaluations e on e.item_id = i.id and e.state = 'submitted'
				where i.project_id = ${result.projectId} group by i.id order by n`
		);
		expect(perItem.filter((r) => r.n === 0)).toHaveLength(6);
		expect(perItem.filter((r) => r.n === 3 && r.evaluators === 3)).toHaveLength(54);
		const members = (await server.api(`/api/projects/${result.projectId}/members`, { headers: lead })).body.members as {
			email: string;
			role: string;
		}[];
		expect(members.map((m) => `${m.email}:${m.role}`).sort()).toEqual([
			'ana@demo.test:evaluator',
			'ben@demo.test:evaluator',
			'chen@demo.test:evaluator',
			'lead@demo.test:lead',
			'pm@demo.test:manager'
		]);
	});

	it('leaves the last tenth in every evaluator’s queue, with progress counted', async () => {
		for (const who of ['ana', 'ben', 'chen']) {
			const queue = (
				await server.api(`/api/projects/${result.projectId}/queue`, {
					headers: await server.login(`${who}@demo.test`)
				})
			).body as { items: { id: string }[]; progress: { done: number; total: number } };
			expect(queue.items).toHaveLength(3);
			expect(queue.progress).toEqual({ done: 54, total: 60 });
		}
	});

	it('has the escalations automatic escalation opens: one per item whose scores disagree, none otherwise', async () => {
		const escalated = await rows<{ itemId: string; source: string }>(
			server.deps.db,
			sql`select item_id as "itemId", source from escalations where project_id = ${result.projectId}`
		);
		expect(escalated.length).toBeGreaterThan(0);
		expect(escalated.length).toBeLessThan(54);
		expect(escalated.every((e) => e.source === 'auto')).toBe(true);
		expect(new Set(escalated.map((e) => e.itemId)).size).toBe(escalated.length);
		// Each escalated item disagrees on a nominal dimension; a sample of the others agrees on both.
		const scores = await rows<{ itemId: string; scores: string }>(
			server.deps.db,
			sql`select item_id as "itemId", scores from evaluations where project_id = ${result.projectId}`
		);
		const byItem = new Map<string, Record<string, unknown>[]>();
		for (const s of scores) byItem.set(s.itemId, [...(byItem.get(s.itemId) ?? []), JSON.parse(s.scores)]);
		const disagrees = (list: Record<string, unknown>[]) =>
			['safety', 'error_type'].some((k) => new Set(list.map((s) => s[k])).size > 1);
		const escalatedIds = new Set(escalated.map((e) => e.itemId));
		for (const [itemId, list] of byItem) expect(disagrees(list)).toBe(escalatedIds.has(itemId));
	});

	it('refuses to run twice on one record', async () => {
		await expect(seedScale(server.deps, 10)).rejects.toThrow(/already exists/);
	});
});
