// ProseMirror JSON (guideline schema) → Markdown, the inverse of markdown-doc.ts: for published versions, diffs
// and export. Text is escaped so that markdownToDoc(docToMarkdown(doc)) gives the same document back, up to
// what Markdown cannot say (empty paragraphs, link targets, table cell spans, heading levels above 4).
import type { PmMark, PmNode } from './markdown-doc';

/** Markdown of each top-level block, in order (empty paragraphs are left out). */
export function docToMarkdownBlocks(doc: PmNode): string[] {
	return (doc.content ?? []).map((n) => block(n)).filter((s) => s.length > 0);
}

export function docToMarkdown(doc: PmNode): string {
	const blocks = docToMarkdownBlocks(doc);
	return blocks.length ? blocks.join('\n\n') + '\n' : '';
}

/** The plain text of a node (for quotes and searching headings). */
export function nodeText(node: PmNode): string {
	if (node.type === 'text') return node.text ?? '';
	if (node.type === 'hardBreak') return '\n';
	return (node.content ?? []).map(nodeText).join(node.type === 'doc' || isContainer(node) ? '\n' : '');
}

/** A heading's level as Markdown writes it (1–6; anything else in the document counts as 1 or 6). */
export const headingLevel = (node: PmNode): number => Math.min(Math.max(Number(node.attrs?.level) || 1, 1), 6);

/** An output example's kind: `bad` when the document says so, else `good`. */
export const exampleKind = (node: PmNode): 'good' | 'bad' => (node.attrs?.kind === 'bad' ? 'bad' : 'good');

/** A text attribute (alt, title, src, href); a value of any other type counts as absent. */
const textAttr = (value: unknown): string =>
	typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

const isContainer = (n: PmNode) => !['paragraph', 'heading', 'codeBlock', 'text'].includes(n.type);

function block(node: PmNode): string {
	switch (node.type) {
		case 'paragraph':
			return escapeLineStarts(inline(node.content));
		case 'heading': {
			const level = headingLevel(node);
			const text = inline(node.content).replace(/\\?\n/g, ' ').replace(/#$/, '\\#');
			return `${'#'.repeat(level)} ${text.replace(/^#/, '\\#')}`;
		}
		case 'blockquote':
			return quote(children(node));
		case 'example':
			return quote(`[!${exampleKind(node).toUpperCase()}]\n${children(node)}`);
		case 'bulletList':
			return (node.content ?? []).map((item) => listItem(item, '- ')).join('\n');
		case 'orderedList': {
			const start = Number(node.attrs?.start ?? 1) || 1;
			return (node.content ?? []).map((item, i) => listItem(item, `${start + i}. `)).join('\n');
		}
		case 'codeBlock': {
			const text = (node.content ?? []).map((t) => t.text ?? '').join('');
			const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
			const fence = '`'.repeat(longest + 1);
			const lang = typeof node.attrs?.language === 'string' ? node.attrs.language : '';
			return `${fence}${lang}\n${text}\n${fence}`;
		}
		case 'horizontalRule':
			return '---';
		case 'image':
			return image(node);
		case 'table':
			return table(node);
		default:
			return node.content ? children(node) : '';
	}
}

function children(node: PmNode): string {
	return docToMarkdownBlocks(node).join('\n\n');
}

function quote(text: string): string {
	return text
		.split('\n')
		.map((l) => (l ? `> ${l}` : '>'))
		.join('\n');
}

function listItem(item: PmNode, marker: string): string {
	const parts = (item.content ?? []).map((n) => ({ n, md: block(n) })).filter((p) => p.md.length > 0);
	let out = '';
	parts.forEach((p, i) => {
		// A nested list follows its paragraph directly, keeping the list tight.
		if (i > 0) out += p.n.type === 'bulletList' || p.n.type === 'orderedList' ? '\n' : '\n\n';
		out += p.md;
	});
	const pad = ' '.repeat(marker.length);
	return (
		marker +
		out
			.split('\n')
			.map((l, i) => (i === 0 || !l ? l : pad + l))
			.join('\n')
	);
}

function image(node: PmNode): string {
	const alt = escapeText(textAttr(node.attrs?.alt));
	const title = textAttr(node.attrs?.title);
	return `![${alt}](${url(textAttr(node.attrs?.src))}${title ? ` "${title.replace(/"/g, '\\"')}"` : ''})`;
}

function table(node: PmNode): string {
	const rows = (node.content ?? []).map((row) =>
		(row.content ?? []).map((cell) =>
			(cell.content ?? [])
				.map((p) => inline(p.content))
				.join(' ')
				.replace(/\\\n/g, ' ')
				.replace(/\n/g, ' ')
				.replace(/(?<!\\)\|/g, '\\|')
		)
	);
	if (!rows.length) return '';
	const width = Math.max(...rows.map((r) => r.length));
	const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ')} |`;
	return [line(rows[0]), line(Array.from({ length: width }, () => '---')), ...rows.slice(1).map(line)].join('\n');
}

