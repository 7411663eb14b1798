// The OpenAPI 3.1 document is generated from the routes' zod schemas, every documented operation is a real
// route, and the docs page is plain HTML under a strict CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeServer, type ExchangeServer } from '../fixtures/exchange';
import { OPERATIONS } from '../../server/http/openapi';

let x: ExchangeServer;

beforeAll(async () => {
	x = await startExchangeServer();
});
afterAll(() => x.server.close());

describe('GET /api/openapi.json', () => {
	it('is an OpenAPI 3.1 document with JSON Schemas taken from the zod schemas', async () => {
		const res = await x.server.api('/api/openapi.json');
		expect(res.status).toBe(200);
		const doc = res.body;
		expect(doc.openapi).toBe('3.1.0');
		const importOp = doc.paths['/api/projects/{pid}/items/import'].post;
		expect(importOp.parameters).toEqual(
			expect.arrayContaining([
				{ name: 'pid', in: 'path', required: true, schema: { type: 'string' } },
				expect.objectContaining({ name: 'format', in: 'query', schema: expect.objectContaining({ enum: ['jsonl', 'csv', 'labelstudio', 'zip'] }) })
			])
		);
		expect(Object.keys(importOp.requestBody.content)).toEqual(['application/x-ndjson', 'text/csv', 'application/json', 'application/zip']);
		const evaluation = doc.paths['/api/items/{id}/evaluations'].post.requestBody.content['application/json'].schema;
		expect(evaluation.properties.state).toEqual(expect.objectContaining({ enum: ['draft', 'submitted'] }));
		expect(evaluation.required).toEqual(['rubricId']);
		const exportParams = doc.paths['/api/projects/{pid}/export'].get.parameters.map((p: { name: string }) => p.name);
		expect(exportParams).toEqual(['pid', 'format', 'from', 'to', 'state', 'rubricVersion', 'guidelineVersionId']);
		expect(doc.components.schemas.ItemInput.properties.modality.enum).toContain('image_edit');
		const ids = Object.values(doc.paths).flatMap((p) => Object.values(p as Record<string, { operationId: string }>).map((o) => o.operationId));
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('documents only routes that exist', async () => {
		const missing: string[] = [];
		// Signing out would end the probe's session; that route is covered by the auth tests.
		for (const op of OPERATIONS.filter((o) => o.path !== '/api/auth/logout')) {
			const path = op.path.replace(/\{\w+\}/g, 'doc-probe');
			const res = await fetch(x.server.url + path, { method: op.method.toUpperCase(), headers: { ...x.as.lead, 'content-type': 'application/json' }, body: op.method === 'get' ? undefined : '{}' });
			const body = await res.text();
			if (res.status === 404 && body.includes('No API route')) missing.push(`${op.method} ${op.path}`);
		}
		expect(missing).toEqual([]);
	});
});

describe('GET /api/docs', () => {
	it('lists the operations in a page that runs no script and loads nothing external', async () => {
		const res = await fetch(x.server.url + '/api/docs');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toContain('text/html');
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp).toMatch(/default-src 'none'/);
		expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
		expect(csp).not.toContain('unsafe-inline');
		const html = await res.text();
		expect(html).not.toMatch(/<script|https?:\/\/(?!127)/);
		expect(html).toContain('/api/projects/{pid}/export');
		expect(html).toContain('/api/openapi.json');
	});
});
