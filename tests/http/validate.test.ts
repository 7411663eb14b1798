// validate(): a request part that fails its zod schema gets the common error body, code validation_failed, with
// one { path, message } per problem (nested paths joined with dots), and the route does not run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';

let x: ExchangeServer;

beforeAll(async () => {
	x = await startExchangeServer();
});
afterAll(() => x.server.close());

describe('validate()', () => {
	it('answers a bad JSON body with validation_failed and every problem', async () => {
		const res = await x.server.api('/api/auth/login', { body: { email: 'not-an-email' } });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({
			error: {
				code: 'validation_failed',
				message: 'The json is not valid',
				details: [
					{ path: 'email', message: expect.any(String) },
					{ path: 'password', message: expect.any(String) }
				]
			}
		});
	});

	it('joins nested paths with dots', async () => {
		const res = await x.server.api('/api/items/any-item/evaluations', {
			headers: x.as.ana,
			body: { rubricId: 'r', flags: ['ok', 7] }
		});
		expect(res.status).toBe(400);
		expect(res.body.error).toEqual({
			code: 'validation_failed',
			message: 'The json is not valid',
			details: [{ path: 'flags.1', message: expect.any(String) }]
		});
	});

	it('answers a bad query with validation_failed naming the parameter, and passes defaults and coercions on', async () => {
		const { pid } = await createProject(x, 'Validation');
		const bad = await x.server.api(`/api/projects/${pid}/items?limit=0`, { headers: x.as.lead });
		expect(bad.status).toBe(400);
		expect(bad.body.error).toEqual({
			code: 'validation_failed',
			message: 'The query is not valid',
			details: [{ path: 'limit', message: expect.any(String) }]
		});
		const good = await x.server.api(`/api/projects/${pid}/items?limit=5`, { headers: x.as.lead });
		expect(good.status).toBe(200);
		expect(good.body).toEqual({ items: [], nextCursor: null, total: 0 });
	});
});
