// The guideline document schema: one list of TipTap extensions used by the browser editor and by the server
// (which builds the ProseMirror schema with getSchema to seed and read the `content` Y.XmlFragment without a DOM).
// Everything in it can be written as Markdown (see doc-markdown.ts): no underline, no colours, no merged cells.
// Extensions that write to the document on their own (trailing node) are left out, so a read-only viewer bound
// to the room never produces a `content` update.
import { getSchema, mergeAttributes, Node, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { TableKit } from '@tiptap/extension-table';
import Image from '@tiptap/extension-image';

type ExampleKind = 'good' | 'bad';

interface ExampleOptions {
	/** Labels shown above the block (the browser passes translated ones). */
	labels: Record<ExampleKind, string>;
}

declare module '@tiptap/core' {
	interface Commands<ReturnType> {
		example: {
			/** Wraps the selected blocks in a good or bad output example (or changes its kind). */
			setExample: (kind: ExampleKind) => ReturnType;
			/** Lifts the selected blocks out of the example. */
			unsetExample: () => ReturnType;
		};
	}
}

/** A good/bad output example: a block container with a `kind` attribute, written in Markdown as `> [!GOOD]`. */
const Example = Node.create<ExampleOptions>({
	name: 'example',
	group: 'block',
	content: 'block+',
	defining: true,
	addOptions() {
		return { labels: { good: 'Good example', bad: 'Bad example' } };
	},
	addAttributes() {
		return {
			kind: {
				default: 'good',
				parseHTML: (el) => (el.getAttribute('data-example') === 'bad' ? 'bad' : 'good'),
				renderHTML: (attrs) => ({ 'data-example': attrs.kind === 'bad' ? 'bad' : 'good' })
			}
		};
	},
	parseHTML() {
		return [{ tag: 'div[data-example]' }];
	},
	renderHTML({ node, HTMLAttributes }) {
		const kind: ExampleKind = node.attrs.kind === 'bad' ? 'bad' : 'good';
		return [
			'div',
			mergeAttributes(HTMLAttributes, { class: `guideline-example ${kind}`, 'data-label': this.options.labels[kind] }),
			0
		];
	},
	addCommands() {
		return {
			setExample:
				(kind) =>
				({ editor, commands }) => {
					if (editor.isActive(this.name)) return commands.updateAttributes(this.name, { kind });
					return commands.wrapIn(this.name, { kind });
				},
			unsetExample:
				() =>
				({ commands }) =>
					commands.lift(this.name)
		};
	}
});

export interface GuidelineExtensionOptions {
	exampleLabels?: Record<ExampleKind, string>;
}

/** The node and mark extensions of a guideline document (no collaboration, no placeholder: the caller adds those). */
export function guidelineExtensions(opts: GuidelineExtensionOptions = {}): AnyExtension[] {
	return [
		StarterKit.configure({
			undoRedo: false,
			trailingNode: false,
			underline: false,
			heading: { levels: [1, 2, 3, 4] },
			link: { openOnClick: false, autolink: true, defaultProtocol: 'https' }
		}),
		TableKit.configure({ table: { resizable: false } }),
		Image.configure({ inline: false, allowBase64: false }),
		opts.exampleLabels ? Example.configure({ labels: opts.exampleLabels }) : Example
	];
}

let cached: Schema | null = null;

/** The ProseMirror schema of guideline documents (built once). */
export function guidelineSchema(): Schema {
	cached ??= getSchema(guidelineExtensions());
	return cached;
}

/** Node types (other than `doc` and `text`, which y-tiptap never writes as elements) and marks, each with its attribute names. */
export interface GuidelineVocabulary {
	nodes: ReadonlyMap<string, ReadonlySet<string>>;
	marks: ReadonlyMap<string, ReadonlySet<string>>;
}

let vocabulary: GuidelineVocabulary | null = null;

/** What a guideline document may contain, from the schema: the one list the collab server checks drafts against. */
export function guidelineVocabulary(): GuidelineVocabulary {
	if (vocabulary) return vocabulary;
	const schema = guidelineSchema();
	const nodes = new Map<string, ReadonlySet<string>>();
	for (const [name, type] of Object.entries(schema.nodes))
		if (name !== 'doc' && name !== 'text') nodes.set(name, new Set(Object.keys(type.spec.attrs ?? {})));
	const marks = new Map<string, ReadonlySet<string>>();
	for (const [name, type] of Object.entries(schema.marks)) marks.set(name, new Set(Object.keys(type.spec.attrs ?? {})));
	vocabulary = { nodes, marks };
	return vocabulary;
}
