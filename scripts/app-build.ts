// Builds the web app only when what it is built from has changed since the last build: `npm start`
// (scripts/serve.ts) and the test suite's global setup share this one rule. "Changed" is a hash of the sources
// (src/, static/), the build configuration and the locked dependency versions, not file times (a checkout or a
// copy moves those), kept in .svelte-kit once a build has succeeded. A lock directory keeps two processes from
// building at once. The build's own output (chunk tables, plugin timings, a hint to run `vite preview`) is shown
// only when it fails, so the first lines a new user reads are the server's address and the demo sign-in.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What the built app depends on, relative to the project root. */
const BUILD_INPUTS = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'tsconfig.json', 'package-lock.json'];
/** The file whose presence says a build finished (the SPA fallback, written last by the static adapter). */
const BUILT = 'build/200.html';
/** Beside SvelteKit's own output for this checkout (never served, ignored by git). */
const STAMP = '.svelte-kit/app-build-hash';
const LOCK = '.svelte-kit/build.lock';
/** A lock older than this was left by a build that died. */
const ABANDONED_MS = 300_000;

function filesUnder(root: string, path: string, out: string[]): void {
	const full = join(root, path);
	if (!existsSync(full)) return;
	if (!statSync(full).isDirectory()) {
		out.push(path);
		return;
	}
	for (const entry of readdirSync(full)) filesUnder(root, join(path, entry), out);
}

/** A hash of every input file's path and bytes, in a fixed order. */
export function sourceHash(root: string): string {
	const files: string[] = [];
	for (const input of BUILD_INPUTS) filesUnder(root, input, files);
	const hash = createHash('sha256');
	for (const file of files.sort()) {
		hash.update(`${file.split('\\').join('/')}\0`);
		hash.update(readFileSync(join(root, file)));
		hash.update('\0');
	}
	return hash.digest('hex');
}

/** True when the app was built and nothing it is built from has changed since (`hash`: the sources' now). */
export function appIsCurrent(root: string, hash = sourceHash(root)): boolean {
	const stamp = join(root, STAMP);
	return existsSync(join(root, BUILT)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function takeLock(root: string): void {
	const lock = join(root, LOCK);
	mkdirSync(dirname(lock), { recursive: true });
	const started = Date.now();
	for (;;) {
		try {
			mkdirSync(lock);
			return;
		} catch {
			if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > ABANDONED_MS)
				rmSync(lock, { recursive: true, force: true });
			if (Date.now() - started > 2 * ABANDONED_MS) throw new Error('timed out waiting for another build');
			sleep(500);
		}
	}
}

/**
 * Builds the app unless it is current (waiting for a build another process is running). Returns whether it
 * built. `say` receives the one line announcing a build and the one reporting its time.
 */
export function buildAppIfChanged(root: string, say: (line: string) => void = () => {}): boolean {
	const hash = sourceHash(root);
	if (appIsCurrent(root, hash)) return false;
	takeLock(root);
	try {
		// Another process may have built it while this one waited.
		if (appIsCurrent(root, hash)) return false;
		say('Building the web app (its sources changed since the last build, or it was never built)…');
		const started = performance.now();
		const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
		// Up to three attempts: a build that fails once (a file caught mid-write by an editor) is retried.
		for (let attempt = 1; ; attempt++) {
			const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error'], {
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
				maxBuffer: 64 * 1024 * 1024
			});
			if (result.status === 0) break;
			if (attempt === 3)
				throw new Error(
					`the web app did not build:\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}`
				);
		}
		writeFileSync(join(root, STAMP), hash);
		say(`Built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
		return true;
	} finally {
		rmSync(join(root, LOCK), { recursive: true, force: true });
	}
}
