// Validates import records (JSONL lines, CSV rows, Label Studio tasks) one at a time into item inputs. The only
// whole-file state is the set of explicit external ids seen (to report repeats), so memory stays bounded by
// the number of items, never by their payloads. Every bad record becomes a problem with its line; the caller
// imports nothing when there is any. Items without an external id get one derived from a hash of their content,
// so importing the same file twice never duplicates items.
import { createHash } from 'node:crypto';
import { itemInputSchema, type ItemInput } from '#shared/items';
import { findMediaRefs, MEDIA_URL } from './media-refs';
import type { LineProblem } from '#shared/imports';

export type { LineProblem };

/** The error response lists at most this many problems; the message still gives the full count. */
export const MAX_LISTED_PROBLEMS = 1000;

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
	return issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
}

/** JSON with object keys sorted at every depth, so equal content always serialises the same way. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (typeof value === 'object' && value !== null) {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** A stable external id from what the item is (modality, language, payload), e.g. `sha256:3f2a…` (32 hex). */
export function contentExternalId(item: Pick<ItemInput, 'modality' | 'language' | 'payload'>): string {
	const digest = createHash('sha256')
		.update(canonicalJson([item.modality, item.language, item.payload]))
		.digest('hex');
	return `sha256:${digest.slice(0, 32)}`;
}

export interface BatchOptions {
	/** Rewrites archive-relative media paths in a raw record before validation; returns problems. */
	resolveMedia?: (raw: unknown) => string[];
	/** Whether a file is in the media store (references must point at stored media). */
	mediaExists?: (sha256: string) => boolean;
}

export class ImportBatch {
	readonly problems: LineProblem[] = [];
	badLines = 0;
	accepted = 0;
	/** Records whose content repeats an earlier record of the same file (same derived id); skipped. */
	repeats = 0;
	#explicit = new Map<string, number>();
	#derived = new Set<string>();

	constructor(private readonly options: BatchOptions = {}) {}

	get ok(): boolean {
		return this.badLines === 0;
	}

	fail(line: number, message: string): void {
		this.badLines++;
		if (this.problems.length < MAX_LISTED_PROBLEMS) this.problems.push({ line, message });
	}

	/** Validates one record; returns the item to insert, or null when it is bad (recorded) or a repeat. */
	add(line: number, raw: unknown): ItemInput | null {
		const resolveProblems = this.options.resolveMedia?.(raw) ?? [];
		if (resolveProblems.length) {
			this.fail(line, resolveProblems.join('; '));
			return null;
		}
		const parsed = itemInputSchema.safeParse(raw);
		if (!parsed.success) {
			this.fail(line, describeIssues(parsed.error.issues));
			return null;
		}
		const item = parsed.data;
		const missing = this.#missingMedia(item.payload);
		if (missing.length) {
			this.fail(line, missing.join('; '));
			return null;
		}
		if (item.externalId !== undefined) {
			const first = this.#explicit.get(item.externalId);
			if (first !== undefined) {
				this.fail(line, `externalId "${item.externalId}" repeats line ${first}`);
				return null;
			}
			this.#explicit.set(item.externalId, line);
		} else {
			item.externalId = contentExternalId(item);
			if (this.#derived.has(item.externalId)) {
				this.repeats++;
				return null;
			}
			this.#derived.add(item.externalId);
		}
		this.accepted++;
		return item;
	}

	/** The problems when nothing valid was found at all. */
	finish(): void {
		if (this.ok && this.accepted === 0 && this.repeats === 0) this.fail(0, 'The file holds no items');
	}

	#missingMedia(payload: unknown): string[] {
		const exists = this.options.mediaExists;
		if (!exists) return [];
		return findMediaRefs(payload)
			.filter(({ ref }) => {
				const sha = MEDIA_URL.exec(ref.src)?.[1];
				return sha !== undefined && !exists(sha);
			})
			.map(({ path, ref }) => `${path}.src: ${ref.src} is not in this server's media store`);
	}
}

/** Parses one JSONL line: null for a blank line (skipped), else the value or why it is not JSON. */
export function jsonlRecord(text: string): { ok: true; value: unknown } | { ok: false; message: string } | null {
	const trimmed = text.trim();
	if (!trimmed) return null;
	try {
		return { ok: true, value: JSON.parse(trimmed) };
	} catch (err) {
		return { ok: false, message: `not valid JSON (${err instanceof SyntaxError ? err.message : 'parse error'})` };
	}
}
