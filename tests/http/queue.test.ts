// The evaluator queue against the real server: with overlap k exactly k evaluators get each item (also when
// they ask at the same moment), skipping frees the slot, the queue resumes with the same reserved items (drafts
// first), stale reservations give way instead of exceeding the overlap, filters and progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../fixtures/server';
import { exec, row, rows, tx } from '../../server/db/client';
import { recountProject } from '../../server/db/project-counts';

let server: TestServer;
let admin: Record<string, string>;
let lead: Record<string, string>;
const people: Record<string, Record<string, string>> = {};
const EVALUATORS = ['ana', 'ben', 'chen'];

const definition = {
	dimensions: [{ key: 'quality', label: 'Quality', scale: 'likert', level: 'ordinal', min: 1, max: 5 }],
	flags: [],
	tags: [],
	spanLabels: []
};

interface TestProject {
	pid: string;
	rubricId: string;
}

/** A project with its own overlap, the three demo evaluators, a one-dimension rubric and `n` items. */
async function makeProject(
	overlap: number,
	n: number,
	modalities: (i: number) => { modality: string; language: string } = () => ({ modality: 'text', language: 'en' })
): Promise<TestProject> {
	const created = await server.api('/api/projects', {
		body: { name: `Queue overlap ${overlap}`, settings: { overlap } },
		headers: admin
	});
	expect(created.status).toBe(201);
	const pid = created.body.project.id as string;
	for (const [email, role] of [['lead@demo.test', 'lead'], ...EVALUATORS.map((e) => [`${e}@demo.test`, 'evaluator'])]) {
		expect(
			(await server.api(`/api/projects/${pid}/members`, { method: 'PUT', body: { email, role }, headers: admin }))
				.status
		).toBe(200);
	}
	const rubric = await server.api(`/api/projects/${pid}/rubrics`, { body: { name: 'Q', definition }, headers: lead });
	expect(rubric.status).toBe(201);
	const lines = Array.from({ length: n }, (_, i) => {
		const { modality, language } = modalities(i);
		const payload =
			modality === 'chat'
				? {
						turns: [
							{ role: 'user', content: `q${i}` },
							{ role: 'assistant', content: `a${i}` }
						]
					}
				: { prompt: `Prompt ${i}`, response: `Response ${i}` };
		return JSON.stringify({ externalId: `q-${i}`, modality, language, payload });
	});
	const imported = await server.api(`/api/projects/${pid}/items/import`, {
		method: 'POST',
		raw: lines.join('\n'),
		headers: { ...lead, 'content-type': 'application/x-ndjson' }
	});
	expect(imported.status).toBe(201);
	return { pid, rubricId: rubric.body.rubric.id };
}

const queueOf = async (who: string, pid: string, query = '') => {
	const res = await server.api(`/api/projects/${pid}/queue${query}`, { headers: people[who] });
	expect(res.status).toBe(200);
	return res.body as {
		items: { id: string; myState: string | null; reviewRequested: boolean; modality: string; language: string }[];
		progress: { done: number; total: number };
		facets: { modalities: string[]; languages: string[] };
	};
};

const submit = (who: string, itemId: string, rubricId: string, state: 'draft' | 'submitted' = 'submitted') =>
	server.api(`/api/items/${itemId}/evaluations`, {
		body: { rubricId, scores: state === 'submitted' ? { quality: 3 } : {}, state },
		headers: people[who]
	});

/** Every evaluator works through their queue, all asking concurrently each round, until nobody gets anything. */
async function drain(p: TestProject): Promise<Map<string, string[]>> {
	const got = new Map<string, string[]>(EVALUATORS.map((e) => [e, []]));
	for (let round = 0; round < 50; round++) {
		const queues = await Promise.all(EVALUATORS.map((e) => queueOf(e, p.pid)));
		if (queues.every((q) => q.items.length === 0)) return got;
		await Promise.all(
			EVALUATORS.map(async (e, i) => {
				const first = queues[i].items[0];
				if (!first) return;
				expect((await submit(e, first.id, p.rubricId)).status).toBe(201);
				got.get(e)!.push(first.id);
			})
		);
	}
	throw new Error('queues did not drain');
}

beforeAll(async () => {
	server = await startTestServer();
	admin = await server.login('admin@demo.test');
	lead = await server.login('lead@demo.test');
	for (const e of EVALUATORS) people[e] = await server.login(`${e}@demo.test`);
});
afterAll(() => server?.close());

