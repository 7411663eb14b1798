// Golden files for every export format on a fixed fixture project (built through the API), with ids and
// timestamps normalised. Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportText, startExchangeServer, type ExchangeServer } from '../fixtures/exchange';
import { buildGoldenProject, normalise, type GoldenProject } from '../fixtures/exchange-project';

const GOLDEN_DIR = join(import.meta.dirname, '../fixtures/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

let x: ExchangeServer;
let fixture: GoldenProject;

beforeAll(async () => {
	x = await startExchangeServer();
	fixture = await buildGoldenProject(x);
});
afterAll(() => x.server.close());

const CASES: { file: string; query: () => string; type: string }[] = [
	{ file: 'evaluations.jsonl', query: () => 'format=jsonl', type: 'application/x-ndjson' },
	{ file: 'evaluations-all-states.jsonl', query: () => 'format=jsonl&state=all', type: 'application/x-ndjson' },
	{ file: 'evaluations.csv', query: () => 'format=csv', type: 'text/csv' },
	{ file: 'evaluations-wide.csv', query: () => 'format=csv-wide', type: 'text/csv' },
	{ file: 'gold.jsonl', query: () => 'format=gold', type: 'application/x-ndjson' },
	{ file: 'escalations.jsonl', query: () => 'format=escalations', type: 'application/x-ndjson' },
	{
		file: 'escalations-resolved.jsonl',
		query: () => `format=escalations&state=resolved&guidelineVersionId=${fixture.guidelineVersionId}`,
		type: 'application/x-ndjson'
	},
	{ file: 'agreement.csv', query: () => 'format=agreement', type: 'text/csv' },
	{ file: 'pairs.jsonl', query: () => 'format=pairs', type: 'application/x-ndjson' },
	{ file: 'labelstudio.json', query: () => 'format=labelstudio', type: 'application/json' },
	{ file: 'guidelines.md', query: () => 'format=guidelines', type: 'text/markdown' },
	{ file: 'items.jsonl', query: () => 'format=items', type: 'application/x-ndjson' }
];

describe('export golden files', () => {
	for (const c of CASES) {
		it(`${c.file} matches its golden file`, async () => {
			const res = await exportText(x, fixture.pid, c.query());
			expect(res.status, res.text).toBe(200);
			expect(res.headers.get('content-type')).toContain(c.type);
			expect(res.headers.get('content-disposition')).toMatch(
				/^attachment; filename="concord-golden-fixture-[a-z-]+-\d{4}-\d{2}-\d{2}\.(jsonl|csv|json|md)"/
			);
			const actual = normalise(res.text, fixture.names);
			const path = join(GOLDEN_DIR, c.file);
			if (UPDATE) writeFileSync(path, actual);
			expect(existsSync(path), `missing golden file ${c.file}: run with UPDATE_GOLDEN=1`).toBe(true);
			expect(actual).toBe(readFileSync(path, 'utf8'));
		});
	}

	it('labelstudio output is one valid JSON array with a task per item', async () => {
		const res = await exportText(x, fixture.pid, 'format=labelstudio');
		const tasks = JSON.parse(res.text);
		expect(tasks).toHaveLength(7);
		expect(tasks[0].annotations).toHaveLength(3);
	});
});
