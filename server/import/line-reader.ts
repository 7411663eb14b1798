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
