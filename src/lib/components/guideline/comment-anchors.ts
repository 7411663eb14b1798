// Comments anchored to guideline text: an anchor holds Yjs relative positions of the quoted range (so it follows
// concurrent edits) plus the quote itself as a fallback, and a TipTap extension highlights the anchored ranges.
// Positions are mapped through the editor's Yjs binding (@tiptap/y-tiptap), so this works only on an editor
// bound with the Collaboration extension.
import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import {
	absolutePositionToRelativePosition,
	relativePositionToAbsolutePosition,
	ySyncPluginKey
} from '@tiptap/y-tiptap';
import * as Y from 'yjs';

export interface TextAnchor {
	/** Y.RelativePosition JSON of the range start and end. */
	from: unknown;
	to: unknown;
	quote: string;
}

export interface Highlight {
	id: string;
	from: number;
	to: number;
	active: boolean;
}

const key = new PluginKey<DecorationSet>('commentAnchors');

/** Highlights anchored ranges; set them with `setHighlights(editor, list)`. */
export const CommentAnchors = Extension.create<{ onClick?: (id: string) => void }>({
	name: 'commentAnchors',
	addOptions() {
		return { onClick: undefined };
	},
	addProseMirrorPlugins() {
		const onClick = this.options.onClick;
		return [
			new Plugin<DecorationSet>({
				key,
				state: {
					init: () => DecorationSet.empty,
					apply: (tr, set) => {
						const next = tr.getMeta(key) as Highlight[] | undefined;
						if (next)
							return DecorationSet.create(
								tr.doc,
								next.map((h) =>
									Decoration.inline(
										h.from,
										h.to,
										{ class: h.active ? 'comment-anchor active' : 'comment-anchor' },
										{ id: h.id }
									)
								)
							);
						return set.map(tr.mapping, tr.doc);
					}
				},
				props: {
					decorations: (state) => key.getState(state),
					handleClick: (view, pos) => {
						const hit = key.getState(view.state)?.find(pos, pos)[0];
						if (hit && onClick) onClick(String((hit.spec as { id: string }).id));
						return false;
					}
				}
			})
		];
	}
});

export function setHighlights(editor: Editor, highlights: Highlight[]): void {
	editor.view.dispatch(editor.state.tr.setMeta(key, highlights).setMeta('addToHistory', false));
}

function binding(editor: Editor) {
	const y = ySyncPluginKey.getState(editor.state) as
		{ doc: Y.Doc; type: Y.XmlFragment; binding: { mapping: Map<unknown, unknown> } } | undefined;
	if (!y) throw new Error('The editor is not bound to a Yjs document');
	return y;
}

/** An anchor for a document range (by default the editor's selection), or null when it is empty. */
export function anchorRange(
	editor: Editor,
	from = editor.state.selection.from,
	to = editor.state.selection.to
): TextAnchor | null {
	if (to <= from) return null;
	const y = binding(editor);
	// y-tiptap declares its answer as `any`; it is a Y.RelativePosition.
	const relative = (pos: number) =>
		absolutePositionToRelativePosition(pos, y.type, y.binding.mapping as never) as Y.RelativePosition;
	return {
		from: Y.relativePositionToJSON(relative(from)),
		to: Y.relativePositionToJSON(relative(to)),
		quote: editor.state.doc.textBetween(from, to, ' ').slice(0, 500)
	};
}

/** The range of the browser's text selection inside the editor (works on read-only editors too), or null. */
export function domSelectionRange(editor: Editor): { from: number; to: number } | null {
	const sel = window.getSelection();
	if (!sel || sel.isCollapsed || !sel.anchorNode || !sel.focusNode) return null;
	const root = editor.view.dom;
	if (!root.contains(sel.anchorNode) || !root.contains(sel.focusNode)) return null;
	try {
		const a = editor.view.posAtDOM(sel.anchorNode, sel.anchorOffset);
		const b = editor.view.posAtDOM(sel.focusNode, sel.focusOffset);
		return a === b ? null : { from: Math.min(a, b), to: Math.max(a, b) };
	} catch {
		return null;
	}
}

/** Where an anchor is now: its relative positions, else the first occurrence of its quote, else null. */
export function resolveAnchor(editor: Editor, anchor: TextAnchor): { from: number; to: number } | null {
	const y = binding(editor);
	try {
		const from = relativePositionToAbsolutePosition(
			y.doc,
			y.type,
			Y.createRelativePositionFromJSON(anchor.from),
			y.binding.mapping as never
		);
		const to = relativePositionToAbsolutePosition(
			y.doc,
			y.type,
			Y.createRelativePositionFromJSON(anchor.to),
			y.binding.mapping as never
		);
		if (from !== null && to !== null && to > from) return { from, to };
	} catch {
		// Malformed or foreign position: fall back to the quote below.
	}
	if (!anchor.quote) return null;
	let found: { from: number; to: number } | null = null;
	editor.state.doc.descendants((node, pos) => {
		if (found || !node.isText || !node.text) return !found;
		const i = node.text.indexOf(anchor.quote);
		if (i >= 0) found = { from: pos + i, to: pos + i + anchor.quote.length };
		return false;
	});
	return found;
}
