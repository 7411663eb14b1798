// Item imports: JSONL, CSV, Label Studio and zip archives with media; every bad line reported, nothing imported
// on error, and re-imports never duplicate items.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, importRaw, jsonl, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';
import { makeZip, tinyPng } from '../fixtures/zip-writer';

let x: ExchangeServer;
let pid: string;

beforeAll(async () => {
	x = await startExchangeServer();
	({ pid } = await createProject(x, 'Import checks'));
});
afterAll(() => x.server.close());

async function itemCount(projectId = pid): Promise<number> {
	return (await x.server.api(`/api/projects/${projectId}/items?limit=1`, { headers: x.as.lead })).body.total;
}

const text = (prompt: string, extra: Record<string, unknown> = {}) => ({
	modality: 'text',
	payload: { prompt, response: `Answer to ${prompt}` },
	...extra
});

describe('JSONL', () => {
	it('reports every bad line and imports nothing', async () => {
		const before = await itemCount();
		const body = [
			JSON.stringify(text('fine one', { externalId: 'j-1' })),
			'{not json',
			JSON.stringify({ modality: 'text', payload: { prompt: 'no response' } }),
			'',
			JSON.stringify(text('dup', { externalId: 'j-1' })),
			JSON.stringify({ modality: 'caption', payload: { image: { src: '/media/' + 'a'.repeat(64) }, caption: 'x' } }),
			JSON.stringify(text('fine two'))
		].join('\n');
		const res = await importRaw(x, pid, body);
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('validation_failed');
		expect(res.body.error.message).toContain('4 bad lines');
		const lines = res.body.error.details.map((d: { line: number }) => d.line);
		expect(lines).toEqual([2, 3, 5, 6]);
		expect(res.body.error.details[1].message).toContain('payload.response');
		expect(res.body.error.details[2].message).toContain('repeats line 1');
		expect(res.body.error.details[3].message).toContain('not in this server');
		expect(await itemCount()).toBe(before);
	});

	it('imports a valid file once; the same file again skips every item, with or without external ids', async () => {
		const body = jsonl([text('q1', { externalId: 'k-1' }), text('q2'), text('q3', { language: 'pt-BR' }), text('q2')]);
		const first = await importRaw(x, pid, body);
		expect(first.status).toBe(201);
		expect(first.body).toEqual({ imported: 3, skipped: 1, total: 4 });
		const again = await importRaw(x, pid, body.split('\n').reverse().join('\n'));
		expect(again.body).toEqual({ imported: 0, skipped: 4, total: 4 });
		const list = (await x.server.api(`/api/projects/${pid}/items?limit=100`, { headers: x.as.lead })).body.items;
		const derived = list.find((i: { payload: { prompt: string } }) => i.payload.prompt === 'q2');
		expect(derived.externalId).toMatch(/^sha256:[a-f0-9]{32}$/);
	});

	it('is for leads only', async () => {
		expect((await importRaw(x, pid, jsonl([text('nope')]), 'jsonl', 'ana')).status).toBe(403);
		expect((await importRaw(x, pid, jsonl([text('nope')]), 'jsonl', 'pm')).status).toBe(403);
	});

	it('rejects an empty file', async () => {
		const res = await importRaw(x, pid, '\n\n');
		expect(res.status).toBe(400);
		expect(res.body.error.details[0].message).toContain('no items');
	});
});

describe('CSV', () => {
	it('imports text items with quoting, extra columns as metadata, and CRLF line ends', async () => {
		const { pid: p } = await createProject(x, 'CSV import');
		const csv =
			'prompt,response,external_id,language,domain\r\n' +
			'"What is 2+2?","It is ""4"", of course.",c-1,en,math\r\n' +
			'"Multi\nline prompt","Resposta, com vírgula",c-2,pt-BR,\r\n' +
			'Plain,Answer,,,\r\n';
		const res = await importRaw(x, p, csv, 'csv');
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ imported: 3, skipped: 0 });
		const items = (await x.server.api(`/api/projects/${p}/items?limit=10`, { headers: x.as.lead })).body.items;
		expect(items[0]).toMatchObject({
			externalId: 'c-1',
			payload: { prompt: 'What is 2+2?', response: 'It is "4", of course.' },
			metadata: { domain: 'math' }
		});
		expect(items[1]).toMatchObject({
			externalId: 'c-2',
			language: 'pt-BR',
			payload: { prompt: 'Multi\nline prompt' },
			metadata: {}
		});
		expect(items[2].externalId).toMatch(/^sha256:/);
		expect((await importRaw(x, p, csv, 'csv')).body).toMatchObject({ imported: 0, skipped: 3 });
	});

	it('reports each bad row by the line it starts on and imports nothing', async () => {
		const { pid: p } = await createProject(x, 'CSV errors');
		const csv =
			'prompt,response,language\n' +
			'ok,fine,en\n' +
			'"spans\ntwo lines",,en\n' +
			'too,many,fields,here\n' +
			'bad,language,english!\n' +
			'"unterminated,x,en\n';
		const res = await importRaw(x, p, csv, 'csv');
		expect(res.status).toBe(400);
		expect(res.body.error.details.map((d: { line: number }) => d.line)).toEqual([3, 5, 6, 7]);
		expect(res.body.error.details[2].message).toContain('language');
		expect(res.body.error.details[3].message).toContain('never closed');
		expect(await itemCount(p)).toBe(0);
	});

	it('needs prompt and response columns', async () => {
		const res = await importRaw(x, pid, 'question,answer\nA,B\n', 'csv');
		expect(res.status).toBe(400);
		expect(res.body.error.details[0]).toMatchObject({ line: 1 });
		expect(res.body.error.details[0].message).toContain('prompt, response');
	});
});

