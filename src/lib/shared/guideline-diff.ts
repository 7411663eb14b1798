// A readable diff of two guideline documents: blocks (top-level nodes, as Markdown) are aligned first, then
// blocks of the same kind that changed are compared word by word (diffWordsWithSpace). The browser renders
// the result as the document with <ins>/<del>; `markedSource` gives Markdown with private-use markers around
// changed words, placed so that block syntax (list markers, quote marks, headings, table pipes) stays intact.
import { diffArrays, diffWordsWithSpace } from 'diff';
import type { PmNode } from './markdown-doc';
import { docToMarkdown, exampleKind, headingLevel } from './doc-markdown';

type DiffOp = 'same' | 'ins' | 'del';
export interface DiffPart {
	op: DiffOp;
	value: string;
}

export interface DiffBlock {
	status: 'same' | 'added' | 'removed' | 'changed';
	/** Node type, with the heading level or example kind (e.g. `heading:2`, `example:bad`). */
	kind: string;
	/** The block's Markdown: the new text, or the old one for a removed block. */
	markdown: string;
	/** Word-level changes of a changed block (old → new). */
	parts?: DiffPart[];
}

export interface GuidelineDiffResult {
	blocks: DiffBlock[];
	stats: { added: number; removed: number; changed: number; insertedWords: number; deletedWords: number };
}

interface Block {
	kind: string;
	markdown: string;
}

function blocksOf(doc: PmNode | null): Block[] {
	return (doc?.content ?? [])
		.map((n) => ({
			kind:
				n.type === 'heading'
					? `heading:${headingLevel(n)}`
					: n.type === 'example'
						? `example:${exampleKind(n)}`
						: n.type,
			markdown: docToMarkdown({ type: 'doc', content: [n] }).trimEnd()
		}))
		.filter((b) => b.markdown.length > 0);
}

const words = (s: string) => s.match(/\S+/g)?.length ?? 0;

/** Share of words two texts have in common (Dice coefficient over their word sets). */
function similarity(a: string, b: string): number {
	const wa = new Set(a.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
	const wb = new Set(b.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
	if (!wa.size || !wb.size) return 0;
	let common = 0;
	for (const w of wa) if (wb.has(w)) common++;
	return (2 * common) / (wa.size + wb.size);
}

/** Blocks below this similarity are shown as removed + added rather than as one changed block. */
const PAIR_THRESHOLD = 0.25;

/**
 * Which removed block became which added block: an order-preserving matching of blocks of the same kind that
 * maximises total similarity (a weighted longest common subsequence; the runs are short).
 */
function pairBlocks(removed: Block[], added: Block[]): [number, number][] {
	const n = removed.length;
	const m = added.length;
	const score = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
	const sim = (i: number, j: number) =>
		removed[i].kind === added[j].kind ? similarity(removed[i].markdown, added[j].markdown) : 0;
	for (let i = 1; i <= n; i++) {
		for (let j = 1; j <= m; j++) {
			const s = sim(i - 1, j - 1);
			score[i][j] = Math.max(score[i - 1][j], score[i][j - 1], s >= PAIR_THRESHOLD ? score[i - 1][j - 1] + s : 0);
		}
	}
	const pairs: [number, number][] = [];
	for (let i = n, j = m; i > 0 && j > 0;) {
		const s = sim(i - 1, j - 1);
		if (s >= PAIR_THRESHOLD && score[i][j] === score[i - 1][j - 1] + s) {
			pairs.unshift([i - 1, j - 1]);
			i--;
			j--;
		} else if (score[i][j] === score[i - 1][j]) i--;
		else j--;
	}
	return pairs;
}

/** Compares two documents (null: an empty document). */
export function diffDocs(oldDoc: PmNode | null, newDoc: PmNode | null): GuidelineDiffResult {
	const changes = diffArrays(blocksOf(oldDoc), blocksOf(newDoc), {
		comparator: (a, b) => a.kind === b.kind && a.markdown === b.markdown
	});
	const blocks: DiffBlock[] = [];
	let removed: Block[] = [];
	let added: Block[] = [];
	const flush = () => {
		let i = 0;
		let j = 0;
		for (const [pi, pj] of pairBlocks(removed, added)) {
			for (; i < pi; i++) blocks.push({ status: 'removed', kind: removed[i].kind, markdown: removed[i].markdown });
			for (; j < pj; j++) blocks.push({ status: 'added', kind: added[j].kind, markdown: added[j].markdown });
			const parts = diffWordsWithSpace(removed[pi].markdown, added[pj].markdown).map((c): DiffPart => ({
				op: c.added ? 'ins' : c.removed ? 'del' : 'same',
				value: c.value
			}));
			blocks.push({ status: 'changed', kind: added[pj].kind, markdown: added[pj].markdown, parts });
			i = pi + 1;
			j = pj + 1;
		}
		for (; i < removed.length; i++)
			blocks.push({ status: 'removed', kind: removed[i].kind, markdown: removed[i].markdown });
		for (; j < added.length; j++) blocks.push({ status: 'added', kind: added[j].kind, markdown: added[j].markdown });
		removed = [];
		added = [];
	};
	for (const c of changes) {
		if (c.removed) removed.push(...c.value);
		else if (c.added) added.push(...c.value);
		else {
			flush();
			for (const b of c.value) blocks.push({ status: 'same', kind: b.kind, markdown: b.markdown });
		}
	}
	flush();
	const stats = { added: 0, removed: 0, changed: 0, insertedWords: 0, deletedWords: 0 };
	for (const b of blocks) {
		if (b.status === 'added') {
			stats.added++;
			stats.insertedWords += words(b.markdown);
		} else if (b.status === 'removed') {
			stats.removed++;
			stats.deletedWords += words(b.markdown);
		} else if (b.status === 'changed') {
			stats.changed++;
			for (const p of b.parts ?? []) {
				if (p.op === 'ins') stats.insertedWords += words(p.value);
				if (p.op === 'del') stats.deletedWords += words(p.value);
			}
		}
	}
	return { blocks, stats };
}

/** Private-use characters that open and close inserted and deleted runs in `markedSource`. */
export const DIFF_MARKERS = { insOpen: '\uE000', insClose: '\uE001', delOpen: '\uE002', delClose: '\uE003' } as const;
export const DIFF_MARKER_PATTERN = /[\uE000-\uE003]/g;

const LINE_PREFIX = /^(?:[ \t]*(?:(?:[-+*]|\d+[.)])[ \t]+|>[ \t]?|#{1,6}[ \t]+))+/;

/** Markdown of a changed block with markers around each inserted or deleted run, split at line ends and table
 * pipes, and never swallowing a line's block prefix, so the Markdown still parses as the same structure. */
export function markedSource(parts: DiffPart[]): string {
	let out = '';
	for (const part of parts) {
		if (part.op === 'same') {
			out += part.value;
			continue;
		}
		const [open, close] =
			part.op === 'ins' ? [DIFF_MARKERS.insOpen, DIFF_MARKERS.insClose] : [DIFF_MARKERS.delOpen, DIFF_MARKERS.delClose];
		for (const piece of part.value.split(/(\n|(?<!\\)\|)/)) {
			if (piece === '\n' || piece === '|') {
				out += piece;
				continue;
			}
			let text = piece;
			if (out === '' || out.endsWith('\n')) {
				const prefix = LINE_PREFIX.exec(text)?.[0] ?? '';
				out += prefix;
				text = text.slice(prefix.length);
			}
			if (text) out += open + text + close;
		}
	}
	return out;
}
