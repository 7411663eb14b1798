// Archive imports: a .zip holding `items.jsonl` and the media files it references by relative path. Media are
// hashed and written to the content-addressed store before the items are validated, but they become visible
// only when their media row is recorded, which happens in the import transaction (so a rejected archive
// publishes nothing). Paths are resolved relative to the folder holding items.jsonl; `..` never escapes it.
import { posix } from 'node:path';
import { sniffMime, writeMediaFile } from '../http/media-store';
import { findMediaRefs, MEDIA_URL } from '../domain/media-refs';
import { tempPath } from './spool';
import { ZipError, ZipFile, type ZipEntry } from './zip-reader';

export interface StoredMedia {
	sha256: string;
	mime: string;
	size: number;
}

export interface PreparedArchive {
	/** items.jsonl extracted to a temporary file. */
	itemsPath: string;
	/** Rewrites relative `src` paths of one raw record to /media/<sha256>; returns problems. */
	resolveMedia(raw: unknown): string[];
	/** Media the accepted records referenced (to record in the transaction). */
	referenced(): StoredMedia[];
	has(sha256: string): boolean;
	remove(): void;
}

const IGNORED = /(^|\/)(__MACOSX\/|\.[^/]*$)/;

function itemsEntry(entries: ZipEntry[]): ZipEntry {
	const root = entries.find((e) => e.name === 'items.jsonl');
	if (root) return root;
	const nested = entries.filter((e) => /^[^/]+\/items\.jsonl$/.test(e.name) && !IGNORED.test(e.name));
	if (nested.length === 1) return nested[0];
	throw new ZipError('The archive needs an items.jsonl at its top level (or in its single top folder)');
}

/** The archive path a relative reference points at, or null when it leaves the archive folder. */
export function resolvePath(base: string, src: string): string | null {
	if (src.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(src)) return null;
	const joined = posix.normalize(posix.join(base, src.replaceAll('\\', '/')));
	return joined.startsWith('..') || (base && !joined.startsWith(base + '/')) ? null : joined;
}

export async function prepareArchive(zipPath: string, dataDir: string, limits: { maxMediaBytes: number; maxItemsBytes: number }): Promise<PreparedArchive> {
	const zip = new ZipFile(zipPath);
	const itemsFile = tempPath(dataDir, 'jsonl');
	try {
		const itemsAt = itemsEntry(zip.entries);
		const base = posix.dirname(itemsAt.name) === '.' ? '' : posix.dirname(itemsAt.name);
		const media = new Map<string, StoredMedia | { unsupported: true }>();
		for (const entry of zip.entries) {
			if (entry === itemsAt || entry.name.endsWith('/') || IGNORED.test(entry.name)) continue;
			if (base && !entry.name.startsWith(base + '/')) continue;
			const bytes = zip.read(entry, limits.maxMediaBytes);
			const mime = sniffMime(bytes);
			media.set(entry.name, mime ? writeMediaFile(dataDir, bytes, mime) : { unsupported: true });
		}
		await zip.extractTo(itemsAt, itemsFile.path, limits.maxItemsBytes);
		const used = new Map<string, StoredMedia>();
		const stored = new Set([...media.values()].flatMap((m) => ('sha256' in m ? [m.sha256] : [])));
		return {
			itemsPath: itemsFile.path,
			has: (sha) => stored.has(sha),
			referenced: () => [...used.values()],
			remove: itemsFile.remove,
			resolveMedia(raw) {
				const payload = typeof raw === 'object' && raw !== null ? (raw as { payload?: unknown }).payload : undefined;
				const problems: string[] = [];
				for (const { path, ref } of findMediaRefs(payload)) {
					if (MEDIA_URL.test(ref.src)) continue;
					const name = resolvePath(base, ref.src);
					const file = name === null ? undefined : media.get(name);
					if (!file) problems.push(`${path}.src: "${ref.src}" is not a file in the archive`);
					else if (!('sha256' in file)) problems.push(`${path}.src: "${ref.src}" is not a supported media type (PNG, JPEG, GIF, WebP, MP4, WebM, WAV, OGG, MP3)`);
					else {
						ref.src = `/media/${file.sha256}`;
						ref.mime ??= file.mime;
						used.set(file.sha256, file);
					}
				}
				return problems;
			}
		};
	} catch (err) {
		itemsFile.remove();
		throw err;
	} finally {
		zip.close();
	}
}