describe('overlap', () => {
	it('with overlap 1, two evaluators asking at once never get the same item, and every item is evaluated once', async () => {
		const p = await makeProject(1, 10);
		const [a, b] = await Promise.all([queueOf('ana', p.pid), queueOf('ben', p.pid)]);
		expect(a.items).toHaveLength(3);
		expect(b.items).toHaveLength(3);
		expect(a.items.map((i) => i.id).filter((id) => b.items.some((j) => j.id === id))).toEqual([]);
		const got = await drain(p);
		const all = [...got.values()].flat();
		expect(new Set(all).size).toBe(all.length);
		expect(all).toHaveLength(10);
	});

	it('with overlap 2, exactly two evaluators evaluate each item', async () => {
		const p = await makeProject(2, 7);
		const got = await drain(p);
		const perItem = new Map<string, string[]>();
		for (const [who, ids] of got) for (const id of ids) perItem.set(id, [...(perItem.get(id) ?? []), who]);
		expect(perItem.size).toBe(7);
		for (const [, who] of perItem) {
			expect(who).toHaveLength(2);
			expect(new Set(who).size).toBe(2);
		}
		for (const e of EVALUATORS) expect((await queueOf(e, p.pid)).items).toEqual([]);
	});

	it('never hands out more reservations than the overlap allows, even to a burst of concurrent requests', async () => {
		const p = await makeProject(2, 3);
		const queues = await Promise.all(EVALUATORS.flatMap((e) => [queueOf(e, p.pid), queueOf(e, p.pid)]));
		const holders = new Map<string, Set<string>>();
		queues.forEach((q, i) =>
			q.items.forEach((item) =>
				holders.set(item.id, (holders.get(item.id) ?? new Set()).add(EVALUATORS[Math.floor(i / 2)]))
			)
		);
		for (const [, who] of holders) expect(who.size).toBeLessThanOrEqual(2);
		expect([...holders.values()].reduce((n, s) => n + s.size, 0)).toBe(6);
	});
});

