// `npm start`: bundles the server into one JavaScript file with esbuild and runs it in this process. The bundle's
// entry is scripts/serve.ts (build the web app if its sources changed, then start the server). Running the
// TypeScript through tsx instead kept its loader resident for the life of the server: a second V8 isolate on a
// thread of its own plus every transpiled source, about 55 MiB of a 200 MiB process at start.
// Packages stay outside the bundle (loaded from node_modules as before); only Concord's own code is bundled. A
// module that finds its data files beside itself (`new URL('./x', import.meta.url)`) keeps finding them: each
// source file's import.meta.url is its own path, not the bundle's. The bundle is rebuilt on every start (about half
// a second) into .svelte-kit, which git ignores, and moved into place whole, so nodes started side by side from one
// checkout never read each other's half-written file.
import { build } from 'esbuild';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, '.svelte-kit', 'concord-server', 'serve.mjs');

/** Each of our TypeScript files keeps its own import.meta.url inside the bundle. */
const ownUrls = {
	name: 'own-import-meta-url',
	setup(b) {
		b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
			if (path.includes('/node_modules/')) return undefined;
			const source = await readFile(path, 'utf8');
			return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)), loader: 'ts' };
		});
	}
};

try {
	const { outputFiles } = await build({
		entryPoints: [join(root, 'scripts', 'serve.ts')],
		outfile,
		write: false,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		keepNames: true,
		logLevel: 'silent',
		plugins: [ownUrls]
	});
	const partial = `${outfile}.${process.pid}`;
	await mkdir(dirname(outfile), { recursive: true });
	await writeFile(partial, outputFiles[0].contents);
	await rename(partial, outfile);
} catch (err) {
	console.error(`Could not build the server: ${err instanceof Error ? err.message : String(err)}`);
	process.exit(1);
}
await import(pathToFileURL(outfile).href);
