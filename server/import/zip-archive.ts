// Reads a ZIP archive on disk with yauzl (a maintained reader: ZIP64, UTF-8 names, unsafe names such as absolute
// paths or `..` refused). Only the central directory is read up front; an entry is inflated only when asked, as a
// stream (zlib on the thread pool, never on the event loop in one go), and checked against its declared size and
// CRC-32 as it flows. Encrypted entries and methods other than stored and deflate are refused. Every failure is a
// ZipError with a message fit for the user.
import { Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { entryCountProblem, type ArchiveEntryInfo } from '../domain/archive-limits';

export class ZipError extends Error {}

export interface ZipEntry extends ArchiveEntryInfo {
	raw: yauzl.Entry;
}

export interface ZipArchive {
	entries: ZipEntry[];
	/** The entry's bytes as a stream that fails with ZipError on damage (size or checksum). */
	open(entry: ZipEntry): Promise<Readable>;
	close(): void;
}

function zipError(err: unknown): ZipError {
	if (err instanceof ZipError) return err;
	const message = err instanceof Error ? err.message : String(err);
	if (/central directory record signature not found/i.test(message)) return new ZipError('This is not a ZIP archive');
	if (/absolute path|invalid relative path|invalid characters in fileName/i.test(message))
		return new ZipError(`The archive holds an unsafe file name (${message})`);
	return new ZipError(`The archive is damaged (${message})`);
}

export async function openZip(path: string, limits: { maxEntries: number }): Promise<ZipArchive> {
	let zip: yauzl.ZipFile;
	try {
		zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
	} catch (err) {
		throw zipError(err);
	}
	try {
		const tooMany = entryCountProblem(zip.entryCount, limits);
		if (tooMany) throw new ZipError(tooMany);
		const entries: ZipEntry[] = [];
		for await (const raw of zip.eachEntry()) {
			if (raw.isEncrypted()) throw new ZipError(`${raw.fileName} is encrypted; encrypted archives are not supported`);
			if (raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
				throw new ZipError(
					`${raw.fileName} uses compression method ${raw.compressionMethod}; only stored and deflate are supported`
				);
			}
			entries.push({ name: raw.fileName, size: raw.uncompressedSize, compressedSize: raw.compressedSize, raw });
		}
		return {
			entries,
			close: () => zip.close(),
			async open(entry) {
				let stream: Readable;
				try {
					stream = await zip.openReadStreamPromise(entry.raw);
				} catch (err) {
					throw zipError(err);
				}
				let crc = 0;
				const check = new Transform({
					transform(chunk: Buffer, _enc, done) {
						crc = crc32(chunk, crc);
						done(null, chunk);
					},
					flush(done) {
						done(crc === entry.raw.crc32 ? null : new ZipError(`${entry.name} is damaged (checksum mismatch)`));
					}
				});
				// One stream to the caller: a failure on either side ends both (a consumer that stops early, e.g. on
				// an unsupported type, must release yauzl's reference to the file).
				stream.on('error', (err) => check.destroy(zipError(err)));
				check.on('close', () => stream.destroy());
				return stream.pipe(check);
			}
		};
	} catch (err) {
		zip.close();
		throw zipError(err);
	}
}
