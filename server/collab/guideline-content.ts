// What a client may put into a guideline room's `content` (the Y.XmlFragment y-tiptap binds the editor to): only
// what the guideline schema knows (src/lib/shared/guideline-schema.ts), so every reader, the publisher and the
// Markdown export can always turn the draft back into a document. Per new struct of an update:
// - in the fragment or an element: XML elements named after a node type of the schema, and XML text;
// - as an element attribute: an attribute of that node type;
// - in XML text: text and formats (marks, under y-tiptap's "name" or "name--hash" keys) of a known mark with known
//   attributes;
// - nothing else (plain values, embeds, maps, arrays, sub-documents).
// Runs inside the write guard on the update's structs before anything is applied; a refusal closes with 4400.
import * as Y from 'yjs';
import { guidelineVocabulary } from '#shared/guideline-schema';
import type { Container, Lookup } from './authorship';

/** y-tiptap stores overlapping marks under "name--<8 base64 chars>". */
const markName = (key: string) => /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key;

/** The shared type a container stands for; the root fragment as 'fragment' (never defined here: no side effects). */
function typeOf(c: Container): Y.AbstractType<unknown> | 'fragment' | null {
	if (c === null) return null;
	if ('root' in c) return 'fragment';
	if ('type' in c) return c.type;
	return c.item.content instanceof Y.ContentType ? (c.item.content.type as Y.AbstractType<unknown>) : null;
}

const quoted = (s: string) => JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);

/** A reason when a new struct of the update (under `content`) is not guideline content; null when it is. */
export function checkContentStruct(s: Y.Item, lookup: Lookup): string | null {
	const { nodes, marks } = guidelineVocabulary();
	const content = s.content;
	if (content instanceof Y.ContentDeleted) return null;
	const parent = typeOf(lookup.containerOf(s));
	if (parent === null) return null; // becomes garbage: nothing lands in the document
	const key = lookup.keyOf(s);
	if (key !== null) {
		if (!(parent instanceof Y.XmlElement)) return 'guideline content takes attributes on elements only';
		const attrs = nodes.get(parent.nodeName);
		return attrs?.has(key) ? null : `a "${parent.nodeName}" has no attribute ${quoted(key)}`;
	}
	if (parent instanceof Y.XmlText) {
		if (content instanceof Y.ContentString) return null;
		if (!(content instanceof Y.ContentFormat)) return 'guideline text holds only text and marks';
		const name = markName(content.key);
		const attrs = marks.get(name);
		if (!attrs) return `the guideline has no mark ${quoted(name)}`;
		const value = content.value as unknown;
		if (value === null) return null; // the end of a formatted range
		if (typeof value !== 'object') return `mark ${quoted(name)} has malformed attributes`;
		const unknown = Object.keys(value).find((a) => !attrs.has(a));
		return unknown === undefined ? null : `mark ${quoted(name)} has no attribute ${quoted(unknown)}`;
	}
	if (!(content instanceof Y.ContentType)) return 'guideline content holds only elements and text';
	const type = content.type;
	if (type instanceof Y.XmlText) return null;
	if (type instanceof Y.XmlElement)
		return nodes.has(type.nodeName) ? null : `the guideline has no node type ${quoted(type.nodeName)}`;
	return 'guideline content holds only elements and text';
}