// ---- inline ---------------------------------------------------------------------------------------------

const MARK_ORDER = ['link', 'bold', 'italic', 'strike', 'code'];
const DELIMS: Record<string, string> = { bold: '**', italic: '*', strike: '~~' };

function sortedMarks(marks: PmMark[] | undefined): PmMark[] {
	return (marks ?? [])
		.filter((m) => MARK_ORDER.includes(m.type))
		.sort((a, b) => MARK_ORDER.indexOf(a.type) - MARK_ORDER.indexOf(b.type));
}

const sameMark = (a: PmMark, b: PmMark) => a.type === b.type && (a.type !== 'link' || a.attrs?.href === b.attrs?.href);

function openMark(m: PmMark): string {
	return m.type === 'link' ? '[' : (DELIMS[m.type] ?? '');
}

function closeMark(m: PmMark): string {
	return m.type === 'link' ? `](${url(textAttr(m.attrs?.href))})` : (DELIMS[m.type] ?? '');
}

function codeSpan(text: string): string {
	const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
	const ticks = '`'.repeat(longest + 1);
	const pad = text.startsWith('`') || text.endsWith('`') || (/^ .* $/.test(text) && text.trim()) ? ' ' : '';
	return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Serialises inline content; whitespace at the edges of a marked run is moved outside its delimiters. */
function inline(nodes: PmNode[] | undefined): string {
	let out = '';
	let active: PmMark[] = [];
	const closeTo = (keep: number) => {
		if (active.length <= keep) return;
		const trailing = /[ \t]*$/.exec(out)![0];
		out = out.slice(0, out.length - trailing.length);
		for (let i = active.length - 1; i >= keep; i--) out += closeMark(active[i]);
		out += trailing;
		active = active.slice(0, keep);
	};
	for (const node of nodes ?? []) {
		if (node.type === 'hardBreak') {
			closeTo(0);
			out += '\\\n';
			continue;
		}
		if (node.type === 'image') {
			closeTo(0);
			out += image(node);
			continue;
		}
		if (node.type !== 'text' || !node.text) continue;
		const marks = sortedMarks(node.marks);
		let keep = 0;
		while (
			keep < active.length &&
			keep < marks.length &&
			sameMark(active[keep], marks[keep]) &&
			active[keep].type !== 'code'
		)
			keep++;
		closeTo(keep);
		const isCode = marks.some((m) => m.type === 'code');
		let text = node.text;
		const opening = marks.slice(keep).filter((m) => m.type !== 'code');
		if (opening.length) {
			const lead = /^[ \t]*/.exec(text)![0];
			out += lead;
			text = text.slice(lead.length);
			if (!text) continue;
			for (const m of opening) out += openMark(m);
			active = marks.filter((m) => m.type !== 'code');
		}
		out += isCode ? codeSpan(text) : escapeText(text);
	}
	closeTo(0);
	return out;
}

// ---- escaping -------------------------------------------------------------------------------------------

/** Backslash-escapes what Markdown would otherwise read as syntax. */
function escapeText(text: string): string {
	return text
		.replace(/[\\`*[\]<~|]/g, (c) => `\\${c}`)
		.replace(/_/g, (c, i: number, s: string) => (/\w/.test(s[i - 1] ?? '') && /\w/.test(s[i + 1] ?? '') ? c : '\\_'))
		.replace(/&(?=#?\w+;)/g, '\\&')
		.replace(/!(?=\\\[)/g, '\\!')
		.replace(/\n/g, ' ');
}

/** Escapes block syntax at the start of a paragraph's lines (headings, lists, rules, quotes, setext underlines). */
function escapeLineStarts(md: string): string {
	return md
		.split('\n')
		.map((line) =>
			line
				.replace(/^([ \t]*)(#|>|[-+](?=[ \t]|$)|=+[ \t]*$|-+[ \t]*$)/, (_, ws: string, c: string) => `${ws}\\${c}`)
				.replace(/^([ \t]*\d+)([.)])(?=[ \t]|$)/, '$1\\$2')
				.replace(/^ +/, '')
		)
		.join('\n');
}

/** A link destination; one with spaces, parentheses or angle brackets goes inside <…>. */
function url(href: string): string {
	return /[\s()<>\\]/.test(href) ? `<${href.replace(/[<>\\]/g, (c) => `\\${c}`).replace(/\n/g, '%0A')}>` : href;
}
