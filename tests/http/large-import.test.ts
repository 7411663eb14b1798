// 100,000 items: streamed up as JSONL, imported in one transaction, streamed back out and counted line by line
// without buffering either side. While the export is open, other writes still go through (the export reads its
// own snapshot) and do not leak into it. Peak memory is measured in bench/import-export.ts, not here.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, importRaw, jsonl, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';

const N = 100_000;
let x: ExchangeServer;
let pid: string;

beforeAll(async () => {
	x = await startExchangeServer();
	({ pid } = await createProject(x, 'Large import'));
});
afterAll(() => x.server.close());

function* largeJsonl(n: number): Generator<string> {
	for (let i = 0; i < n; i++) {
		yield (
			JSON.stringify({
				externalId: `big-${i}`,
				modality: 'text',
				language: i % 3 ? 'en' : 'pt-BR',
				metadata: { batch: i % 10 },
				payload: {
					prompt: `Question number ${i}?`,
					response: `Answer number ${i}, with some text to make the line realistic.`
				}
			}) + '\n'
		);
	}
}

async function countLines(body: ReadableStream<Uint8Array>, onFirstChunk?: () => Promise<void>): Promise<number> {
	const reader = body.getReader();
	let lines = 0;
	for (let first = true; ; first = false) {
		const { done, value } = await reader.read();
		if (done) return lines;
		if (first && onFirstChunk) await onFirstChunk();
		for (const byte of value) if (byte === 10) lines++;
	}
}

describe('a 100,000-item project', () => {
	it('imports from a streamed upload and exports as a stream', async () => {
		const upload = Readable.toWeb(Readable.from(largeJsonl(N))) as ReadableStream<Uint8Array>;
		const res = await fetch(`${x.server.url}/api/projects/${pid}/items/import`, {
			method: 'POST',
			headers: { ...x.as.lead, 'content-type': 'application/x-ndjson' },
			body: upload,
			duplex: 'half'
		} as RequestInit);
		expect(res.status).toBe(201);
		expect(await res.json()).toEqual({ imported: N, skipped: 0, total: N });
		expect((await x.server.api(`/api/projects/${pid}/items?limit=1`, { headers: x.as.lead })).body.total).toBe(N);

		const exported = await fetch(`${x.server.url}/api/projects/${pid}/export?format=items`, { headers: x.as.lead });
		expect(exported.status).toBe(200);
		let writeDuringExport = 0;
		const lines = await countLines(exported.body!, async () => {
			writeDuringExport = (
				await importRaw(
					x,
					pid,
					jsonl([{ externalId: 'during-export', modality: 'text', payload: { prompt: 'p', response: 'r' } }])
				)
			).status;
		});
		expect(writeDuringExport).toBe(201);
		expect(lines).toBe(N);
		expect((await x.server.api(`/api/projects/${pid}/items?limit=1`, { headers: x.as.lead })).body.total).toBe(N + 1);
	}, 180_000);
});
