// Guideline rules (pure): what may be published, which earlier evaluations a version touches, whether work was
// done under an outdated version (guidelineIsOutdated), and the draft's
// conversion between the room's `content` Y.XmlFragment and ProseMirror JSON (done with the shared TipTap
// schema, no DOM). A version is a frozen copy: once published it never changes, whatever the room does.
// Reading a draft never fails on content the schema does not know (the collab server refuses it when written, but a
// room may hold older updates): unknown nodes, marks and attributes and blocks the schema rejects are left out and
// listed in `dropped`, for the caller to log.
import type * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { ROOM_KEYS } from '#shared/rooms';
import type { Node as PmModelNode } from '@tiptap/pm/model';
import { guidelineSchema, guidelineVocabulary } from '#shared/guideline-schema';
import { docToMarkdown, nodeText } from '#shared/doc-markdown';
import type { PmNode } from '#shared/markdown-doc';
import { GUIDELINE_STATE } from '#shared/guideline';
import { Conflict, Validation } from './errors';
import { can, type Actor } from './permissions';

export interface FrozenDraft {
	content: PmNode;
	markdown: string;
	/** What was left out because the schema does not know it ("node foo", "mark bar", "attribute x of image", "block 3"). */
	dropped: string[];
}

/** Reads the draft from a guideline room, normalised through the schema (what a reader of the version sees). */
export function readDraft(doc: Y.Doc): FrozenDraft {
	const raw = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(ROOM_KEYS.content)) as PmNode;
	const dropped: string[] = [];
	const known = knownOnly(raw, dropped);
	const blocks: PmNode[] = [];
	(known?.content ?? []).forEach((block, i) => {
		const node = checked(block);
		if (node) blocks.push(node);
		else dropped.push(`block ${i + 1} (${block.type})`);
	});
	const content: PmNode = { type: 'doc', content: blocks };
	return { content, markdown: docToMarkdown(content), dropped };
}

/** The node with unknown nodes, marks and attributes removed (null when the node itself is unknown). */
function knownOnly(node: PmNode, dropped: string[]): PmNode | null {
	const { nodes, marks } = guidelineVocabulary();
	if (node.type !== 'doc' && node.type !== 'text' && !nodes.has(node.type)) {
		dropped.push(`node ${node.type}`);
		return null;
	}
	const out: PmNode = { type: node.type };
	if (node.text !== undefined) out.text = node.text;
	if (node.attrs) out.attrs = pick(node.attrs, nodes.get(node.type), `of ${node.type}`, dropped);
	if (node.marks) {
		out.marks = node.marks.flatMap((m) => {
			if (!marks.has(m.type)) return (dropped.push(`mark ${m.type}`), []);
			return [
				m.attrs
					? { type: m.type, attrs: pick(m.attrs, marks.get(m.type), `of mark ${m.type}`, dropped) }
					: { type: m.type }
			];
		});
	}
	if (node.content) out.content = node.content.map((c) => knownOnly(c, dropped)).filter((c): c is PmNode => c !== null);
	return out;
}

function pick(
	attrs: Record<string, unknown>,
	allowed: ReadonlySet<string> | undefined,
	where: string,
	dropped: string[]
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(attrs)) {
		if (allowed?.has(k)) out[k] = v;
		else dropped.push(`attribute ${k} ${where}`);
	}
	return out;
}

/** A top-level block as the schema builds and checks it, or null when it rejects it (bad nesting, bad values). */
function checked(block: PmNode): PmNode | null {
	try {
		const node: PmModelNode = guidelineSchema().nodeFromJSON(block);
		node.check();
		return node.isBlock ? (node.toJSON() as PmNode) : null;
	} catch {
		return null;
	}
}

/** Fills an empty, never-seeded draft with a published version's content; returns whether it did. */
export function seedDraft(doc: Y.Doc, version: { number: number; content: unknown }): boolean {
	const fragment = doc.getXmlFragment(ROOM_KEYS.content);
	const state = doc.getMap(ROOM_KEYS.state);
	if (fragment.length > 0 || state.has(GUIDELINE_STATE.seededFrom)) return false;
	doc.transact(() => {
		prosemirrorJSONToYXmlFragment(guidelineSchema(), version.content, fragment);
		state.set(GUIDELINE_STATE.seededFrom, version.number);
	});
	return true;
}

/** Refuses an empty draft and one identical to the latest version (nothing to publish). */
export function assertPublishable(draft: FrozenDraft, latest: { number: number; markdown: string } | null): void {
	if (!nodeText(draft.content).trim() && !draft.markdown.trim())
		throw Validation('The draft is empty; write the guideline before publishing');
	if (latest && latest.markdown === draft.markdown)
		throw Conflict(`The draft is the same as version ${latest.number}; change it before publishing`);
}

/** Whether publishing also records the publisher's acknowledgement of the new version: she wrote and read what she
 * publishes, so she is never asked to acknowledge it (nor notified of it). Only roles that acknowledge at all do. */
export function publisherAcknowledges(publisher: Actor): boolean {
	return can(publisher, 'guideline.acknowledge');
}

export function nextVersionNumber(latest: number | null): number {
	return (latest ?? 0) + 1;
}

/** Dimensions named in a publication must exist in one of the project's rubrics. */
export function assertKnownDimensions(dimensions: readonly string[], known: ReadonlySet<string>): void {
	const unknown = dimensions.filter((d) => !known.has(d));
	if (unknown.length)
		throw Validation(
			'Unknown rubric dimensions',
			unknown.map((d) => ({ path: 'dimensions', message: `${d} is not a dimension of this project's rubrics` }))
		);
}

/** The touched dimensions an evaluation actually scored (an evaluation is affected when this is not empty). */
export function touchedDimensions(versionDimensions: readonly string[], scores: Record<string, unknown>): string[] {
	return versionDimensions.filter((d) => d in scores && scores[d] !== null && scores[d] !== undefined);
}

/** A guideline version as work is stamped with it: its id and number (null: none given, or one no longer known). */
export interface GuidelineStamp {
	id: string;
	number: number | null;
}

/**
 * Whether work stamped with `given` (e.g. a judge's scores) was made under an older guideline than the project's
 * `current` published version: the one rule behind the "outdated guideline" flag. Nothing is outdated while the
 * project has no published version; work given no guideline (or one no longer known) is behind any published one.
 */
export function guidelineIsOutdated(given: GuidelineStamp, current: { id: string; number: number } | null): boolean {
	if (!current || given.id === current.id) return false;
	return (given.number ?? 0) < current.number;
}
