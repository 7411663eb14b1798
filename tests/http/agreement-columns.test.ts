// The agreement figures' read of a project's submitted evaluations (server/db/agreement.ts) and the rating tables
// made from it (server/domain/agreement-ratings.ts), over a real server's record: the read (on SQLite, a private
// connection with evaluators and rubric versions coded by SQLite and scores decoded once per distinct text) gives
// exactly the columns of the plain rows folded one by one, in (submission time, id) order, an evaluation without a
// submission time first; and a dimension scored by fewer evaluations than another gets a table of its own items
// and raters (dimensions share their indices only when the same evaluations score them), its rows grouped by item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { exec, rows } from '../../server/db/client';
import { loadEvaluationColumns, projectRubricVersions } from '../../server/db/agreement';
import { columnsOf, type EvaluationFacts } from '../../server/domain/agreement-columns';
import { columnRatingSet } from '../../server/domain/agreement-ratings';
import { krippendorffAlpha, toTable, type RatingTable } from '#shared/agreement/index';
import { startTestServer, teamProject, type TestServer } from '../fixtures/server';

let server: TestServer;
let pid: string;
let as: Record<string, Record<string, string>>;
const items: string[] = [];

const first = {
	dimensions: [
		{ key: 'quality', label: 'Quality', scale: 'likert', level: 'ordinal', min: 1, max: 5 },
		{ key: 'safe', label: 'Safe', scale: 'binary', level: 'nominal' }
	]
};
// The second version adds a categorical dimension: only evaluations made with it score `tone`.
const second = {
	dimensions: [
		...first.dimensions,
		{
			key: 'tone',
			label: 'Tone',
			scale: 'categorical',
			level: 'nominal',
			required: false,
			options: [
				{ value: 'dry', label: 'Dry' },
				{ value: 'warm', label: 'Warm' }
			]
		}
	]
};

beforeAll(async () => {
	server = await startTestServer();
	({ as, pid } = await teamProject(server, 'Columns'));
	const v1 = (
		await server.api(`/api/projects/${pid}/rubrics`, { body: { name: 'R', definition: first }, headers: as.lead })
	).body.rubric;
	const lines = Array.from({ length: 10 }, (_, i) => ({
		externalId: `c-${i}`,
		modality: 'text',
		language: i % 2 ? 'en' : 'fr',
		payload: { prompt: `p${i}`, response: `r${i}` }
	}));
	await server.api(`/api/projects/${pid}/items/import`, {
		method: 'POST',
		raw: lines.map((l) => JSON.stringify(l)).join('\n'),
		headers: as.lead
	});
	const listed = (await server.api(`/api/projects/${pid}/items?limit=100`, { headers: as.lead })).body as {
		items: { id: string; externalId: string }[];
	};
	for (const l of lines) items.push(listed.items.find((i) => i.externalId === l.externalId)!.id);
	const submit = (who: string, item: number, rubricId: string, scores: Record<string, unknown>) =>
		server.api(`/api/items/${items[item]}/evaluations`, {
			body: { rubricId, scores, state: 'submitted', timeSpentMs: 1000 + item },
			headers: as[who]
		});
	// Items 0–5 with the first version (many identical score texts); 6–9 with the second, tone by two of three.
	// Each evaluator works through the items in turn: an item's ratings are not next to each other in submission order.
	for (const [k, who] of ['ana', 'ben', 'chen'].entries())
		for (let i = 0; i < 6; i++)
			expect((await submit(who, i, v1.id, { quality: 1 + ((i + k) % 2), safe: true })).status).toBeLessThan(300);
	const v2 = (
		await server.api(`/api/projects/${pid}/rubrics`, {
			body: { name: 'R', familyId: v1.familyId, definition: second },
			headers: as.lead
		})
	).body.rubric;
	expect(v2.id).not.toBe(v1.id);
	for (let i = 6; i < 10; i++)
		for (const [k, who] of ['chen', 'ana', 'ben'].entries()) {
			const scores = { quality: 1 + ((i * k) % 5), safe: k !== 1, ...(k < 2 ? { tone: i % 3 ? 'warm' : 'dry' } : {}) };
			expect((await submit(who, i, v2.id, scores)).status).toBeLessThan(300);
		}
	// One evaluation from before submission times were recorded: it counts at its last update, read first.
	await exec(server.deps.db, sql`update evaluations set submitted_at = null where item_id = ${items[3]}`);
});
afterAll(() => server?.close());

interface Row {
	id: string;
	item_id: string;
	evaluator_id: string;
	rubric_id: string;
	scores: string;
	time_spent_ms: number;
	submitted_at: number | null;
	updated_at: number;
	modality: string;
	language: string;
}

/** The project's submitted evaluations as plain rows, in the order the figures fold them. */
async function plainRows(): Promise<EvaluationFacts[]> {
	const found = await rows<Row>(
		server.deps.db,
		sql`select e.id, e.item_id, e.evaluator_id, e.rubric_id, e.scores, e.time_spent_ms, e.submitted_at, e.updated_at,
			i.modality, i.language
			from evaluations e join items i on i.id = e.item_id
			where e.project_id = ${pid} and e.state = 'submitted'`
	);
	const key = (r: Row) => [r.submitted_at === null ? 0 : 1, r.submitted_at ?? r.updated_at] as const;
	found.sort((a, b) => {
		const [x, y] = [key(a), key(b)];
		return x[0] - y[0] || x[1] - y[1] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
	});
	return found.map((r) => ({
		itemId: r.item_id,
		evaluatorId: r.evaluator_id,
		rubricId: r.rubric_id,
		scores: JSON.parse(r.scores) as Record<string, unknown>,
		timeSpentMs: Number(r.time_spent_ms),
		submittedAt: Number(r.submitted_at ?? r.updated_at),
		modality: r.modality,
		language: r.language
	}));
}

