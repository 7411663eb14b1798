// DOM helpers for annotatable text (browser only): character offsets of a selection inside an element (its
// text, not its markup), ranges for a quote in rendered text, and CSS Custom Highlights shared by every
// annotatable field on the page (each field adds and removes only its own ranges).

/** Characters of `root`'s text before the point (node, offset). */
function textOffset(root: Node, node: Node, offset: number): number {
	const r = document.createRange();
	r.selectNodeContents(root);
	r.setEnd(node, offset);
	return r.toString().length;
}

/** The selection's [start, end) in `root`'s text, when the selection lies inside it and is not empty. */
export function selectionIn(root: HTMLElement): { start: number; end: number; text: string; rect: DOMRect } | null {
	const sel = window.getSelection();
	if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
	const range = sel.getRangeAt(0);
	if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
	const start = textOffset(root, range.startContainer, range.startOffset);
	const end = textOffset(root, range.endContainer, range.endOffset);
	if (end <= start) return null;
	return { start, end, text: range.toString(), rect: range.getBoundingClientRect() };
}

interface TextMap {
	text: string;
	nodes: { node: Text; start: number }[];
}

function textMap(root: Node): TextMap {
	const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
	const nodes: TextMap['nodes'] = [];
	let text = '';
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		nodes.push({ node: n as Text, start: text.length });
		text += (n as Text).data;
	}
	return { text, nodes };
}

function point(map: TextMap, at: number, end: boolean): [Text, number] | null {
	for (let i = map.nodes.length - 1; i >= 0; i--) {
		const { node, start } = map.nodes[i];
		if (at > start || (at === start && !end)) return [node, Math.min(node.data.length, at - start)];
	}
	return null;
}

/** A DOM Range over the occurrence of `quote` in `root`'s text nearest to the relative position `near`. */
export function rangeForQuote(root: Node, quote: string, near: number): Range | null {
	if (!quote) return null;
	const map = textMap(root);
	let best = -1;
	for (let at = map.text.indexOf(quote); at >= 0; at = map.text.indexOf(quote, at + 1)) {
		if (best < 0 || Math.abs(at - near * map.text.length) < Math.abs(best - near * map.text.length)) best = at;
	}
	if (best < 0) return null;
	const a = point(map, best, false);
	const b = point(map, best + quote.length, true);
	if (!a || !b) return null;
	const r = document.createRange();
	r.setStart(a[0], a[1]);
	r.setEnd(b[0], b[1]);
	return r;
}

type HighlightRegistry = Map<string, Set<Range>>;

function registry(): HighlightRegistry | null {
	const css = globalThis.CSS as unknown as { highlights?: HighlightRegistry } | undefined;
	return css?.highlights && typeof (globalThis as { Highlight?: unknown }).Highlight === 'function'
		? css.highlights
		: null;
}

/** Adds ranges to named highlights; returns a function removing exactly those ranges again. */
export function addHighlights(entries: { name: string; range: Range }[]): () => void {
	const reg = registry();
	if (!reg) return () => {};
	const HighlightCtor = (globalThis as unknown as { Highlight: new () => Set<Range> }).Highlight;
	for (const { name, range } of entries) {
		let h = reg.get(name);
		if (!h) {
			h = new HighlightCtor();
			reg.set(name, h);
		}
		h.add(range);
	}
	return () => {
		for (const { name, range } of entries) reg.get(name)?.delete(range);
	};
}
