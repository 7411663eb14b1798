// docToMarkdown is the inverse of markdownToDoc: documents written with every guideline node (headings, lists,
// tables, images, links, code, good/bad examples) and text full of Markdown syntax characters survive a round
// trip through Markdown, checked against the real guideline schema (which also merges adjacent text nodes).
import { describe, expect, it } from 'vitest';
import { docToMarkdown, docToMarkdownBlocks } from '#shared/doc-markdown';
import { markdownToDoc, type PmNode } from '#shared/markdown-doc';
import { guidelineSchema } from '#shared/guideline-schema';

const normalise = (doc: PmNode) => guidelineSchema().nodeFromJSON(doc).toJSON();
const txt = (text: string, ...marks: PmNode['marks'] & object) =>
	marks.length ? { type: 'text', text, marks } : { type: 'text', text };
const p = (...content: PmNode[]): PmNode => ({ type: 'paragraph', content });
const h = (level: number, text: string): PmNode => ({ type: 'heading', attrs: { level }, content: [txt(text)] });
const li = (...content: PmNode[]): PmNode => ({ type: 'listItem', content });
const cell = (type: string, text: string): PmNode => ({ type, content: [p(txt(text))] });
const bold = { type: 'bold' };
const italic = { type: 'italic' };

const fixture: PmNode = {
	type: 'doc',
	content: [
		h(1, 'Atlas evaluation guidelines'),
		p(
			txt('Score '),
			txt('factual accuracy', bold),
			txt(' first; see '),
			txt('the policy', { type: 'link', attrs: { href: 'https://example.com/policy (v2)' } }),
			txt('.')
		),
		h(2, 'Correctness'),
		p(
			txt('Mixed '),
			txt('bold and ', bold),
			txt('bold italic', bold, italic),
			txt(' and '),
			txt('code_span()', { type: 'code' }),
			txt(' and '),
			txt('gone', { type: 'strike' })
		),
		{
			type: 'bulletList',
			content: [
				li(p(txt('A wrong date is an error.'))),
				li(p(txt('Nested:')), { type: 'bulletList', content: [li(p(txt('inner item')))] })
			]
		},
		{ type: 'orderedList', attrs: { start: 3 }, content: [li(p(txt('third'))), li(p(txt('fourth')))] },
		{
			type: 'table',
			content: [
				{ type: 'tableRow', content: [cell('tableHeader', 'Score'), cell('tableHeader', 'Meaning')] },
				{ type: 'tableRow', content: [cell('tableCell', '1'), cell('tableCell', 'Wrong | misleading')] }
			]
		},
		{ type: 'image', attrs: { src: 'https://example.com/edit.png', alt: 'an edited photo', title: 'Edit' } },
		{
			type: 'example',
			attrs: { kind: 'good' },
			content: [p(txt('"O prazo é de 30 dias." — correct and in Brazilian Portuguese.'))]
		},
		{
			type: 'example',
			attrs: { kind: 'bad' },
			content: [
				p(txt('"O prazo é de 30 dias, pá."')),
				{ type: 'bulletList', content: [li(p(txt('European register')))] }
			]
		},
		{ type: 'blockquote', content: [p(txt('Quoted policy text.'))] },
		{ type: 'codeBlock', attrs: { language: 'json' }, content: [txt('{"score": 3}\n```inner fence```')] },
		{ type: 'horizontalRule' },
		p(txt('First line'), { type: 'hardBreak' }, txt('second line'))
	]
};

describe('docToMarkdown', () => {
	it('writes readable Markdown for every guideline node', () => {
		const md = docToMarkdown(fixture);
		expect(md).toContain('# Atlas evaluation guidelines\n');
		expect(md).toContain('Score **factual accuracy** first; see [the policy](<https://example.com/policy (v2)>).');
		expect(md).toContain('- A wrong date is an error.\n- Nested:\n  - inner item');
		expect(md).toContain('3. third\n4. fourth');
		expect(md).toContain('| Score | Meaning |\n| --- | --- |\n| 1 | Wrong \\| misleading |');
		expect(md).toContain('![an edited photo](https://example.com/edit.png "Edit")');
		expect(md).toContain('> [!GOOD]\n> "O prazo é de 30 dias." — correct and in Brazilian Portuguese.');
		expect(md).toContain('> [!BAD]\n> "O prazo é de 30 dias, pá."\n>\n> - European register');
		expect(md).toContain('````json\n{"score": 3}\n```inner fence```\n````');
		expect(md).toContain('`code_span()`');
	});

	it('round-trips the fixture through markdownToDoc', () => {
		expect(normalise(markdownToDoc(docToMarkdown(fixture)))).toEqual(normalise(fixture));
	});

	it('is stable from Markdown: md → doc → md gives the same text', () => {
		const md = docToMarkdown(fixture);
		expect(docToMarkdown(markdownToDoc(md))).toBe(md);
	});

	it('escapes Markdown syntax in plain text', () => {
		const tricky = [
			'# not a heading',
			'- not a list',
			'1. not ordered',
			'2024) a year',
			'*stars* and _underscores_ and snake_case_name',
			'[brackets](not-a-link) and ![not an image](x)',
			'<b>raw html</b> & &amp; entities',
			'a | pipe, ~~tildes~~ and `backticks`',
			'back\\slash at the end\\',
			'> not a quote',
			'===',
			'---',
			'+ plus'
		];
		for (const text of tricky) {
			const doc: PmNode = { type: 'doc', content: [p(txt(text))] };
			expect(normalise(markdownToDoc(docToMarkdown(doc))), text).toEqual(normalise(doc));
		}
	});

	it('round-trips random text made of syntax characters', () => {
		let seed = 42;
		const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const alphabet = 'ab _*`[]()<>!#-+=|~\\&;.1';
		for (let i = 0; i < 300; i++) {
			const len = 1 + Math.floor(rand() * 14);
			let text = '';
			for (let j = 0; j < len; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
			text = text.trim();
			if (!text) continue;
			const marks = rand() < 0.3 ? [bold] : [];
			const doc: PmNode = { type: 'doc', content: [p(txt('x '), txt(text, ...marks), txt(' y'))] };
			expect(normalise(markdownToDoc(docToMarkdown(doc))), JSON.stringify(text)).toEqual(normalise(doc));
		}
	});

	it('splits a document into one Markdown block per top-level node, leaving out empty paragraphs', () => {
		const blocks = docToMarkdownBlocks({ type: 'doc', content: [h(2, 'A'), { type: 'paragraph' }, p(txt('B'))] });
		expect(blocks).toEqual(['## A', 'B']);
	});
});
