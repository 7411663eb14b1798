// Round trips: items of every modality (media in a zip) exported and imported into a fresh project come back
// identical, through the items JSONL export and through the Label Studio export. Plus export access, filters,
// headers, and CSV that a spreadsheet reads back safely.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createProject,
	exportText,
	importRaw,
	jsonl,
	startExchangeServer,
	type ExchangeServer
} from '../fixtures/exchange';
import { buildGoldenProject, type GoldenProject } from '../fixtures/exchange-project';
import { makeZip, tinyPng } from '../fixtures/zip-writer';
import { parse } from 'csv-parse/sync';

let x: ExchangeServer;
let source: string;
let golden: GoldenProject;

const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(16)]);
const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24)]);

const ALL_MODALITIES = [
	{
		externalId: 'rt-text',
		modality: 'text',
		language: 'en',
		metadata: { domain: 'legal' },
		payload: {
			prompt: 'Is a verbal contract binding?',
			response: 'Often, yes — with **exceptions**.',
			system: 'Be careful.'
		}
	},
	{
		externalId: 'rt-chat',
		modality: 'chat',
		language: 'pt-BR',
		metadata: {},
		payload: {
			turns: [
				{ role: 'user', content: 'Oi!' },
				{ role: 'assistant', content: 'Olá, tudo bem?' }
			],
			reviewTurn: 1
		}
	},
	{
		externalId: 'rt-caption',
		modality: 'caption',
		language: 'en',
		metadata: {},
		payload: { image: { src: 'media/red.png', alt: 'A red square' }, caption: 'A red square.' }
	},
	{
		externalId: 'rt-edit',
		modality: 'image_edit',
		language: 'en',
		metadata: {},
		payload: { original: { src: 'media/red.png' }, instruction: 'Make it blue', edited: { src: 'media/blue.png' } }
	},
	{
		externalId: 'rt-video',
		modality: 'video',
		language: 'en',
		metadata: {},
		payload: { video: { src: 'media/clip.mp4' }, fps: 24, description: 'A short clip.' }
	},
	{
		modality: 'multimodal',
		language: 'en',
		metadata: { batch: 7 },
		payload: {
			prompt: [
				{ kind: 'text', text: 'What do you hear and see?' },
				{ kind: 'audio', media: { src: 'media/sound.ogg' } },
				{ kind: 'image', media: { src: 'media/red.png' } }
			],
			response: 'A tone and a red square.'
		}
	},
	{
		externalId: 'rt-pair',
		modality: 'pairwise',
		language: 'en',
		metadata: {},
		gold: { preference: 'A' },
		payload: {
			prompt: 'Pick one',
			responses: [
				{ id: 'A', text: 'One', label: 'Model 1' },
				{ id: 'B', text: 'Two' }
			]
		}
	}
];

beforeAll(async () => {
	x = await startExchangeServer();
	({ pid: source } = await createProject(x, 'Round trip source'));
	const zip = makeZip([
		{ name: 'items.jsonl', data: jsonl(ALL_MODALITIES), deflate: true },
		{ name: 'media/red.png', data: tinyPng(1) },
		{ name: 'media/blue.png', data: tinyPng(2) },
		{ name: 'media/clip.mp4', data: mp4, deflate: true },
		{ name: 'media/sound.ogg', data: ogg }
	]);
	const res = await importRaw(x, source, zip, 'zip');
	if (res.status !== 201) throw new Error(JSON.stringify(res.body));
	golden = await buildGoldenProject(x);
});
afterAll(() => x.server.close());

