// Every JSON request body is strict: an unknown field is a 400 validation_failed that names the field, never a
// silent no-op. The routes are found from the app itself (each validate('json', …) middleware is marked), so a new
// route is covered without touching this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { startTestServer, type TestServer } from '../fixtures/server';

let server: TestServer;
let bearer: Record<string, string>;
beforeAll(async () => {
	server = await startTestServer();
	const admin = await server.login('admin@demo.test');
	bearer = {
		authorization: `Bearer ${(await server.api('/api/tokens', { body: { name: 'strict bodies' }, headers: admin })).body.token}`
	};
});
afterAll(() => server.close());

/** Method and path of every route whose handlers include a JSON-body validator. */
function jsonBodyRoutes(): { method: string; path: string }[] {
	const app = createApp({ ...server.deps, config: { ...server.deps.config, appDir: null } });
	const seen = new Map<string, { method: string; path: string }>();
	for (const route of app.routes) {
		if ((route.handler as { validates?: string }).validates !== 'json') continue;
		seen.set(`${route.method} ${route.path}`, { method: route.method, path: route.path });
	}
	return [...seen.values()];
}

describe('strict request bodies', () => {
	it('finds the JSON-body routes from the app', () => {
		const routes = jsonBodyRoutes().map((r) => `${r.method} ${r.path}`);
		expect(routes.length).toBeGreaterThanOrEqual(20);
		expect(routes).toEqual(
			expect.arrayContaining([
				'PATCH /api/me',
				'POST /api/me/password',
				'POST /api/tokens',
				'POST /api/auth/login',
				'POST /api/items/:id/evaluations'
			])
		);
	});

	it('answers an unknown top-level field with 400 validation_failed naming it, on every JSON-body route', async () => {
		const failures: string[] = [];
		for (const { method, path } of jsonBodyRoutes()) {
			const url = path.replace(/:[A-Za-z]+/g, 'no-such-id');
			const res = await server.api(url, { method, body: { zzUnknownField: 1 }, headers: bearer });
			const named = JSON.stringify(res.body?.error?.details ?? '').includes('zzUnknownField');
			if (res.status !== 400 || res.body?.error?.code !== 'validation_failed' || !named)
				failures.push(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
		}
		expect(failures).toEqual([]);
	});

	it('refuses an unknown field beside an otherwise valid body and changes nothing', async () => {
		const headers = await server.login('ana@demo.test');
		const res = await server.api('/api/me', {
			method: 'PATCH',
			body: { name: 'Ana Renamed', password: 'ana-new-password-123' },
			headers
		});
		expect(res.status).toBe(400);
		expect((await server.api('/api/me', { headers })).body.user.name).not.toBe('Ana Renamed');
	});

	it('is strict in nested client input too (rubric dimensions, evaluation spans)', async () => {
		const lead = await server.login('lead@demo.test');
		const projectId = (await server.api('/api/me', { headers: lead })).body.memberships[0].projectId;
		const dimension = { key: 'quality', label: 'Quality', scale: 'binary', level: 'nominal', weight: 2 };
		const res = await server.api(`/api/projects/${projectId}/rubrics`, {
			body: { name: 'Strict', definition: { dimensions: [dimension] } },
			headers: lead
		});
		expect(res.status).toBe(400);
		expect(JSON.stringify(res.body.error.details)).toContain('weight');
	});
});
