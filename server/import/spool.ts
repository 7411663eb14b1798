// Streams a request body to a temporary file under DATA_DIR/tmp with a size limit, so an import of any size
// holds only one chunk in memory. The caller removes the file when done (remove() never throws).
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError, Validation } from '../domain/errors';
import { newId } from '../domain/ids';

export interface TempFile {
	path: string;
	size: number;
	remove(): void;
}

export function tempPath(dataDir: string, suffix: string): { path: string; remove(): void } {
	const dir = join(dataDir, 'tmp');
	mkdirSync(dir, { recursive: true });
	const path = join(dir, `${newId()}.${suffix}`);
	return { path, remove: () => rmSync(path, { force: true }) };
}

export async function spoolBody(body: ReadableStream<Uint8Array> | null, dataDir: string, maxBytes: number): Promise<TempFile> {
	if (!body) throw Validation('The request has no body');
	const temp = tempPath(dataDir, 'upload');
	let size = 0;
	const limit = new Transform({
		transform(chunk: Buffer, _enc, done) {
			size += chunk.length;
			if (size > maxBytes) done(new AppError('payload_too_large', `The import is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`));
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