describe('Label Studio', () => {
	it('maps tasks by their fields and keeps task ids as external ids', async () => {
		const { pid: p } = await createProject(x, 'LS import');
		const tasks = [
			{ id: 7, data: { prompt: 'Which is better?', answer1: 'First', answer2: 'Second' } },
			{ id: 8, data: { question: 'Capital of Brazil?', answer: 'Brasília', language: 'pt-BR' } }
		];
		const res = await importRaw(x, p, JSON.stringify(tasks), 'labelstudio');
		expect(res.status).toBe(201);
		const items = (await x.server.api(`/api/projects/${p}/items`, { headers: x.as.lead })).body.items;
		expect(items.map((i: { externalId: string; modality: string }) => [i.externalId, i.modality])).toEqual([
			['ls-7', 'pairwise'],
			['ls-8', 'text']
		]);
		const bad = await importRaw(x, p, JSON.stringify([{ id: 9, data: { prompt: 'only a prompt' } }]), 'labelstudio');
		expect(bad.status).toBe(400);
		expect(bad.body.error.details[0].line).toBe(1);
	});
});

describe('zip archives', () => {
	it('imports items.jsonl with media referenced by relative path, and re-imports without duplicates', async () => {
		const { pid: p } = await createProject(x, 'Zip import');
		const items = jsonl([
			{
				externalId: 'z-1',
				modality: 'caption',
				payload: { image: { src: 'images/cat.png', alt: 'a cat' }, caption: 'A cat on a mat' }
			},
			{
				modality: 'image_edit',
				payload: {
					original: { src: './images/cat.png' },
					instruction: 'Make it blue',
					edited: { src: 'images/blue.png' }
				}
			}
		]);
		const zip = makeZip([
			{ name: 'batch/items.jsonl', data: items, deflate: true },
			{ name: 'batch/images/cat.png', data: tinyPng(1) },
			{ name: 'batch/images/blue.png', data: tinyPng(2), deflate: true },
			{ name: '__MACOSX/batch/._cat.png', data: 'junk' }
		]);
		const res = await importRaw(x, p, zip, 'zip');
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ imported: 2, skipped: 0 });
		const list = (await x.server.api(`/api/projects/${p}/items`, { headers: x.as.lead })).body.items;
		const src = list[0].payload.image.src as string;
		expect(src).toMatch(/^\/media\/[a-f0-9]{64}$/);
		expect(list[0].payload.image.mime).toBe('image/png');
		expect(list[1].payload.original.src).toBe(src);
		const media = await fetch(x.server.url + src, { headers: x.as.ana });
		expect(media.status).toBe(200);
		expect(media.headers.get('content-type')).toBe('image/png');
		expect((await importRaw(x, p, zip, 'zip')).body).toMatchObject({ imported: 0, skipped: 2 });
	});

	it('reports missing and unsupported files per line, publishes no media, and imports nothing', async () => {
		const { pid: p } = await createProject(x, 'Zip errors');
		const items = jsonl([
			{ modality: 'caption', payload: { image: { src: 'ok.png' }, caption: 'fine' } },
			{ modality: 'caption', payload: { image: { src: 'missing.png' }, caption: 'gone' } },
			{ modality: 'caption', payload: { image: { src: 'notes.txt' }, caption: 'text file' } },
			{ modality: 'caption', payload: { image: { src: '../escape.png' }, caption: 'escape' } }
		]);
		const zip = makeZip([
			{ name: 'items.jsonl', data: items },
			{ name: 'ok.png', data: tinyPng(3) },
			{ name: 'notes.txt', data: 'hello' }
		]);
		const res = await importRaw(x, p, zip, 'zip');
		expect(res.status).toBe(400);
		expect(res.body.error.details.map((d: { line: number }) => d.line)).toEqual([2, 3, 4]);
		expect(res.body.error.details[1].message).toContain('not a supported media type');
		expect(await itemCount(p)).toBe(0);
		const { createHash } = await import('node:crypto');
		const sha = createHash('sha256').update(tinyPng(3)).digest('hex');
		expect((await fetch(`${x.server.url}/media/${sha}`, { headers: x.as.lead })).status).toBe(404);
	});

	it('rejects what is not a usable archive', async () => {
		const notZip = await importRaw(x, pid, new TextEncoder().encode('just text'), 'zip');
		expect(notZip.status).toBe(400);
		expect(notZip.body.error.message).toContain('not a ZIP archive');
		const noItems = await importRaw(x, pid, makeZip([{ name: 'a.png', data: tinyPng() }]), 'zip');
		expect(noItems.body.error.message).toContain('items.jsonl');
		const damaged = makeZip([{ name: 'items.jsonl', data: jsonl([text('x')]) }]);
		damaged[44] ^= 0xff;
		const res = await importRaw(x, pid, damaged, 'zip');
		expect(res.status).toBe(400);
		expect(res.body.error.message).toContain('damaged');
	});
});
