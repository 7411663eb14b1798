// Content-addressed media on disk under DATA_DIR/media/<sha256>. Only known image, video and audio types are
// accepted, and the declared type must match the file's magic bytes. Files enter the store atomically (written
// aside, then renamed); a file without a media row is never served. An archive import puts its staged files in
// place only after validating everything, and takes back the ones it created if its transaction fails.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDeps } from '../deps';
import { tx, type Db } from './client';
import { Validation } from '../domain/errors';
import { getMedia, recordMedia, recordUpload } from './media';

const SIGNATURES: { mime: string; test: (b: Uint8Array) => boolean }[] = [
	{ mime: 'image/png', test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
	{ mime: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
	{ mime: 'image/gif', test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 },
	{ mime: 'image/webp', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
	{ mime: 'video/mp4', test: (b) => ascii(b, 4, 8) === 'ftyp' },
	{ mime: 'video/webm', test: (b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3 },
	{ mime: 'audio/wav', test: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WAVE' },
	{ mime: 'audio/ogg', test: (b) => ascii(b, 0, 4) === 'OggS' },
	{ mime: 'audio/mpeg', test: (b) => ascii(b, 0, 3) === 'ID3' || (b[0] === 0xff && (b[1] & 0xe0) === 0xe0) }
];

function ascii(b: Uint8Array, from: number, to: number): string {
	return String.fromCharCode(...b.subarray(from, to));
}

export function sniffMime(bytes: Uint8Array): string | null {
	return SIGNATURES.find((s) => s.test(bytes))?.mime ?? null;
}

export function mediaDir(dataDir: string): string {
	return join(dataDir, 'media');
}

export function mediaPath(dataDir: string, sha256: string): string {
	return join(mediaDir(dataDir), sha256);
}

/** Stores an upload and records who uploaded it (the uploader may fetch it before any item references it). */
export async function storeMedia(
	deps: Pick<AppDeps, 'db' | 'config'>,
	bytes: Uint8Array,
	declared: string,
	uploaderId: string
): Promise<{ src: string; sha256: string; mime: string; size: number }> {
	if (!bytes.length) throw Validation('The file is empty');
	const mime = sniffMime(bytes);
	if (!mime) throw Validation('Unsupported file type: upload PNG, JPEG, GIF, WebP, MP4, WebM, WAV, OGG or MP3');
	const base = declared.split(';')[0].trim();
	if (base && base !== 'application/octet-stream' && base !== mime)
		throw Validation(`The file is ${mime}, not ${base}`);
	const stored = writeMediaFile(deps.config.dataDir, bytes, mime);
	await tx(deps.db, async (t) => {
		await recordMedia(t, stored.sha256, mime, bytes.length);
		await recordUpload(t, stored.sha256, uploaderId);
	});
	return { src: `/media/${stored.sha256}`, ...stored };
}

/** Writes the bytes under their sha256 (atomically, once) without recording them. */
function writeMediaFile(dataDir: string, bytes: Uint8Array, mime: string) {
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	mkdirSync(mediaDir(dataDir), { recursive: true });
	const path = mediaPath(dataDir, sha256);
	if (!existsSync(path)) {
		writeFileSync(path + '.tmp', bytes);
		renameSync(path + '.tmp', path);
	}
	return { sha256, mime, size: bytes.length };
}

/** Paths held by running archive imports (one process serves all requests): never removed while held. */
const held = new Map<string, number>();

/**
 * Staged files an archive import moves into the store. `settle` ends it: files this publication created are
 * removed again unless `keep` says they are recorded (or another import still holds them).
 */
export class MediaPublication {
	#held: string[] = [];
	#created: { path: string; sha256: string }[] = [];

	constructor(private readonly dataDir: string) {}

	/** Moves a staged file (same filesystem, under DATA_DIR/tmp) into the store unless it is there already. */
	add(stagedPath: string, sha256: string): void {
		mkdirSync(mediaDir(this.dataDir), { recursive: true });
		const path = mediaPath(this.dataDir, sha256);
		held.set(path, (held.get(path) ?? 0) + 1);
		this.#held.push(path);
		if (existsSync(path)) return;
		renameSync(stagedPath, path);
		this.#created.push({ path, sha256 });
	}

	/** The sha256 of each file this publication moved into the store (not those that were there already). */
	get created(): string[] {
		return this.#created.map((c) => c.sha256);
	}

	settle(keep: (sha256: string) => boolean): void {
		for (const { path, sha256 } of this.#created)
			if (held.get(path) === 1 && !keep(sha256)) rmSync(path, { force: true });
		for (const path of this.#held) {
			const n = (held.get(path) ?? 1) - 1;
			if (n > 0) held.set(path, n);
			else held.delete(path);
		}
		this.#held = [];
		this.#created = [];
	}
}

/**
 * Settles the publication of an import that failed: of the files it created, keeps those a media row records
 * (another import recorded the same file meanwhile) and removes the rest.
 */
export async function settleFailedPublication(db: Db, publication: MediaPublication): Promise<void> {
	const recorded = new Set<string>();
	for (const sha256 of publication.created) if ((await getMedia(db, sha256)) !== undefined) recorded.add(sha256);
	publication.settle((sha256) => recorded.has(sha256));
}
