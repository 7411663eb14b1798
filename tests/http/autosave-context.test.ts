// An autosave of an item she saved before is checked against what the server read for her last save (her role,
// the project's settings, its guideline version) and written only while all of that still holds; when any of it
// changed in between, the save is decided on what holds now: refused once she no longer scores the project
// (whatever else is wrong with it), made under the guideline version current at that moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { evaluations, guidelineVersions, guidelines } from '../../drizzle/schema';
import { newId } from '../../server/domain/ids';
import type { TestServer } from '../fixtures/server';
import { createReviewWorkspace, startReviewServer, type ReviewWorkspace } from '../fixtures/review-workspace';

let server: TestServer;
let ws: ReviewWorkspace;
let anaId: string;

const save = (itemId: string, rationale: string) =>
	server.api(`/api/items/${itemId}/evaluations`, {
		headers: ws.people.ana,
		body: { rubricId: ws.rubricId, scores: { correctness: 3 }, rationale, state: 'draft' }
	});
const setRole = (role: string) =>
	server.api(`/api/projects/${ws.pid}/members`, {
		method: 'PUT',
		headers: ws.people.admin,
		body: { email: 'ana@demo.test', role }
	});
async function stored(itemId: string) {
	const [row] = await server.deps.db
		.select({ rationale: evaluations.rationale, guidelineVersionId: evaluations.guidelineVersionId })
		.from(evaluations)
		.where(and(eq(evaluations.itemId, itemId), eq(evaluations.evaluatorId, anaId)));
	return row;
}
async function publishVersion(guidelineId: string, number: number): Promise<string> {
	const id = newId();
	await server.deps.db.insert(guidelineVersions).values({
		id,
		guidelineId,
		number,
		content: {},
		markdown: `# Rules v${number}`,
		changelog: '',
		dimensions: [],
		publishedAt: Date.now()
	});
	return id;
}

beforeAll(async () => {
	server = await startReviewServer();
	ws = await createReviewWorkspace(server, { items: 3 });
	anaId = (await server.api('/api/me', { headers: ws.people.ana })).body.user.id;
});
afterAll(() => server?.close());

describe('an autosave after an earlier save of the same item', () => {
	it('is refused, writing nothing, once she only manages the project (403) or left it (404)', async () => {
		const item = ws.itemIds[0];
		expect((await save(item, 'first')).status).toBe(201);
		expect((await save(item, 'second')).status).toBe(201);
		expect((await stored(item))?.rationale).toBe('second');

		expect((await setRole('manager')).status).toBe(200);
		expect((await save(item, 'as a manager')).status).toBe(403);
		expect((await stored(item))?.rationale).toBe('second');

		const removed = await server.api(`/api/projects/${ws.pid}/members/${anaId}`, {
			method: 'DELETE',
			headers: ws.people.admin
		});
		expect(removed.status).toBe(200);
		expect((await save(item, 'as a stranger')).status).toBe(404);
		// Even a save that the rubric would refuse: she is told what holds now, not what held at her last save.
		const invalid = await server.api(`/api/items/${item}/evaluations`, {
			headers: ws.people.ana,
			body: { rubricId: ws.rubricId, scores: { correctness: 9 }, state: 'draft' }
		});
		expect(invalid.status).toBe(404);
		expect((await stored(item))?.rationale).toBe('second');

		expect((await setRole('evaluator')).status).toBe(200);
		expect((await save(item, 'back')).status).toBe(201);
		expect((await stored(item))?.rationale).toBe('back');
	});

	it('records the guideline version current when it is made, one published in between included', async () => {
		const item = ws.itemIds[1];
		expect((await save(item, 'before any guideline')).status).toBe(201);
		expect((await save(item, 'still none')).body.evaluation.guidelineVersionId).toBeNull();

		const guidelineId = newId();
		await server.deps.db
			.insert(guidelines)
			.values({ id: guidelineId, projectId: ws.pid, title: 'Rules', createdAt: Date.now() });
		const v1 = await publishVersion(guidelineId, 1);
		expect((await save(item, 'under v1')).body.evaluation.guidelineVersionId).toBe(v1);
		expect((await save(item, 'under v1 again')).body.evaluation.guidelineVersionId).toBe(v1);

		const v2 = await publishVersion(guidelineId, 2);
		expect((await save(item, 'under v2')).body.evaluation.guidelineVersionId).toBe(v2);
		expect(await stored(item)).toEqual({ rationale: 'under v2', guidelineVersionId: v2 });
	});
});
