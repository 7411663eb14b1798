// Markdown → ProseMirror JSON (TipTap StarterKit + table node names), for seeding and importing guidelines.
// Raw HTML in the Markdown is kept as plain text, never as markup. Guideline extensions: a blockquote opening
// with `[!GOOD]` or `[!BAD]` is an output example node; a paragraph holding only images becomes image nodes.
// doc-markdown.ts writes the same conventions back.
import { Lexer, type Token, type Tokens } from 'marked';

export interface PmMark {
	type: string;
	attrs?: Record<string, unknown>;
}
export interface PmNode {
	type: string;
	attrs?: Record<string, unknown>;
	content?: PmNode[];
	text?: string;
	marks?: PmMark[];
}

function inline(tokens: Token[] | undefined, marks: PmMark[] = []): PmNode[] {
	const out: PmNode[] = [];
	for (const t of tokens ?? []) {
		switch (t.type) {
			case 'strong':
				out.push(...inline((t as Tokens.Strong).tokens, [...marks, { type: 'bold' }]));
				break;
			case 'em':
				out.push(...inline((t as Tokens.Em).tokens, [...marks, { type: 'italic' }]));
				break;
			case 'del':
				out.push(...inline((t as Tokens.Del).tokens, [...marks, { type: 'strike' }]));
				break;
			case 'codespan':
				out.push(textNode((t as Tokens.Codespan).text, [...marks, { type: 'code' }]));
				break;
			case 'link': {
				const l = t as Tokens.Link;
				out.push(...inline(l.tokens, [...marks, { type: 'link', attrs: { href: l.href } }]));
				break;
			}
			case 'br':
				out.push({ type: 'hardBreak' });
				break;
			case 'text': {
				const tt = t as Tokens.Text;
				if (tt.tokens?.length) out.push(...inline(tt.tokens, marks));
				else out.push(textNode(decode(tt.text), marks));
				break;
			}
			default:
				if ('text' in t && typeof t.text === 'string') out.push(textNode(decode(t.text), marks));
				else out.push(textNode(t.raw, marks));
		}
	}
	return out.filter((n) => n.type !== 'text' || n.text);
}

function decode(s: string): string {
	return s
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}

function textNode(text: string, marks: PmMark[]): PmNode {
	return marks.length ? { type: 'text', text, marks } : { type: 'text', text };
}

function paragraph(content: PmNode[]): PmNode {
	return content.length ? { type: 'paragraph', content } : { type: 'paragraph' };
}

const EXAMPLE_MARKER = /^\[!(GOOD|BAD)\][ \t]*(?:\n|$)/i;

function block(t: Token): PmNode[] {
	switch (t.type) {
		case 'heading': {
			const h = t as Tokens.Heading;
			return [{ type: 'heading', attrs: { level: Math.min(h.depth, 4) }, content: inline(h.tokens) }];
		}
		case 'paragraph': {
			const tokens = (t as Tokens.Paragraph).tokens ?? [];
			const images = tokens.filter((x): x is Tokens.Image => x.type === 'image');
			if (images.length && tokens.every((x) => x.type === 'image' || (x.type === 'text' && !x.raw.trim()))) {
				return images.map((img) => ({
					type: 'image',
					attrs: { src: img.href, alt: decode(img.text) || null, title: img.title ?? null }
				}));
			}
			return [paragraph(inline(tokens))];
		}
		case 'list': {
			const l = t as Tokens.List;
			return [
				{
					type: l.ordered ? 'orderedList' : 'bulletList',
					...(l.ordered ? { attrs: { start: Number(l.start) || 1 } } : {}),
					content: l.items.map((item) => ({ type: 'listItem', content: blocks(item.tokens, true) }))
				}
			];
		}
		case 'blockquote': {
			const q = t as Tokens.Blockquote;
			const example = EXAMPLE_MARKER.exec(q.text);
			if (example) {
				const rest = q.text.slice(example[0].length);
				return [
					{
						type: 'example',
						attrs: { kind: example[1].toLowerCase() },
						content: blocks(new Lexer({ gfm: true }).lex(rest))
					}
				];
			}
			return [{ type: 'blockquote', content: blocks(q.tokens) }];
		}
		case 'code':
			return [
				{
					type: 'codeBlock',
					attrs: { language: (t as Tokens.Code).lang || null },
					content: [{ type: 'text', text: (t as Tokens.Code).text }]
				}
			];
		case 'hr':
			return [{ type: 'horizontalRule' }];
		case 'table': {
			const tb = t as Tokens.Table;
			const row = (cells: Tokens.TableCell[], type: string): PmNode => ({
				type: 'tableRow',
				content: cells.map((c) => ({ type, content: [paragraph(inline(c.tokens))] }))
			});
			return [{ type: 'table', content: [row(tb.header, 'tableHeader'), ...tb.rows.map((r) => row(r, 'tableCell'))] }];
		}
		case 'space':
			return [];
		case 'html':
			return [paragraph([textNode((t as Tokens.HTML).text.trim(), [])])];
		default:
			return 'text' in t && typeof t.text === 'string' && t.text.trim() ? [paragraph([textNode(t.text, [])])] : [];
	}
}

function blocks(tokens: Token[], inList = false): PmNode[] {
	const out: PmNode[] = [];
	for (const t of tokens) {
		// Tight list items hold bare text tokens; wrap them in a paragraph.
		if (inList && t.type === 'text') out.push(paragraph(inline((t as Tokens.Text).tokens ?? [t])));
		else out.push(...block(t));
	}
	return out.length ? out : [paragraph([])];
}

export function markdownToDoc(markdown: string): PmNode {
	return { type: 'doc', content: blocks(new Lexer({ gfm: true }).lex(markdown)) };
}
