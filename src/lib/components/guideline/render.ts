// Guideline Markdown to safe HTML (marked, then DOMPurify on its own instance so other features' hooks do not
// apply), with `> [!GOOD]` / `> [!BAD]` blockquotes shown as labelled output examples; and diff blocks rendered
// as the document with <ins>/<del>: the private-use markers of markedSource() are turned into elements by
// walking text nodes after sanitising, so the inserted tags always nest correctly. Browser only.
import { Marked, type Tokens } from 'marked';
import DOMPurify, { type DOMPurify as Purifier } from 'dompurify';
import { DIFF_MARKER_PATTERN, DIFF_MARKERS, markedSource, type DiffBlock } from '$lib/shared/guideline-diff';

const escapeHtml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const EXAMPLE = /^\[!(GOOD|BAD)\][ \t]*(?:\n|$)/i;
// Images load only from the project's media store (the app's CSP allows no other image source).
const SAFE_IMAGE = /^\/media\/[a-f0-9]{64}$/;

export interface RenderLabels {
	good: string;
	bad: string;
}

const instances = new Map<string, Marked>();

function markedFor(labels: RenderLabels): Marked {
	const key = `${labels.good}\n${labels.bad}`;
	const known = instances.get(key);
	if (known) return known;
	const instance: Marked = new Marked({
		gfm: true,
		async: false,
		renderer: {
			html: ({ text }) => escapeHtml(text),
			blockquote(this: { parser: { parse(tokens: Tokens.Generic[]): string } }, { tokens, text }: Tokens.Blockquote) {
				const m = EXAMPLE.exec(text);
				if (!m) return `<blockquote>\n${this.parser.parse(tokens)}</blockquote>\n`;
				const kind = m[1].toLowerCase() as 'good' | 'bad';
				const inner = instance.parse(text.slice(m[0].length)) as string;
				return `<div class="guideline-example ${kind}" data-label="${escapeHtml(labels[kind])}">${inner}</div>\n`;
			}
		}
	});
	instances.set(key, instance);
	return instance;
}

let purifier: Purifier | null = null;
function purify(): Purifier {
	if (!purifier) {
		purifier = DOMPurify(window);
		purifier.addHook('afterSanitizeAttributes', (node) => {
			if (node.tagName === 'A') {
				node.setAttribute('target', '_blank');
				node.setAttribute('rel', 'noopener noreferrer nofollow');
			}
			if (node.tagName === 'IMG' && !SAFE_IMAGE.test(node.getAttribute('src') ?? '')) node.remove();
		});
	}
	return purifier;
}

const FORBID_TAGS = [
	'style',
	'form',
	'input',
	'button',
	'textarea',
	'select',
	'iframe',
	'object',
	'embed',
	'svg',
	'math',
	'video',
	'audio',
	'source',
	'link',
	'meta',
	'base'
];

/** Safe HTML for guideline Markdown. */
export function renderGuideline(markdown: string, labels: RenderLabels): string {
	const html = markedFor(labels).parse(markdown) as string;
	return purify().sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['style', 'srcset'], ADD_ATTR: ['data-label'] });
}

/** Turns diff markers in sanitised HTML into <ins>/<del> elements (text only; markers in attributes are dropped). */
function applyMarkers(html: string): string {
	const tpl = document.createElement('template');
	tpl.innerHTML = html;
	const walker = document.createTreeWalker(tpl.content, NodeFilter.SHOW_TEXT);
	const texts: Text[] = [];
	while (walker.nextNode()) texts.push(walker.currentNode as Text);
	let state: 'ins' | 'del' | null = null;
	for (const node of texts) {
		if (!state && !DIFF_MARKER_PATTERN.test(node.data)) continue;
		DIFF_MARKER_PATTERN.lastIndex = 0;
		const out = document.createDocumentFragment();
		let buffer = '';
		const flush = () => {
			if (!buffer) return;
			if (state) {
				const el = document.createElement(state);
				el.textContent = buffer;
				out.append(el);
			} else out.append(buffer);
			buffer = '';
		};
		for (const ch of node.data) {
			if (ch === DIFF_MARKERS.insOpen || ch === DIFF_MARKERS.delOpen) {
				flush();
				state = ch === DIFF_MARKERS.insOpen ? 'ins' : 'del';
			} else if (ch === DIFF_MARKERS.insClose || ch === DIFF_MARKERS.delClose) {
				flush();
				state = null;
			} else buffer += ch;
		}
		flush();
		node.replaceWith(out);
	}
	for (const el of tpl.content.querySelectorAll('*')) {
		for (const attr of [...el.attributes])
			if (/[\uE000-\uE003]/.test(attr.value)) el.setAttribute(attr.name, attr.value.replace(DIFF_MARKER_PATTERN, ''));
	}
	return tpl.innerHTML;
}

/** Safe HTML of one diff block: unchanged, a whole added/removed block, or a changed one with word marks. */
export function renderDiffBlock(block: DiffBlock, labels: RenderLabels): string {
	if (block.status === 'changed' && block.parts)
		return applyMarkers(renderGuideline(markedSource(block.parts), labels));
	return renderGuideline(block.markdown, labels);
}