describe('the figures’ columns', () => {
	it('are the plain rows folded one by one, in submission order', async () => {
		const rubrics = await projectRubricVersions(server.deps.db, pid);
		expect(rubrics).toHaveLength(2);
		const read = await loadEvaluationColumns(server.deps.db, pid, rubrics, server.deps.database.sqlite);
		const plain = await plainRows();
		expect(read.size).toBe(30);
		const expected = columnsOf(plain, rubrics);
		// The read registers every item of the project (created order) before the evaluations: compare per evaluation.
		expect(read.size).toBe(expected.size);
		const at = (c: typeof read, i: number) => ({
			item: c.itemIds[c.item[i]],
			rater: c.raterIds[c.rater[i]],
			rubric: c.rubricIds[c.rubric[i]],
			submittedAt: c.submittedAt[i],
			timeSpentMs: c.timeSpentMs[i],
			scores: Object.fromEntries(
				[...c.scores].map(([key, column]) => [key, column.codes[i] < 0 ? null : column.values[column.codes[i]]])
			)
		});
		for (let i = 0; i < read.size; i++) expect(at(read, i)).toEqual(at(expected, i));
		expect(read.raterIds).toEqual(expected.raterIds);
		expect(read.rubricIds).toEqual(expected.rubricIds);
		// Tone is read only from the second version's evaluations, which are the last twelve.
		const tone = read.scores.get('tone')!;
		expect([...tone.codes.subarray(0, 18)].every((c) => c === -1)).toBe(true);
	});

	it('are the same when fetched a few rows at a time: every item and evaluation once, in order', async () => {
		// Six evaluations submitted in the same millisecond: a fetch of four ends inside the run (ordered by id); 30
		// evaluations are six fetches of five and nothing in the seventh.
		const [{ at }] = await rows<{ at: number }>(
			server.deps.db,
			sql`select min(submitted_at) as at from evaluations where item_id in (${items[0]}, ${items[1]})`
		);
		await exec(
			server.deps.db,
			sql`update evaluations set submitted_at = ${Number(at)} where item_id in (${items[0]}, ${items[1]})`
		);
		const rubrics = await projectRubricVersions(server.deps.db, pid);
		const expected = columnsOf(await plainRows(), rubrics);
		const { sqlite } = server.deps.database;
		const reads = [
			await loadEvaluationColumns(server.deps.db, pid, rubrics, sqlite, { fetchRows: 4 }),
			await loadEvaluationColumns(server.deps.db, pid, rubrics, sqlite, { fetchRows: 5 }),
			await loadEvaluationColumns(server.deps.db, pid, rubrics, sqlite)
		];
		expect(reads[0].size).toBe(30);
		for (const read of reads) {
			// Every item of the project, in created order, whether scored or not.
			expect(read.itemIds).toEqual(items);
			const evaluation = (c: typeof read, i: number) => ({
				item: c.itemIds[c.item[i]],
				rater: c.raterIds[c.rater[i]],
				submittedAt: c.submittedAt[i],
				scores: Object.fromEntries(
					[...c.scores].map(([key, column]) => [key, column.codes[i] < 0 ? null : column.values[column.codes[i]]])
				)
			});
			expect(Array.from({ length: read.size }, (_, i) => evaluation(read, i))).toEqual(
				Array.from({ length: expected.size }, (_, i) => evaluation(expected, i))
			);
		}
	});

	it('give each dimension its own items and raters when fewer evaluations score it', async () => {
		const rubrics = await projectRubricVersions(server.deps.db, pid);
		const read = await loadEvaluationColumns(server.deps.db, pid, rubrics, server.deps.database.sqlite);
		const set = columnRatingSet(read, null, rubrics);
		const plain = await plainRows();
		for (const key of ['quality', 'safe', 'tone']) {
			const d = set.dimensions.find((x) => x.plan.key === key)!;
			const scored = plain.filter((r) => r.scores[key] !== undefined);
			const long = scored.map((r) => ({
				item: r.itemId,
				rater: r.evaluatorId,
				value: d.plan.normalize(r.scores[key])!
			}));
			const reference = toTable(long, { categories: d.plan.spec.categories });
			expect(d.table.itemIds).toEqual(reference.itemIds);
			expect(d.table.raterIds).toEqual(reference.raterIds);
			// The same ratings, grouped by item (each item's in submission order), as the engine reads them.
			const triples = (t: RatingTable) => Array.from(t.values, (v, k) => `${t.itemIndex[k]} ${t.raterIndex[k]} ${v}`);
			const grouped = Array.from(reference.values.keys()).sort(
				(a, b) => reference.itemIndex[a] - reference.itemIndex[b] || a - b
			);
			expect(triples(d.table)).toEqual(grouped.map((k) => triples(reference)[k]));
			const alpha = krippendorffAlpha(d.table, { level: d.plan.level });
			expect(alpha).toEqual(krippendorffAlpha(reference, { level: d.plan.level }));
		}
		const tone = set.dimensions.find((x) => x.plan.key === 'tone')!;
		expect(tone.table.itemCount).toBe(4);
		expect(tone.table.raterCount).toBe(2);
		expect(tone.applicable).toBe(12);
	});
});
