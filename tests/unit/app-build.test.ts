// When `npm start` (and the test setup) rebuild the web app: only when what it is built from changed since the
// last successful build, or when there is no build.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appIsCurrent, sourceHash } from '../../scripts/app-build';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function project(): string {
	root = mkdtempSync(join(tmpdir(), 'app-build-'));
	mkdirSync(join(root, 'src', 'routes'), { recursive: true });
	writeFileSync(join(root, 'src', 'routes', '+page.svelte'), '<h1>Hello</h1>');
	writeFileSync(join(root, 'svelte.config.js'), 'export default {};');
	writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
	mkdirSync(join(root, 'build'));
	writeFileSync(join(root, 'build', '200.html'), '<html></html>');
	mkdirSync(join(root, '.svelte-kit'));
	writeFileSync(join(root, '.svelte-kit', 'app-build-hash'), sourceHash(root));
	return root;
}

describe('the built app is current', () => {
	it('while nothing it is built from changed, even when file times moved (a checkout, a copy)', () => {
		const dir = project();
		expect(appIsCurrent(dir)).toBe(true);
		utimesSync(join(dir, 'src', 'routes', '+page.svelte'), new Date(), new Date(Date.now() + 60_000));
		expect(appIsCurrent(dir)).toBe(true);
	});

	it('no longer once a source, a new file, the build config or the locked dependencies change', () => {
		for (const change of [
			(d: string) => writeFileSync(join(d, 'src', 'routes', '+page.svelte'), '<h1>Hello!</h1>'),
			(d: string) => writeFileSync(join(d, 'src', 'routes', 'new.ts'), 'export {};'),
			(d: string) => writeFileSync(join(d, 'svelte.config.js'), 'export default { kit: {} };'),
			(d: string) => writeFileSync(join(d, 'package-lock.json'), '{"lockfileVersion":3,"x":1}'),
			(d: string) => {
				mkdirSync(join(d, 'static'));
				writeFileSync(join(d, 'static', 'favicon.svg'), '<svg/>');
			}
		]) {
			const dir = project();
			change(dir);
			if (appIsCurrent(dir)) expect.fail(`still current after ${change.toString()}`);
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('no longer without a build, or without a record of the last one', () => {
		const dir = project();
		rmSync(join(dir, 'build', '200.html'));
		expect(appIsCurrent(dir)).toBe(false);
		rmSync(dir, { recursive: true, force: true });
		const other = project();
		rmSync(join(other, '.svelte-kit', 'app-build-hash'));
		expect(appIsCurrent(other)).toBe(false);
	});
});
