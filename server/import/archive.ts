// Archive imports: a .zip holding `items.jsonl` and the media files it references by relative path. Nothing
// reaches the media store before the whole archive is validated: its directory against the limits (entry count,
// sizes, total, ratio; see domain/archive-limits), then every entry inflated as a stream into a staging folder
// under DATA_DIR/tmp (hashed and type-sniffed on the way), then every record. Only then does `publish` move the
// referenced files into the store; the staging folder is always removed. Paths are resolved relative to the
// folder holding items.jsonl; `..` never escapes it.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaPublication, sniffMime } from '../db/media-store';
import { findMediaRefs, MEDIA_URL } from '../domain/media-refs';
import { archiveProblem, type ArchiveLimits } from '../domain/archive-limits';
import { tempPath } from './spool';
import { openZip, ZipError, type ZipArchive, type ZipEntry } from './zip-archive';

export interface StoredMedia {
	sha256: string;
	mime: string;
	size: number;
}

interface StagedMedia extends StoredMedia {
	stagedPath: string;
}

export interface PreparedArchive {
	/** items.jsonl extracted to the staging folder. */
	itemsPath: string;
	/** Rewrites relative `src` paths of one raw record to /media/<sha256>; returns problems. */
	resolveMedia: (raw: unknown) => string[];
	/** Media the accepted records referenced (to record in the transaction). */
	referenced(): StoredMedia[];
	has(sha256: string): boolean;
	/**
	 * Moves the media that resolveMedia has resolved so far into the store: call it after every record has been
	 * validated (the dry run). Settle the result when the import has committed or failed.
	 */
	publish(): MediaPublication;
	/** Removes the staging folder (never throws). */
	remove(): void;
}

const IGNORED = /(^|\/)(__MACOSX\/|\.[^/]*$)/;
const SNIFF_BYTES = 16;

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

class UnsupportedType extends Error {}

/**
 * Inflates one entry into `dest` as a stream, hashing it. With `sniff`, the type is read from the first bytes and
 * an entry of no supported media type is abandoned there (null), without inflating the rest.
 */
async function stage(
	zip: ZipArchive,
	entry: ZipEntry,
	dest: string,
	sniff: boolean
): Promise<{ sha256: string; size: number; mime: string | null } | null> {
	const hash = createHash('sha256');
	let head = Buffer.alloc(0);
	let mime: string | null = null;
	let size = 0;
	const sniffed = (): boolean => {
		mime = sniffMime(head);
		return mime !== null;
	};
	const observe = new Transform({
		transform(chunk: Buffer, _enc, done) {
			if (sniff && head.length < SNIFF_BYTES) {
				head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
				if (head.length === SNIFF_BYTES && !sniffed()) return done(new UnsupportedType());
			}
			hash.update(chunk);
			size += chunk.length;
			done(null, chunk);
		},
		flush(done) {
			done(sniff && head.length < SNIFF_BYTES && !sniffed() ? new UnsupportedType() : null);
		}
	});
	try {
		await pipeline(await zip.open(entry), observe, createWriteStream(dest));
	} catch (err) {
		if (err instanceof UnsupportedType) {
			rmSync(dest, { force: true });
			return null;
		}
		throw err instanceof ZipError ? err : new ZipError(`${entry.name} could not be decompressed (damaged archive)`);
	}
	return { sha256: hash.digest('hex'), size, mime };
}

export async function prepareArchive(
	zipPath: string,
	dataDir: string,
	limits: ArchiveLimits
): Promise<PreparedArchive> {
	const staging = tempPath(dataDir, 'archive');
	const remove = () => rmSync(staging.path, { recursive: true, force: true });
	const zip = await openZip(zipPath, limits);
	try {
		const itemsAt = itemsEntry(zip.entries);
		const problem = archiveProblem(zip.entries, itemsAt.name, limits);
		if (problem) throw new ZipError(problem);
		mkdirSync(staging.path);
		const itemsPath = join(staging.path, 'items.jsonl');
		await stage(zip, itemsAt, itemsPath, false);
		const base = posix.dirname(itemsAt.name) === '.' ? '' : posix.dirname(itemsAt.name);
		const media = new Map<string, StagedMedia | { unsupported: true }>();
		for (const [i, entry] of zip.entries.entries()) {
			if (entry === itemsAt || entry.name.endsWith('/') || IGNORED.test(entry.name)) continue;
			if (base && !entry.name.startsWith(base + '/')) continue;
			const stagedPath = join(staging.path, String(i));
			const staged = await stage(zip, entry, stagedPath, true);
			media.set(
				entry.name,
				staged?.mime
					? { sha256: staged.sha256, mime: staged.mime, size: staged.size, stagedPath }
					: { unsupported: true }
			);
		}
		const used = new Map<string, StagedMedia>();
		const stored = new Set([...media.values()].flatMap((m) => ('sha256' in m ? [m.sha256] : [])));
		return {
			itemsPath,
			has: (sha) => stored.has(sha),
			referenced: () => [...used.values()].map(({ sha256, mime, size }) => ({ sha256, mime, size })),
			remove,
			publish() {
				const publication = new MediaPublication(dataDir);
				try {
					for (const m of used.values()) publication.add(m.stagedPath, m.sha256);
				} catch (err) {
					publication.settle(() => false);
					throw err;
				}
				return publication;
			},
			resolveMedia(raw) {
				const payload = typeof raw === 'object' && raw !== null ? (raw as { payload?: unknown }).payload : undefined;
				const problems: string[] = [];
				for (const { path, ref } of findMediaRefs(payload)) {
					if (MEDIA_URL.test(ref.src)) continue;
					const name = resolvePath(base, ref.src);
					const file = name === null ? undefined : media.get(name);
					if (!file) problems.push(`${path}.src: "${ref.src}" is not a file in the archive`);
					else if (!('sha256' in file))
						problems.push(
							`${path}.src: "${ref.src}" is not a supported media type (PNG, JPEG, GIF, WebP, MP4, WebM, WAV, OGG, MP3)`
						);
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
		remove();
		throw err;
	} finally {
		zip.close();
	}
}
