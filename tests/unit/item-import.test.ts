// Import record handling: stable content ids, per-record validation with line numbers, repeats, media checks,
// Label Studio and CSV mapping, and archive path resolution.
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentExternalId, ImportBatch } from '../../server/domain/item-import';
import { csvLayout, csvRowToItem, labelStudioToItem } from '../../server/domain/item-import-formats';
import { resolvePath } from '../../server/import/archive';

const text = { modality: 'text', payload: { prompt: 'p', response: 'r' } };

describe('content ids', () => {
	it('ignore key order and depend on modality, language and payload', () => {
		expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
		const a = contentExternalId({ modality: 'text', language: 'en', payload: { prompt: 'p', response: 'r' } });
		expect(contentExternalId({ modality: 'text', language: 'en', payload: { response: 'r', prompt: 'p' } })).toBe(a);
		expect(
			contentExternalId({ modality: 'text', language: 'pt-BR', payload: { prompt: 'p', response: 'r' } })
		).not.toBe(a);
		expect(a).toMatch(/^sha256:[a-f0-9]{32}$/);
	});
});

describe('ImportBatch', () => {
	it('accepts valid records, reports bad ones with their line, and skips identical content', () => {
		const batch = new ImportBatch();
		expect(batch.add(1, { ...text, externalId: 'x' })?.externalId).toBe('x');
		expect(batch.add(2, { ...text, externalId: 'x' })).toBeNull();
		expect(batch.add(3, text)?.externalId).toMatch(/^sha256:/);
		expect(batch.add(4, { ...text })).toBeNull();
		expect(batch.add(5, { modality: 'video', payload: {} })).toBeNull();
		expect(batch.problems.map((p) => p.line)).toEqual([2, 5]);
		expect(batch.problems[1].message).toMatch(/payload\.video/);
		expect(batch).toMatchObject({ accepted: 2, repeats: 1, badLines: 2 });
	});

	it('rejects references to media that are not in the store', () => {
		const sha = 'b'.repeat(64);
		const batch = new ImportBatch({ mediaExists: (s) => s === sha });
		const caption = (s: string) => ({ modality: 'caption', payload: { image: { src: `/media/${s}` }, caption: 'c' } });
		expect(batch.add(1, caption(sha))).not.toBeNull();
		expect(batch.add(2, caption('c'.repeat(64)))).toBeNull();
		expect(batch.problems[0].message).toContain('payload.image.src');
	});

	it('reports an empty file', () => {
		const batch = new ImportBatch();
		batch.finish();
		expect(batch.problems).toEqual([{ line: 0, message: 'The file holds no items' }]);
	});
});

describe('Label Studio and CSV mapping', () => {
	it('maps Label Studio tasks, preferring Concord fields when present', () => {
		expect(labelStudioToItem({ id: 3, data: { prompt: 'q', answer1: 'a', answer2: 'b' } })).toMatchObject({
			externalId: 'ls-3',
			modality: 'pairwise'
		});
		expect(
			labelStudioToItem({
				id: 4,
				data: { externalId: 'mine', modality: 'text', payload: { prompt: 'p', response: 'r' }, metadata: { k: 1 } }
			})
		).toEqual({
			externalId: 'mine',
			modality: 'text',
			payload: { prompt: 'p', response: 'r' },
			language: 'en',
			metadata: { k: 1 }
		});
		// Only a number or a string is an id; anything else leaves the id to be derived from the content.
		const task = (id: unknown) => labelStudioToItem({ id, data: { prompt: 'q', answer1: 'a', answer2: 'b' } });
		expect(task('x9')).toMatchObject({ externalId: 'ls-x9' });
		expect(task({ nested: 1 })).toMatchObject({ externalId: undefined });
	});

	it('maps CSV rows by header names, case-insensitively, extra columns to metadata', () => {
		const read = csvLayout(['\uFEFFPrompt', 'Response', 'External_ID', 'team'], 1);
		if (!('layout' in read)) throw new Error('layout expected');
		expect(csvRowToItem(read.layout, ['p', 'r', 'e-1', 'blue'])).toEqual({
			value: {
				externalId: 'e-1',
				modality: 'text',
				payload: { prompt: 'p', response: 'r' },
				language: undefined,
				metadata: { team: 'blue' }
			}
		});
		expect(csvRowToItem(read.layout, ['p', 'r'])).toEqual({ message: 'expected 4 fields, found 2' });
		expect(csvLayout(['prompt', 'prompt', 'response'], 1)).toMatchObject({ problem: { line: 1 } });
	});
});

describe('archive paths', () => {
	it('resolve inside the items.jsonl folder and never escape it', () => {
		expect(resolvePath('', 'images/a.png')).toBe('images/a.png');
		expect(resolvePath('', './images/../a.png')).toBe('a.png');
		expect(resolvePath('batch', 'images/a.png')).toBe('batch/images/a.png');
		expect(resolvePath('batch', '../other/a.png')).toBeNull();
		expect(resolvePath('', '../a.png')).toBeNull();
		expect(resolvePath('', '/etc/passwd')).toBeNull();
		expect(resolvePath('', 'https://example.com/a.png')).toBeNull();
	});
});
