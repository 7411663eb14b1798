// Synchronous, bounded-memory readers over a file: text chunks (UTF-8 decoded across chunk borders) and lines
// with their 1-based numbers. An import pulls its records from them one at a time, between the awaited inserts
// of its one transaction: a plain generator, no stream to pause or to clean up when the import fails.
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 1 << 16;

function* readTextChunks(path: string): Generator<string> {
	const fd = openSync(path, 'r');
	const decoder = new TextDecoder('utf-8');
	const buf = Buffer.allocUnsafe(CHUNK);
	try {
		for (;;) {
			const n = readSync(fd, buf, 0, CHUNK, null);
			if (n === 0) break;
			const text = decoder.decode(buf.subarray(0, n), { stream: true });
			if (text) yield text;
		}
		const rest = decoder.decode();
		if (rest) yield rest;
	} finally {
		closeSync(fd);
	}
}

export function* readLines(path: string): Generator<{ line: number; text: string }> {
	let pending = '';
	let line = 0;
	let first = true;
	for (let chunk of readTextChunks(path)) {
		if (first) {
			chunk = chunk.replace(/^\uFEFF/, '');
			first = false;
		}
		pending += chunk;
		let start = 0;
		for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
			yield { line: ++line, text: pending.slice(start, nl) };
			start = nl + 1;
		}
		pending = pending.slice(start);
	}
	if (pending) yield { line: ++line, text: pending };
}

/** How many lines the file has (a last line without a newline counts), read in chunks without decoding. */
export function countLines(path: string): number {
	const fd = openSync(path, 'r');
	const buf = Buffer.allocUnsafe(CHUNK);
	let lines = 0;
	let last = 0x0a;
	try {
		for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) {
			for (let i = buf.indexOf(0x0a); i !== -1 && i < n; i = buf.indexOf(0x0a, i + 1)) lines++;
			last = buf[n - 1];
		}
	} finally {
		closeSync(fd);
	}
	return last === 0x0a ? lines : lines + 1;
}

/** The file's first `bytes` bytes as text (to tell its format by its first characters). */
export function readHead(path: string, bytes = 4096): string {
	const fd = openSync(path, 'r');
	try {
		const buf = Buffer.allocUnsafe(bytes);
		return new TextDecoder('utf-8').decode(buf.subarray(0, readSync(fd, buf, 0, bytes, 0)));
	} finally {
		closeSync(fd);
	}
}
