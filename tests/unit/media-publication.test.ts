// MediaPublication: an archive import's files enter the media store by rename, and a failed import takes back
// exactly the files it created, never a file that was there before or that another running import holds.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaPublication, mediaPath } from '../../server/db/media-store';

let dataDir: string;
let n = 0;
beforeEach(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'concord-publication-'));
	mkdirSync(join(dataDir, 'tmp'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A staged file (its name stands in for a sha256; the class trusts its caller's hash). */
function staged(content: string): string {
	const path = join(dataDir, 'tmp', `staged-${n++}`);
	writeFileSync(path, content);
	return path;
}

const sha = (c: string) => c.repeat(64);

describe('MediaPublication', () => {
	it('moves staged files into the store and keeps them when the import commits', () => {
		const p = new MediaPublication(dataDir);
		p.add(staged('a'), sha('a'));
		expect(existsSync(mediaPath(dataDir, sha('a')))).toBe(true);
		p.settle(() => true);
		expect(existsSync(mediaPath(dataDir, sha('a')))).toBe(true);
	});

	it('removes the files it created when the import fails, unless they are recorded', () => {
		const p = new MediaPublication(dataDir);
		p.add(staged('a'), sha('a'));
		p.add(staged('b'), sha('b'));
		p.settle((s) => s === sha('b'));
		expect(existsSync(mediaPath(dataDir, sha('a')))).toBe(false);
		expect(existsSync(mediaPath(dataDir, sha('b')))).toBe(true);
	});

	it('never removes a file that was in the store before', () => {
		const first = new MediaPublication(dataDir);
		first.add(staged('c'), sha('c'));
		first.settle(() => true);
		const second = new MediaPublication(dataDir);
		second.add(staged('c'), sha('c'));
		second.settle(() => false);
		expect(existsSync(mediaPath(dataDir, sha('c')))).toBe(true);
	});

	it('leaves a file another running import holds', () => {
		const failing = new MediaPublication(dataDir);
		const running = new MediaPublication(dataDir);
		failing.add(staged('d'), sha('d'));
		running.add(staged('d'), sha('d'));
		failing.settle(() => false);
		expect(existsSync(mediaPath(dataDir, sha('d')))).toBe(true);
		running.settle(() => true);
		expect(existsSync(mediaPath(dataDir, sha('d')))).toBe(true);
	});
});
