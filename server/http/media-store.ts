// Content-addressed media on disk under DATA_DIR/media/<sha256>. Only known image, video and audio types are
// accepted, and the declared type must match the file's magic bytes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDeps } from './env';
import { Validation } from '../domain/errors';
import { recordMedia } from '../db/items';

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

export function storeMedia(deps: Pick<AppDeps, 'db' | 'config'>, bytes: Uint8Array, declared: string) {
	if (!bytes.length) throw Validation('The file is empty');
	const mime = sniffMime(bytes);
	if (!mime) throw Validation('Unsupported file type: upload PNG, JPEG, GIF, WebP, MP4, WebM, WAV, OGG or MP3');
	const base = declared.split(';')[0].trim();
	if (base && base !== 'application/octet-stream' && base !== mime) throw Validation(`The file is ${mime}, not ${base}`);
	const stored = writeMediaFile(deps.config.dataDir, bytes, mime);
	recordMedia(deps.db, stored.sha256, mime, bytes.length);
	return { src: `/media/${stored.sha256}`, ...stored };
}

/**
 * Writes the bytes under their sha256 (atomically, once) without recording them: a file without a media row is
 * never served, so archive imports write first and record the row in the import's own transaction.
 */
export function writeMediaFile(dataDir: string, bytes: Uint8Array, mime: string) {
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const dir = mediaDir(dataDir);
	mkdirSync(dir, { recursive: true });
	const path = join(dir, sha256);
	if (!existsSync(path)) {
		writeFileSync(path + '.tmp', bytes);
		renameSync(path + '.tmp', path);
	}
	return { sha256, mime, size: bytes.length };
}

export function readMedia(dataDir: string, sha256: string): Buffer | null {
	const path = join(mediaDir(dataDir), sha256);
	return existsSync(path) ? readFileSync(path) : null;
}
