// Streams a request body to a temporary file under DATA_DIR/tmp with a size limit, so an import of any size
// holds only one chunk in memory. The caller removes the file when done (remove() never throws); what a crashed
// process left behind is swept at the next start (sweepTemp).
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError, Validation } from '../domain/errors';
import { newId } from '../domain/ids';
import { mediaDir } from '../db/media-store';

export interface TempFile {
	path: string;
	size: number;
	remove: () => void;
}

const tempDir = (dataDir: string) => join(dataDir, 'tmp');

export type TempPath = Pick<TempFile, 'path' | 'remove'>;

export function tempPath(dataDir: string, suffix: string): TempPath {
	const dir = tempDir(dataDir);
	mkdirSync(dir, { recursive: true });
	const path = join(dir, `${newId()}.${suffix}`);
	return { path, remove: () => rmSync(path, { force: true }) };
}

/**
 * Removes temporary files older than `olderThanMs` (a crash can leave uploads in DATA_DIR/tmp and half-written
 * media as `<sha256>.tmp`); younger ones may belong to a running import. Returns how many were removed.
 */
export function sweepTemp(dataDir: string, olderThanMs = 3_600_000, now = Date.now()): number {
	let removed = 0;
	const sweep = (dir: string, match: (name: string) => boolean) => {
		let names: string[];
		try {
			names = readdirSync(dir);
		} catch {
			return; // no such directory yet
		}
		for (const name of names) {
			const path = join(dir, name);
			try {
				if (match(name) && now - statSync(path).mtimeMs > olderThanMs) {
					rmSync(path, { force: true, recursive: true });
					removed++;
				}
			} catch {
				// vanished meanwhile, or not ours to remove: leave it
			}
		}
	};
	sweep(tempDir(dataDir), () => true);
	sweep(mediaDir(dataDir), (name) => name.endsWith('.tmp'));
	return removed;
}

export async function spoolBody(
	body: ReadableStream<Uint8Array> | null,
	dataDir: string,
	maxBytes: number
): Promise<TempFile> {
	if (!body) throw Validation('The request has no body');
	const temp = tempPath(dataDir, 'upload');
	let size = 0;
	const limit = new Transform({
		transform(chunk: Buffer, _enc, done) {
			size += chunk.length;
			if (size > maxBytes)
				done(new AppError('payload_too_large', `The import is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`));
			else done(null, chunk);
		}
	});
	try {
		await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), limit, createWriteStream(temp.path));
	} catch (err) {
		temp.remove();
		throw err;
	}
	return { path: temp.path, size, remove: temp.remove };
}
