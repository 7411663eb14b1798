// The OpenAPI 3.1 document is generated from the served app: every route the server serves is documented (with
// its area, summary and who may call it) and nothing else is, every validated body and query carries the zod
// schema it is checked with, and the docs page is plain HTML under a strict CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterRoute } from 'hono/types';
import { startExchangeServer, type ExchangeServer } from '../fixtures/exchange';
import { EXPORT_FORMATS, formatSpec } from '../../server/export/formats';

type Operation = {
	operationId: string;
	summary?: string;
	description?: string;
	tags?: string[];
	security?: unknown[];
	parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
	requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
	responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
};

let x: ExchangeServer;
let doc: {
	openapi: string;
	tags: { name: string }[];
	paths: Record<string, Record<string, Operation>>;
	components: Record<string, any>;
	security: unknown[];
};

beforeAll(async () => {
	x = await startExchangeServer();
	const res = await x.server.api('/api/openapi.json');
	expect(res.status).toBe(200);
	doc = res.body;
});
afterAll(() => x.server.close());

/** `method /path/{param}` for every route the app serves: middleware (ALL) and the web app's catch-all left out. */
function servedOperations(routes: readonly RouterRoute[]): string[] {
	const served = routes.filter((r) => r.method !== 'ALL' && /^\/(api|media)\//.test(r.path));
	return [
		...new Set(served.map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}')}`))
	];
}

const documented = () =>
	Object.entries(doc.paths).flatMap(([path, item]) =>
		Object.entries(item).map(([method, op]) => ({ key: `${method} ${path}`, method, path, op }))
	);

describe('GET /api/openapi.json', () => {
	it('documents every route the server serves, and only those', () => {
		const served = servedOperations(x.server.app.routes);
		const inDocument = documented().map((o) => o.key);
		// Guards the filter above: the API has about seventy routes.
		expect(served.length).toBeGreaterThan(60);
		expect(served.filter((op) => !inDocument.includes(op))).toEqual([]);
		expect(inDocument.filter((op) => !served.includes(op))).toEqual([]);
	});

	it('says for every operation its area, what it does and who may call it, with its success and error responses', () => {
		const tags = doc.tags.map((t) => t.name);
		const incomplete = documented().filter(({ op }) => {
			// A redirect is the success of the routes a browser is sent through (single sign-on).
			const success = Object.keys(op.responses).some((status) => /^[23]\d\d$/.test(status));
			return (
				!op.summary ||
				op.tags?.length !== 1 ||
				!tags.includes(op.tags[0]) ||
				!/^Who: .+\.$/.test(op.description ?? '') ||
				!success ||
				!op.responses.default
			);
		});
		expect(incomplete.map((o) => o.key)).toEqual([]);
		const ids = documented().map((o) => o.op.operationId);
		expect(new Set(ids).size).toBe(ids.length);
		expect(doc.paths['/api/projects/{pid}/items'].get.operationId).toBe('getProjectsByPidItems');
	});

	it('documents the JSON body of every route that validates one', async () => {
		// A JSON array is no valid body for any route: each route that checks its JSON body answers validation_failed
		// (validation runs before the route's own access checks, so nothing is changed by these unauthenticated calls).
		const writes = servedOperations(x.server.app.routes).filter((op) => /^(post|put|patch|delete) /.test(op));
		const validating: string[] = [];
		for (const op of writes) {
			const [method, path] = op.split(' ');
			const res = await fetch(x.server.url + path.replace(/\{\w+\}/g, 'doc-probe'), {
				method: method.toUpperCase(),
				headers: { origin: x.server.url, 'content-type': 'application/json' },
				body: '[]'
			});
			const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
			if (body?.error?.code === 'validation_failed' && body.error.message === 'The json is not valid')
				validating.push(op);
		}
		expect(validating.length).toBeGreaterThan(15);
		const undocumented = validating.filter((op) => {
			const [method, path] = op.split(' ');
			return doc.paths[path][method].requestBody?.content['application/json']?.schema?.type !== 'object';
		});
		expect(undocumented).toEqual([]);
	});

	it('takes request schemas from zod, with import and upload media types, export parameters and the error schema', () => {
		expect(doc.openapi).toBe('3.1.0');
		const importOp = doc.paths['/api/projects/{pid}/items/import'].post;
		expect(importOp.parameters).toEqual([
			{ name: 'pid', in: 'path', required: true, schema: { type: 'string' } },
			expect.objectContaining({
				name: 'format',
				in: 'query',
				schema: expect.objectContaining({ enum: ['jsonl', 'csv', 'labelstudio', 'zip'] })
			})
		]);
		expect(Object.keys(importOp.requestBody!.content)).toEqual([
			'application/x-ndjson',
			'text/csv',
			'application/json',
			'application/zip'
		]);
		expect(Object.keys(importOp.responses)).toEqual(expect.arrayContaining(['201', '400', 'default']));
		expect(Object.keys(doc.paths['/api/projects/{pid}/media'].post.requestBody!.content)).toEqual([
			'application/octet-stream'
		]);

		const evaluation = doc.paths['/api/items/{id}/evaluations'].post.requestBody!.content['application/json']
			.schema as { properties: Record<string, unknown>; required: string[] };
		expect(evaluation.properties.state).toEqual(expect.objectContaining({ enum: ['draft', 'submitted'] }));
		expect(evaluation.required).toEqual(['rubricId']);
		expect(doc.paths['/api/items/{id}/evaluations'].post.responses['400'].content!['application/json'].schema).toEqual({
			$ref: '#/components/schemas/Error'
		});

		const exportOp = doc.paths['/api/projects/{pid}/export'].get;
		expect(exportOp.parameters!.map((p) => p.name)).toEqual([
			'pid',
			'format',
			'from',
			'to',
			'state',
			'rubricVersion',
			'guidelineVersionId'
		]);
		const exportTypes = new Set(EXPORT_FORMATS.map((f) => formatSpec(f).contentType.split(';')[0]));
		expect(Object.keys(exportOp.responses['200'].content!).sort()).toEqual([...exportTypes].sort());
		expect(Object.keys(doc.paths['/api/guidelines/{id}/versions/{n}/markdown'].get.responses['200'].content!)).toEqual([
			'text/markdown'
		]);
		expect(Object.keys(doc.paths['/api/projects/{pid}/agreement'].get.responses['200'].content!)).toEqual([
			'application/json',
			'text/csv'
		]);

		expect(doc.components.schemas.ItemInput.properties.modality.enum).toContain('image_edit');
		expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('validation_failed');
	});

	it('declares the cookie and bearer schemes, and no credentials for the public routes', () => {
		expect(doc.components.securitySchemes).toEqual({
			cookie: { type: 'apiKey', in: 'cookie', name: 'concord_session' },
			bearer: { type: 'http', scheme: 'bearer' }
		});
		expect(doc.security).toEqual([{ cookie: [] }, { bearer: [] }]);
		const open = documented()
			.filter((o) => o.op.security?.length === 0)
			.map((o) => o.key);
		expect(open.sort()).toEqual([
			'get /api/auth/methods',
			'get /api/auth/oidc/callback',
			'get /api/auth/oidc/start',
			'get /api/auth/session',
			'get /api/docs',
			'get /api/health',
			'get /api/invitations/{token}',
			'get /api/openapi.json',
			'get /api/password-resets/{token}',
			'get /api/ready',
			'post /api/auth/login',
			'post /api/invitations/accept',
			'post /api/password-resets/accept'
		]);
	});
});

describe('GET /api/docs', () => {
	it('lists every operation in a page that runs no script and loads nothing external', async () => {
		const res = await fetch(x.server.url + '/api/docs');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toContain('text/html');
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toMatch(/default-src 'none'/);
		expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
		expect(csp).not.toContain('unsafe-inline');
		const html = await res.text();
		expect(html).not.toMatch(/<script|https?:\/\/(?!127)/);
		const rows = [...html.matchAll(/<td class="m">(\w+)<\/td><td><code>([^<]+)<\/code>/g)].map(
			(m) => `${m[1]} ${m[2]}`
		);
		expect(rows.sort()).toEqual(
			documented()
				.map((o) => o.key)
				.sort()
		);
		expect(html).toContain('/api/openapi.json');
	});
});
