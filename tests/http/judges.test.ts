// The judges registry: leads register, change and retire judges; managers and admins read; evaluators see nothing.
// The API key stays in the environment: the registry names the variable (JUDGE_* only) and says whether it is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../drizzle/schema';
import { eq } from 'drizzle-orm';
import { createProject, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';

let x: ExchangeServer;
let pid: string;

const judge = (over: Record<string, unknown> = {}) => ({
	name: 'Gpt judge',
	baseUrl: 'http://127.0.0.1:9/v1',
	model: 'gpt-test',
	apiKeyEnv: 'JUDGE_TEST_KEY',
	...over
});

beforeAll(async () => {
	x = await startExchangeServer({
		judges: {
			keys: { JUDGE_TEST_KEY: 'sk-very-secret' },
			timeoutMs: 1000,
			maxAttempts: 2,
			retryBaseMs: 10,
			maxRetryAfterMs: 1000
		}
	});
	({ pid } = await createProject(x, 'Judges'));
});
afterAll(() => x.server.close());

const post = (body: unknown, who: keyof ExchangeServer['as'] = 'lead') =>
	x.server.api(`/api/projects/${pid}/judges`, { headers: x.as[who], body });

describe('the judges registry', () => {
	it('registers a judge for a lead, with defaults, and never shows the key back', async () => {
		const res = await post(judge());
		expect(res.status).toBe(201);
		const { judge: view } = res.body;
		expect(view).toMatchObject({
			name: 'Gpt judge',
			kind: 'endpoint',
			apiKeyEnv: 'JUDGE_TEST_KEY',
			apiKeySet: true,
			temperature: 0,
			concurrency: 4,
			requestsPerMinute: 60,
			scoredItems: 0
		});
		const listed = JSON.stringify((await x.server.api(`/api/projects/${pid}/judges`, { headers: x.as.pm })).body);
		expect(listed).toContain('Gpt judge');
		expect(listed).not.toContain('sk-very-secret');
		const [row] = await x.server.deps.db.select().from(auditLog).where(eq(auditLog.entityId, view.id));
		expect(row.action).toBe('judge.create');
		expect(JSON.stringify(row.data)).not.toContain('sk-very-secret');
	});

	it('says when the named variable is not set on this server', async () => {
		const { judge: view } = (await post(judge({ name: 'Unset', apiKeyEnv: 'JUDGE_MISSING' }))).body;
		expect(view.apiKeySet).toBe(false);
	});

	it('refuses a key variable that is not a JUDGE_ one (a lead must not send the server’s own secrets away)', async () => {
		const res = await post(judge({ name: 'Thief', apiKeyEnv: 'SESSION_SECRET' }));
		expect(res.status).toBe(400);
	});

	it('refuses unknown fields, bad URLs and a duplicate name', async () => {
		expect((await post(judge({ name: 'Extra', apiKey: 'sk-1' }))).status).toBe(400);
		expect((await post(judge({ name: 'Ftp', baseUrl: 'ftp://x/v1' }))).status).toBe(400);
		expect((await post(judge())).status).toBe(409);
	});

	it('lets only leads register; managers and admins read; evaluators neither', async () => {
		expect((await post(judge({ name: 'Pm' }), 'pm')).status).toBe(403);
		expect((await post(judge({ name: 'Admin' }), 'admin')).status).toBe(403);
		expect((await post(judge({ name: 'Ana' }), 'ana')).status).toBe(403);
		expect((await x.server.api(`/api/projects/${pid}/judges`, { headers: x.as.admin })).status).toBe(200);
		expect((await x.server.api(`/api/projects/${pid}/judges`, { headers: x.as.ana })).status).toBe(403);
	});

	it('changes and retires a judge; retired judges are listed after active ones', async () => {
		const { judge: created } = (await post(judge({ name: 'Aardvark' }))).body;
		const put = await x.server.api(`/api/judges/${created.id}`, {
			method: 'PUT',
			headers: x.as.lead,
			body: judge({ name: 'Aardvark', model: 'gpt-next', temperature: 0.5 })
		});
		expect(put.body.judge).toMatchObject({ model: 'gpt-next', temperature: 0.5 });
		const archived = await x.server.api(`/api/judges/${created.id}/archive`, {
			headers: x.as.lead,
			body: { archived: true }
		});
		expect(archived.body.judge.archivedAt).toEqual(expect.any(Number));
		const { judges } = (await x.server.api(`/api/projects/${pid}/judges`, { headers: x.as.lead })).body;
		expect(judges.at(-1).name).toBe('Aardvark');
		const pmPut = await x.server.api(`/api/judges/${created.id}`, { method: 'PUT', headers: x.as.pm, body: judge() });
		expect(pmPut.status).toBe(403);
	});
});
