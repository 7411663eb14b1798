// Markdown from untrusted sources (model output, item prompts, guideline text) to safe HTML for {@html}.
// Two layers: marked renders raw HTML in the source as escaped text (an evaluator must see that the model wrote
// `<script>`, not have it run or vanish), then DOMPurify removes anything executable that markdown itself could
// produce (javascript: links, event attributes). Images load only from our own media store; links open in a new
// tab without referrer or opener. Browser only (DOMPurify needs the DOM).
import { Marked } from 'marked';
import DOMPurify from 'dompurify';

const escapeHtml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
	gfm: true,
	breaks: true,
	async: false,
	renderer: {
		html: ({ text }) => escapeHtml(text),
		image: ({ href, text }) =>
			/^\/media\/[a-f0-9]{64}$/.test(href)
				? `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}">`
				: escapeHtml(`![${text}](${href})`)
	}
});

let hooked = false;
function purifier() {
	if (!hooked) {
		DOMPurify.addHook('afterSanitizeAttributes', (node) => {
			if (node.tagName === 'A') {
				node.setAttribute('target', '_blank');
				node.setAttribute('rel', 'noopener noreferrer nofollow');
			}
			if (node.tagName === 'IMG' && !/^\/media\/[a-f0-9]{64}$/.test(node.getAttribute('src') ?? '')) node.remove();
		});
		hooked = true;
	}
	return DOMPurify;
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

/** Safe HTML for a markdown string. */
export function renderMarkdown(source: string): string {
	const html = marked.parse(source) as string;
	return purifier().sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['style', 'srcset'], ALLOW_DATA_ATTR: false });
}
