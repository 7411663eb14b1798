// Span geometry used by the annotatable views: segments for highlighting, placing a quote selected in
// formatted markdown back into the raw source, re-anchoring, annotatable fields per modality, and boxes.
import { describe, expect, it } from 'vitest';
import { paletteIndex } from '../../src/lib/components/item/annotation-context';
import {
	anchorSpan,
	annotatableFields,
	boxFields,
	boxFromPoints,
	fieldText,
	locateQuote,
	segmentText,
	trimRange
} from '../../src/lib/components/item/spans';

const md = 'A **Constituição** de 1988 foi promulgada em *5 de outubro*.\n\nA Constituição garante direitos.';

describe('segmentText', () => {
	it('splits at every boundary, overlapping spans carrying both marks, and rebuilds the text exactly', () => {
		const text = 'abcdefghij';
		const segs = segmentText(text, [
			{ start: 2, end: 6 },
			{ start: 4, end: 8 }
		]);
		expect(segs.map((s) => [s.text, s.marks])).toEqual([
			['ab', []],
			['cd', [0]],
			['ef', [0, 1]],
			['gh', [1]],
			['ij', []]
		]);
		expect(segs.map((s) => s.text).join('')).toBe(text);
	});

	it('ignores empty spans and clamps out-of-range ones', () => {
		const segs = segmentText('abc', [
			{ start: 1, end: 1 },
			{ start: 2, end: 99 }
		]);
		expect(segs.map((s) => [s.text, s.marks])).toEqual([
			['ab', []],
			['c', [1]]
		]);
	});
});

describe('locateQuote', () => {
	it('finds the occurrence nearest where the selection was made', () => {
		const first = locateQuote(md, 'Constituição', 0);
		const second = locateQuote(md, 'Constituição', 0.9);
		expect(md.slice(first!.start, first!.end)).toBe('Constituição');
		expect(second!.start).toBeGreaterThan(first!.start);
		expect(md.slice(second!.start, second!.end)).toBe('Constituição');
	});

	it('tolerates markdown markup and line breaks between the words of a formatted selection', () => {
		const hit = locateQuote(md, 'Constituição de 1988', 0);
		expect(md.slice(hit!.start, hit!.end)).toBe('Constituição** de 1988');
		const across = locateQuote('uma frase\nquebrada aqui', 'frase quebrada', 0);
		expect(across).toEqual({ start: 4, end: 18 });
	});

	it('returns null when the quote is not in the source', () => {
		expect(locateQuote(md, 'Constitution', 0)).toBeNull();
		expect(locateQuote(md, '   ', 0)).toBeNull();
	});
});

describe('anchorSpan and trimRange', () => {
	it('keeps a matching span and re-anchors a drifted one by its quote', () => {
		const span = { kind: 'text' as const, field: 'response', start: 2, end: 5, label: 'factual_error', quote: 'cde' };
		expect(anchorSpan('abcdefg', span)).toBe(span);
		expect(anchorSpan('xxabcdefg', span)).toMatchObject({ start: 4, end: 7 });
		expect(anchorSpan('nothing here', span)).toBeNull();
	});

	it('trims whitespace from a sloppy selection', () => {
		expect(trimRange('  olá mundo  ', 0, 13)).toEqual({ start: 2, end: 11 });
	});
});

describe('fields per modality', () => {
	it('lists the model-output text fields by path', () => {
		expect(annotatableFields({ modality: 'text', payload: { prompt: 'p', response: 'r' } })).toEqual([
			{ field: 'response', text: 'r' }
		]);
		const chat = {
			modality: 'chat' as const,
			payload: {
				turns: [
					{ role: 'user', content: 'oi' },
					{ role: 'assistant', content: 'olá' },
					{ role: 'user', content: 'e?' },
					{ role: 'assistant', content: 'fim' }
				]
			}
		};
		expect(annotatableFields(chat).map((f) => f.field)).toEqual(['turns.1.content', 'turns.3.content']);
		const pair = {
			modality: 'pairwise' as const,
			payload: {
				prompt: 'p',
				responses: [
					{ id: 'a', text: 'A' },
					{ id: 'b', text: 'B' }
				]
			}
		};
		expect(annotatableFields(pair)).toEqual([
			{ field: 'responses.0.text', text: 'A' },
			{ field: 'responses.1.text', text: 'B' }
		]);
		expect(annotatableFields({ modality: 'image_edit', payload: {} })).toEqual([]);
		expect(fieldText(pair.payload, 'responses.1.text')).toBe('B');
		expect(fieldText(pair.payload, 'responses.7.text')).toBeNull();
	});

	it('lists image fields for boxes and normalises drawn boxes', () => {
		expect(boxFields({ modality: 'image_edit', payload: {} })).toEqual(['original', 'edited']);
		expect(boxFields({ modality: 'multimodal', payload: { prompt: [{ kind: 'text' }, { kind: 'image' }] } })).toEqual([
			'prompt.1.media'
		]);
		expect(boxFromPoints(0.8, 0.9, 0.2, 0.1)).toEqual({
			x: 0.2,
			y: 0.1,
			w: expect.closeTo(0.6, 10),
			h: expect.closeTo(0.8, 10)
		});
		expect(boxFromPoints(-0.5, 0.5, 1.5, 0.6)).toMatchObject({ x: 0, w: 1 });
	});
});

describe('span label colours', () => {
	it('keep the rubric colour’s hue where they can and never share a slot', () => {
		const labels = [
			{ key: 'factual_error', label: 'Factual error', color: '#e5484d' },
			{ key: 'hallucination', label: 'Hallucination', color: '#8e4ec6' },
			{ key: 'reasoning_error', label: 'Reasoning error', color: '#f76b15' },
			{ key: 'unsafe', label: 'Unsafe', color: '#ce2c31' },
			{ key: 'awkward', label: 'Awkward', color: '#ffb224' },
			{ key: 'register', label: 'Register', color: '#12a594' },
			{ key: 'change', label: 'Change', color: '#0090ff' },
			{ key: 'plain', label: 'No colour' }
		];
		const slots = labels.map((l) => paletteIndex(labels, l.key));
		expect(slots.slice(0, 3)).toEqual([0, 2, 7]);
		expect(slots[4]).toBe(1);
		expect(slots[5]).toBe(6);
		expect(slots[6]).toBe(3);
		expect(new Set(slots).size).toBe(8);
		expect(paletteIndex([{ key: 'a', label: 'A', color: 'green' }], 'a')).toBe(4);
	});
});