describe('skip, resume, expiry', () => {
	it('removes a skipped item from the queue and frees its slot for someone else', async () => {
		const p = await makeProject(1, 4);
		const a = await queueOf('ana', p.pid);
		const skipped = a.items[0].id;
		expect((await server.api(`/api/items/${skipped}/skip`, { body: { reason: '' }, headers: people.ana })).status).toBe(
			400
		);
		expect(
			(
				await server.api(`/api/items/${skipped}/skip`, {
					body: { reason: 'Outside my expertise' },
					headers: people.ana
				})
			).status
		).toBe(200);
		const again = await queueOf('ana', p.pid);
		expect(again.items.map((i) => i.id)).not.toContain(skipped);
		expect(again.items.map((i) => i.id)).toContain(a.items[1].id);
		expect(again.progress.total).toBe(3);
		const b = await queueOf('ben', p.pid);
		expect(b.items.map((i) => i.id)).toContain(skipped);
	});

	it('resumes with the same reserved items in the same order, drafts first', async () => {
		const p = await makeProject(1, 6);
		const first = await queueOf('ana', p.pid);
		const second = await queueOf('ana', p.pid);
		expect(second.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
		expect(second.progress).toEqual({ done: 0, total: 6 });
		const draftOn = first.items[2].id;
		expect((await submit('ana', draftOn, p.rubricId, 'draft')).status).toBe(201);
		const resumed = await queueOf('ana', p.pid);
		expect(resumed.items.map((i) => i.id)).toEqual([draftOn, first.items[0].id, first.items[1].id]);
		expect(resumed.items[0].myState).toBe('draft');
		expect(resumed.items[1].myState).toBeNull();
		expect((await submit('ana', draftOn, p.rubricId)).status).toBe(201);
		const after = await queueOf('ana', p.pid);
		expect(after.items.map((i) => i.id)).not.toContain(draftOn);
		expect(after.items).toHaveLength(3);
		expect(after.progress).toEqual({ done: 1, total: 6 });
	});

	it('gives up an expired reservation whose slot someone else took, instead of exceeding the overlap', async () => {
		const p = await makeProject(1, 2);
		const a = await queueOf('ana', p.pid);
		expect(a.items).toHaveLength(2);
		// Ana leaves for three hours: her reservations expire.
		await exec(
			server.deps.db,
			sql`update assignments set reserved_at = reserved_at - ${3 * 3600_000} where item_id in (select id from items where project_id = ${p.pid})`
		);
		const b = await queueOf('ben', p.pid);
		expect(b.items.map((i) => i.id).sort()).toEqual(a.items.map((i) => i.id).sort());
		expect((await queueOf('ana', p.pid)).items).toEqual([]);
		expect((await queueOf('chen', p.pid)).items).toEqual([]);
	});

	it('refreshes the reservations it shows again, so they do not expire while their evaluator works', async () => {
		const p = await makeProject(1, 3);
		const a = await queueOf('ana', p.pid);
		const age = (ms: number) =>
			exec(
				server.deps.db,
				sql`update assignments set reserved_at = reserved_at - ${ms} where item_id in (select id from items where project_id = ${p.pid})`
			);
		await age(90 * 60_000); // an hour and a half: still hers, and old enough to be refreshed when shown
		expect((await queueOf('ana', p.pid)).items.map((i) => i.id)).toEqual(a.items.map((i) => i.id));
		await age(90 * 60_000); // three hours after she took them, an hour and a half after she saw them
		expect((await queueOf('ben', p.pid)).items).toEqual([]);
	});

	it('keeps a recent draft’s slot even when its reservation expired', async () => {
		const p = await makeProject(1, 1);
		const [item] = (await queueOf('ana', p.pid)).items;
		expect((await submit('ana', item.id, p.rubricId, 'draft')).status).toBe(201);
		await exec(
			server.deps.db,
			sql`update assignments set reserved_at = reserved_at - ${3 * 3600_000} where item_id = ${item.id}`
		);
		expect((await queueOf('ben', p.pid)).items).toEqual([]);
		expect((await queueOf('ana', p.pid)).items.map((i) => i.id)).toEqual([item.id]);
	});
});

describe('filters and progress', () => {
	it('leaves an item skipped straight from its id out of the skipper’s progress', async () => {
		const p = await makeProject(1, 4);
		const listed = (await server.api(`/api/projects/${p.pid}/items`, { headers: lead })).body.items as {
			id: string;
		}[];
		const last = listed[listed.length - 1].id;
		const skip = await server.api(`/api/items/${last}/skip`, {
			body: { reason: 'Seen elsewhere' },
			headers: people.ana
		});
		expect(skip.status).toBe(200);
		expect((await queueOf('ana', p.pid)).progress).toEqual({ done: 0, total: 3 });
	});

	it('counts only the items the caller can still take: slots others hold are not theirs, a freed one is', async () => {
		const p = await makeProject(1, 5);
		const ben = await queueOf('ben', p.pid);
		expect(ben.items).toHaveLength(3);
		const ana = await queueOf('ana', p.pid);
		expect(ana.items).toHaveLength(2);
		expect(ana.progress).toEqual({ done: 0, total: 2 });
		// Ben skips one of his: its only slot is free, and Ana can take it.
		const skip = await server.api(`/api/items/${ben.items[0].id}/skip`, {
			body: { reason: 'Not my language' },
			headers: people.ben
		});
		expect(skip.status).toBe(200);
		expect((await queueOf('ana', p.pid)).progress).toEqual({ done: 0, total: 3 });
	});

	it('filters by modality and language and lists the values the project has', async () => {
		const p = await makeProject(3, 6, (i) => ({ modality: i % 2 ? 'chat' : 'text', language: i < 3 ? 'pt-BR' : 'en' }));
		const chat = await queueOf('ana', p.pid, '?modality=chat');
		expect(chat.items.length).toBe(3);
		expect(chat.items.every((i) => i.modality === 'chat')).toBe(true);
		expect(chat.progress.total).toBe(3);
		const pt = await queueOf('ben', p.pid, '?language=pt-BR&modality=text');
		expect(pt.items.map((i) => [i.modality, i.language])).toEqual([
			['text', 'pt-BR'],
			['text', 'pt-BR']
		]);
		expect(chat.facets).toEqual({ modalities: ['chat', 'text'], languages: ['en', 'pt-BR'] });
		// A later import's values show at once (the facets are kept under the project's seq, which it moves).
		const more = await server.api(`/api/projects/${p.pid}/items/import`, {
			method: 'POST',
			raw: JSON.stringify({
				externalId: 'q-es',
				modality: 'text',
				language: 'es',
				payload: { prompt: 'p', response: 'r' }
			}),
			headers: { ...lead, 'content-type': 'application/x-ndjson' }
		});
		expect(more.status).toBe(201);
		expect((await queueOf('ana', p.pid)).facets.languages).toEqual(['en', 'es', 'pt-BR']);
		expect((await server.api(`/api/projects/${p.pid}/queue?modality=bogus`, { headers: people.ana })).status).toBe(400);
	});

	it('is for evaluators and leads only (non-members do not learn the project exists)', async () => {
		const p = await makeProject(1, 1);
		const pm = await server.login('pm@demo.test');
		expect((await server.api(`/api/projects/${p.pid}/queue`, { headers: pm })).status).toBe(404);
		await server.api(`/api/projects/${p.pid}/members`, {
			method: 'PUT',
			body: { email: 'pm@demo.test', role: 'manager' },
			headers: admin
		});
		expect((await server.api(`/api/projects/${p.pid}/queue`, { headers: pm })).status).toBe(403);
		expect((await server.api(`/api/projects/${p.pid}/queue`, { headers: lead })).status).toBe(200);
	});
});

describe('counts kept with each write', () => {
	interface Counts {
		items: { id: string; submitted: number; wanted: boolean; touched: boolean }[];
		facets: { modality: string; language: string; items: number }[];
		seq: number;
	}
	const countsOf = async (pid: string): Promise<Counts> => ({
		items: (
			await rows<{ id: string; submitted: number; wanted: number | boolean; touched: number | boolean }>(
				server.deps.db,
				sql`select id, submitted_count as submitted, wanted, touched from items where project_id = ${pid} order by id`
			)
		).map((r) => ({
			...r,
			wanted: r.wanted === true || r.wanted === 1,
			touched: r.touched === true || r.touched === 1
		})),
		facets: await rows(
			server.deps.db,
			sql`select modality, language, items from project_facets where project_id = ${pid} order by modality, language`
		),
		seq: (await row<{ seq: number }>(
			server.deps.db,
			sql`select evaluation_seq as seq from projects where id = ${pid}`
		))!.seq
	});

	it('match a recount from the record after any mix of submissions, reopened drafts and skips', async () => {
		const p = await makeProject(2, 5, (i) => ({ modality: i % 2 ? 'chat' : 'text', language: i < 2 ? 'es' : 'en' }));
		let seed = 7;
		const pick = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % n;
		const ids = (await countsOf(p.pid)).items.map((i) => i.id);
		for (let step = 0; step < 40; step++) {
			const who = EVALUATORS[pick(3)];
			const item = ids[pick(ids.length)];
			const op = pick(5);
			const before = (await countsOf(p.pid)).seq;
			if (op < 3) expect((await submit(who, item, p.rubricId)).status).toBe(201);
			else if (op < 4) expect((await submit(who, item, p.rubricId, 'draft')).status).toBe(201);
			else await server.api(`/api/items/${item}/skip`, { body: { reason: 'not mine' }, headers: people[who] });
			const after = await countsOf(p.pid);
			// A submission, a reopened evaluation and a skip move the seq; a draft of a draft leaves it.
			if (op !== 3) expect(after.seq).toBeGreaterThan(before);
		}
		const kept = await countsOf(p.pid);
		await tx(server.deps.db, (t) => recountProject(t, p.pid));
		const recounted = await countsOf(p.pid);
		expect(kept.items).toEqual(recounted.items);
		expect(kept.items.some((i) => i.submitted === 2 && !i.wanted)).toBe(true);
		expect(kept.items.some((i) => i.wanted)).toBe(true);
		expect(kept.facets).toEqual(recounted.facets);
		expect(kept.facets).toEqual([
			{ modality: 'chat', language: 'en', items: 1 },
			{ modality: 'chat', language: 'es', items: 1 },
			{ modality: 'text', language: 'en', items: 2 },
			{ modality: 'text', language: 'es', items: 1 }
		]);
	});

	it('an item submitted straight from its id, never reserved, counts as touched, as a recount finds it', async () => {
		const p = await makeProject(3, 2);
		const [item, other] = (await countsOf(p.pid)).items;
		expect((await submit('ana', item.id, p.rubricId)).status).toBe(201);
		expect((await countsOf(p.pid)).items).toEqual([
			{ id: item.id, submitted: 1, wanted: true, touched: true },
			{ ...other, touched: false }
		]);
		// Ana's progress counts it once: done, not also among the untouched items still open to her.
		expect((await queueOf('ana', p.pid)).progress).toEqual({ done: 1, total: 2 });
	});

	it('a draft of a draft moves nothing; reopening a submitted one gives its slot back', async () => {
		const p = await makeProject(1, 1);
		const [item] = (await countsOf(p.pid)).items;
		expect((await submit('ana', item.id, p.rubricId, 'draft')).status).toBe(201);
		const drafted = await countsOf(p.pid);
		expect((await submit('ana', item.id, p.rubricId, 'draft')).status).toBe(201);
		expect(await countsOf(p.pid)).toEqual(drafted);
		expect((await submit('ana', item.id, p.rubricId)).status).toBe(201);
		expect((await countsOf(p.pid)).items).toEqual([{ id: item.id, submitted: 1, wanted: false, touched: true }]);
		expect((await submit('ana', item.id, p.rubricId, 'draft')).status).toBe(201);
		expect((await countsOf(p.pid)).items).toEqual([{ id: item.id, submitted: 0, wanted: true, touched: true }]);
	});
});