describe('round trip', () => {
	it('items export → import into a fresh project reproduces every item of every modality', async () => {
		const first = await exportText(x, source, 'format=items');
		expect(first.text.trim().split('\n')).toHaveLength(ALL_MODALITIES.length);
		const { pid: copy } = await createProject(x, 'Round trip copy');
		expect((await importRaw(x, copy, first.text)).body).toMatchObject({ imported: ALL_MODALITIES.length, skipped: 0 });
		const second = await exportText(x, copy, 'format=items');
		expect(second.text).toBe(first.text);
		const items = (await x.server.api(`/api/projects/${copy}/items`, { headers: x.as.lead })).body.items;
		expect(items.map((i: { modality: string }) => i.modality)).toEqual(ALL_MODALITIES.map((i) => i.modality));
		expect(items[6].gold).toEqual({ preference: 'A' });
		expect((await importRaw(x, copy, first.text)).body).toMatchObject({ imported: 0, skipped: ALL_MODALITIES.length });
	});

	it('Label Studio export → import reproduces the items too', async () => {
		const ls = await exportText(x, source, 'format=labelstudio');
		const { pid: copy } = await createProject(x, 'Label Studio copy');
		const res = await importRaw(x, copy, ls.text, 'labelstudio');
		expect(res.status).toBe(201);
		expect((await exportText(x, copy, 'format=items')).text).toBe((await exportText(x, source, 'format=items')).text);
	});
});

describe('export access and filters', () => {
	it('is for leads and managers, and names the file', async () => {
		expect((await exportText(x, golden.pid, 'format=jsonl', 'ana')).status).toBe(403);
		const pm = await exportText(x, golden.pid, 'format=csv', 'pm');
		expect(pm.status).toBe(200);
		expect(pm.headers.get('content-disposition')).toMatch(
			/filename="concord-golden-fixture-csv-\d{4}-\d{2}-\d{2}\.csv"/
		);
		expect(pm.headers.get('cache-control')).toBe('no-store');
	});

	it('rejects a state the format does not use, and an empty date range', async () => {
		const bad = await exportText(x, golden.pid, 'format=jsonl&state=resolved');
		expect(bad.status).toBe(400);
		expect(JSON.parse(bad.text).error.details[0].path).toBe('state');
		expect((await exportText(x, golden.pid, 'format=items&state=draft')).status).toBe(400);
		expect((await exportText(x, golden.pid, 'format=jsonl&from=2030-01-02&to=2030-01-01')).status).toBe(400);
		expect((await exportText(x, golden.pid, 'format=jsonl&from=yesterday')).status).toBe(400);
	});

	it('filters evaluations by state, date range, rubric version and guideline version', async () => {
		const count = async (q: string) =>
			(await exportText(x, golden.pid, `format=jsonl${q}`)).text.split('\n').filter(Boolean).length;
		expect(await count('')).toBe(16);
		expect(await count('&state=all')).toBe(17);
		expect(await count('&state=draft')).toBe(1);
		const today = new Date().toISOString().slice(0, 10);
		expect(await count(`&from=${today}&to=${today}`)).toBe(16);
		expect(await count('&to=2000-01-01')).toBe(0);
		expect(await count(`&from=${Date.now() + 60_000}`)).toBe(0);
		expect(await count('&rubricVersion=1')).toBe(16);
		expect(await count('&rubricVersion=2')).toBe(0);
		expect(await count(`&guidelineVersionId=${golden.guidelineVersionId}`)).toBe(16);
		expect(await count('&guidelineVersionId=other')).toBe(0);
		expect(
			(await exportText(x, golden.pid, 'format=escalations&state=open')).text.split('\n').filter(Boolean)
		).toHaveLength(1);
	});

	it('writes CSV that parses back to the same cells, with formula-looking text neutralised', async () => {
		const res = await exportText(x, golden.pid, 'format=csv-wide');
		const rows = parse(res.text);
		expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
		const header = rows[0];
		const rationale = rows.map((r) => r[header.indexOf('rationale')]);
		expect(rationale).toContain(`'=HYPERLINK("http://x") looks fine otherwise`);
		expect(rationale).toContain("'-2 points for register\nsecond line");
		expect(rows.map((r) => r[header.indexOf('tone')])).toContain("'=cmd");
		expect(res.text.endsWith('\r\n')).toBe(true);
	});
});
