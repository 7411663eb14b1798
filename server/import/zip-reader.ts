// A small ZIP reader over a file on disk: the central directory, and entries stored or deflated (the two methods
// every zip tool writes). Entries are read one at a time with a size bound (a zip bomb stops at the bound) and
// checked against their CRC-32. Not supported, with a clear error: ZIP64, encryption, other compression methods.
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {}

export interface ZipEntry {
	name: string;
	method: number;
	crc32: number;
	compressedSize: number;
	size: number;
	localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 100_000;

export class ZipFile {
	readonly entries: ZipEntry[];
	#fd: number;
	#size: number;

	constructor(readonly path: string) {
		this.#fd = openSync(path, 'r');
		try {
			this.#size = fstatSync(this.#fd).size;
			this.entries = this.#readDirectory();
		} catch (err) {
			closeSync(this.#fd);
			throw err;
		}
	}

	close(): void {
		closeSync(this.#fd);
	}

	/** The entry's bytes; throws ZipError when it would be larger than `maxBytes`. */
	read(entry: ZipEntry, maxBytes: number): Buffer {
		if (entry.size > maxBytes) throw new ZipError(`${entry.name} is larger than ${maxBytes} bytes`);
		const raw = this.#bytes(this.#dataOffset(entry), entry.compressedSize);
		let data: Buffer;
		if (entry.method === 0) data = raw;
		else {
			try {
				data = inflateRawSync(raw, { maxOutputLength: Math.max(1, maxBytes) });
			} catch {
				throw new ZipError(`${entry.name} could not be decompressed (damaged, or larger than ${maxBytes} bytes)`);
			}
		}
		if (data.length !== entry.size || crc32(data) !== entry.crc32) throw new ZipError(`${entry.name} is damaged (size or checksum mismatch)`);
		return data;
	}

	/** Streams the entry into a file (bounded memory), enforcing `maxBytes` and the checksum. */
	async extractTo(entry: ZipEntry, dest: string, maxBytes: number): Promise<void> {
		if (entry.size > maxBytes) throw new ZipError(`${entry.name} is larger than ${maxBytes} bytes`);
		const start = this.#dataOffset(entry);
		let written = 0;
		let crc = 0;
		const check = new Transform({
			transform(chunk: Buffer, _enc, done) {
				written += chunk.length;
				crc = crc32(chunk, crc);
				done(written > maxBytes ? new ZipError(`${entry.name} is larger than ${maxBytes} bytes`) : null, chunk);
			}
		});
		const source = entry.compressedSize === 0 ? [] : createReadStream(this.path, { start, end: start + entry.compressedSize - 1 });
		const stages = entry.method === 0 ? [check] : [createInflateRaw(), check];
		try {
			await pipeline(source, ...(stages as [Transform]), createWriteStream(dest));
		} catch (err) {
			throw err instanceof ZipError ? err : new ZipError(`${entry.name} could not be decompressed (damaged archive)`);
		}
		if (written !== entry.size || crc !== entry.crc32) throw new ZipError(`${entry.name} is damaged (size or checksum mismatch)`);
	}

	#bytes(offset: number, length: number): Buffer {
		if (offset < 0 || offset + length > this.#size) throw new ZipError('The archive is truncated');
		const buf = Buffer.alloc(length);
		let done = 0;
		while (done < length) {
			const n = readSync(this.#fd, buf, done, length - done, offset + done);
			if (n === 0) throw new ZipError('The archive is truncated');
			done += n;
		}
		return buf;
	}

	#dataOffset(entry: ZipEntry): number {
		const header = this.#bytes(entry.localHeaderOffset, 30);
		if (header.readUInt32LE(0) !== LOCAL) throw new ZipError(`${entry.name}: bad local header`);
		return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
	}

	#readDirectory(): ZipEntry[] {
		const tailLength = Math.min(this.#size, 22 + 0xffff);
		const tail = this.#bytes(this.#size - tailLength, tailLength);
		let at = -1;
		for (let i = tailLength - 22; i >= 0; i--) {
			if (tail.readUInt32LE(i) === EOCD) {
				at = i;
				break;
			}
		}
		if (at < 0) throw new ZipError('This is not a ZIP archive');
		const count = tail.readUInt16LE(at + 10);
		const dirSize = tail.readUInt32LE(at + 12);
		const dirOffset = tail.readUInt32LE(at + 16);
		if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
		if (count > MAX_ENTRIES) throw new ZipError(`The archive has more than ${MAX_ENTRIES} entries`);
		const dir = this.#bytes(dirOffset, dirSize);
		const entries: ZipEntry[] = [];
		let p = 0;
		for (let i = 0; i < count; i++) {
			if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipError('The archive directory is damaged');
			const flags = dir.readUInt16LE(p + 8);
			const nameLength = dir.readUInt16LE(p + 28);
			const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
			const entry: ZipEntry = {
				name,
				method: dir.readUInt16LE(p + 10),
				crc32: dir.readUInt32LE(p + 16),
				compressedSize: dir.readUInt32LE(p + 20),
				size: dir.readUInt32LE(p + 24),
				localHeaderOffset: dir.readUInt32LE(p + 42)
			};
			if (flags & 0x1) throw new ZipError(`${name} is encrypted; encrypted archives are not supported`);
			if (entry.method !== 0 && entry.method !== 8) throw new ZipError(`${name} uses compression method ${entry.method}; only stored and deflate are supported`);
			entries.push(entry);
			p += 46 + nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
		}
		return entries;
	}
}
