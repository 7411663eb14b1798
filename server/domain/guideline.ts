// Guideline rules (pure): what may be published, which earlier evaluations a version touches, and the draft's
// conversion between the room's `content` Y.XmlFragment and ProseMirror JSON (done with the shared TipTap
// schema, no DOM). A version is a frozen copy: once published it never changes, whatever the room does.
import type * as Y from 'yjs';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { ROOM_KEYS } from '#shared/rooms';
import { guidelineSchema } from '#shared/guideline-schema';
import { docToMarkdown, nodeText } from '#shared/doc-markdown';
import type { PmNode } from '#shared/markdown-doc';
import { GUIDELINE_STATE } from '#shared/guideline';
import { Conflict, Validation } from './errors';

export interface FrozenDraft {
	content: PmNode;
	markdown: string;
}

/** Reads the draft from a guideline room, normalised through the schema (what a reader of the version sees). */
export function readDraft(doc: Y.Doc): FrozenDraft {
	const raw = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(ROOM_KEYS.content)) as PmNode;
	const content = raw.content?.length ? (guidelineSchema().nodeFromJSON(raw).toJSON() as PmNode) : { type: 'doc', content: [] };
	return { content, markdown: docToMarkdown(content) };
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
	if (!nodeText(draft.content).trim() && !draft.markdown.trim()) throw Validation('The draft is empty; write the guideline before publishing');
	if (latest && latest.markdown === draft.markdown) throw Conflict(`The draft is the same as version ${latest.number}; change it before publishing`);
}

export function nextVersionNumber(latest: number | null): number {
	return (latest ?? 0) + 1;
}

/** Dimensions named in a publication must exist in one of the project's rubrics. */
export function assertKnownDimensions(dimensions: readonly string[], known: ReadonlySet<string>): void {
	const unknown = dimensions.filter((d) => !known.has(d));
	if (unknown.length) throw Validation('Unknown rubric dimensions', unknown.map((d) => ({ path: 'dimensions', message: `${d} is not a dimension of this project's rubrics` })));
}

/** The touched dimensions an evaluation actually scored (an evaluation is affected when this is not empty). */
export function touchedDimensions(versionDimensions: readonly string[], scores: Record<string, unknown>): string[] {
	return versionDimensions.filter((d) => d in scores && scores[d] !== null && scores[d] !== undefined);
}
