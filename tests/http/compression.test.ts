// Compression against the real server, read as raw bytes (node:http sends only the Accept-Encoding given and does
// not decode): built assets come from the brotli or gzip copies written at build time, API answers and exports
// are gzipped on the fly when the client accepts it, and each decodes to exactly what an identity answer holds.
// Media that is compressed already (images) is sent as it is.
import { request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';
import { acceptsGzip } from '../../server/http/middleware/compress';

let server: TestServer;
let lead: Record<string, string>;
let pid: string;

interface Raw {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Raw> {
	return new Promise((resolve, reject) => {
		const req = request(server.url + path, { headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end();
	});
}

const decode = (r: Raw): Buffer =>
	r.headers['content-encoding'] === 'br'
		? brotliDecompressSync(r.body)
		: r.headers['content-encoding'] === 'gzip'
			? gunzipSync(r.body)
			: r.body;

beforeAll(async () => {
	server = await startTestServer();
	lead = await server.login('lead@demo.test');
	pid = (await server.api('/api/projects', { headers: lead })).body.projects[0].id as string;
});
afterAll(() => server.close());

describe('built assets', () => {
	// The largest script of the build: where compression matters most.
	const dir = join('build', '_app', 'immutable', 'chunks');
	const name = readdirSync(dir)
		.filter((f) => f.endsWith('.js'))
		.sort((a, b) => readFileSync(join(dir, b)).length - readFileSync(join(dir, a)).length)[0];
	const path = `/_app/immutable/chunks/${name}`;
	const original = readFileSync(join(dir, name));

	it('come as brotli when the browser accepts it, a fraction of the size, decoding to the exact file', async () => {
		const res = await get(path, { 'accept-encoding': 'gzip, deflate, br, zstd' });
		expect(res.status).toBe(200);
		expect(res.headers['content-encoding']).toBe('br');
		expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
		expect(res.headers['content-type']).toMatch(/javascript/);
		expect(res.headers['cache-control']).toContain('immutable');
		expect(Number(res.headers['content-length'])).toBe(res.body.length);
		expect(res.body.length).toBeLessThan(original.length / 2);
		expect(decode(res).equals(original)).toBe(true);
	});

	it('come as gzip to a client that takes only gzip, and as they are to one that takes nothing', async () => {
		const gz = await get(path, { 'accept-encoding': 'gzip' });
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(decode(gz).equals(original)).toBe(true);
		const plain = await get(path);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.body.equals(original)).toBe(true);
	});

	it('include the app page itself', async () => {
		const res = await get('/projects', { 'accept-encoding': 'gzip' });
		expect(res.status).toBe(200);
		expect(res.headers['content-encoding']).toBe('gzip');
		expect(decode(res).toString()).toContain('<html');
	});
});

describe('API answers and exports', () => {
	it('gzip a JSON answer when asked, decoding to the same JSON as an identity answer', async () => {
		const path = `/api/projects/${pid}/items?limit=100`;
		const plain = await get(path, lead);
		const gz = await get(path, { ...lead, 'accept-encoding': 'gzip' });
		expect(plain.status).toBe(200);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(String(gz.headers.vary)).toMatch(/accept-encoding/i);
		expect(gz.body.length).toBeLessThan(plain.body.length / 2);
		expect(JSON.parse(decode(gz).toString())).toEqual(JSON.parse(plain.body.toString()));
	});

	it('gzip a streamed export, line for line the same', async () => {
		const path = `/api/projects/${pid}/export?format=jsonl`;
		const plain = await get(path, lead);
		const gz = await get(path, { ...lead, 'accept-encoding': 'gzip' });
		expect(plain.status).toBe(200);
		expect(gz.headers['content-encoding']).toBe('gzip');
		expect(decode(gz).toString()).toBe(plain.body.toString());
	});

	it('keep the headers that other layers set (no-store on the API, security headers)', async () => {
		for (const encoding of ['gzip', 'identity']) {
			const res = await get(`/api/projects/${pid}/items?limit=100`, { ...lead, 'accept-encoding': encoding });
			expect(res.headers['cache-control']).toBe('no-store');
			expect(res.headers['x-content-type-options']).toBe('nosniff');
			expect(res.headers['content-security-policy']).toBeDefined();
		}
		const page = await get('/projects', { 'accept-encoding': 'gzip' });
		expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
		expect(page.headers['cache-control']).toBe('no-cache');
	});

	it('leave images as they are', async () => {
		const { items } = (await server.api(`/api/projects/${pid}/items?limit=100&modality=caption`, { headers: lead }))
			.body as { items: { id: string }[] };
		const item = (await server.api(`/api/items/${items[0].id}`, { headers: lead })).body.item;
		const src = JSON.stringify(item.payload).match(/"(\/media\/[0-9a-f]{64})"/)?.[1];
		expect(src).toBeDefined();
		const image = await get(src!, { ...lead, 'accept-encoding': 'gzip, br' });
		expect(image.status).toBe(200);
		expect(image.headers['content-type']).toMatch(/^image\//);
		expect(image.headers['content-encoding']).toBeUndefined();
	});
});

describe('Accept-Encoding', () => {
	it('takes gzip by name or by *, never at q=0', () => {
		expect(acceptsGzip('gzip, deflate, br')).toBe(true);
		expect(acceptsGzip('br;q=1.0, gzip;q=0.5')).toBe(true);
		expect(acceptsGzip('*')).toBe(true);
		expect(acceptsGzip('gzip;q=0, *')).toBe(false);
		expect(acceptsGzip('*;q=0')).toBe(false);
		expect(acceptsGzip('br, deflate')).toBe(false);
		expect(acceptsGzip('identity')).toBe(false);
		expect(acceptsGzip(undefined)).toBe(false);
	});
});
