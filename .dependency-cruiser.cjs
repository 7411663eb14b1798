// The dependency direction of STYLE.md, enforced: domain ← db ← http/collab ← main; shared code is plain TS;
// the browser sees the server only through types; no cycles; code that runs under `npm start` uses only
// runtime dependencies. `npm run lint` runs this; a violation fails CI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'no-cycles',
			severity: 'error',
			comment: 'Import cycles make module order matter and hide layering mistakes.',
			from: {},
			to: { circular: true }
		},
		{
			name: 'domain-is-pure',
			severity: 'error',
			comment: 'server/domain holds rules and services: no database, HTTP, collaboration or other server layer.',
			from: { path: '^server/domain/' },
			to: { path: '^server/', pathNot: '^server/domain/' }
		},
		{
			name: 'domain-no-frameworks',
			severity: 'error',
			comment: 'server/domain uses neither Hono nor drizzle (STYLE.md).',
			from: { path: '^server/domain/' },
			to: { path: 'node_modules/(hono|@hono|drizzle-orm|better-sqlite3)/' }
		},
		{
			name: 'http-is-the-top',
			severity: 'error',
			comment: 'Only the app, the server wiring and main may import server/http; everything else sits below it.',
			from: { path: '^server/', pathNot: '^server/(http/|app\\.ts$|server\\.ts$|main\\.ts$)' },
			to: { path: '^server/http/' }
		},
		{
			name: 'db-below-collab',
			severity: 'error',
			comment: 'The data layer does not reach up into rooms.',
			from: { path: '^server/db/' },
			to: { path: '^server/collab/' }
		},
		{
			name: 'shared-is-plain',
			severity: 'error',
			comment:
				'src/lib/shared and src/lib/collab run in the browser and on the server: no server, browser-only or Node code.',
			from: { path: '^src/lib/(shared|collab)/' },
			to: {
				path: '^(server/|src/lib/(state|components|i18n)/|src/routes/)|node_modules/(svelte|@sveltejs)/|^\\$app/'
			}
		},
		{
			name: 'shared-no-node',
			severity: 'error',
			from: { path: '^src/lib/(shared|collab)/' },
			to: { dependencyTypes: ['core'] }
		},
		{
			name: 'browser-sees-server-types-only',
			severity: 'error',
			comment: 'The browser may import server code only as `import type`.',
			from: { path: '^src/' },
			to: { path: '^server/', dependencyTypesNot: ['type-only'] }
		},
		{
			name: 'runtime-uses-runtime-deps',
			severity: 'error',
			comment: 'Code that `npm start` runs must not import a devDependency (a production install would lack it).',
			from: { path: '^(server|bin|src/lib/shared|src/lib/collab)/' },
			to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] }
		},
		{
			name: 'no-unresolvable',
			severity: 'error',
			from: {},
			to: { couldNotResolve: true, pathNot: '^\\$app/' }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		// SvelteKit's `$lib` path lives in the generated .svelte-kit/tsconfig.json without a baseUrl, which the
		// tsconfig resolver plugin does not read; the same alias, stated as a resolver alias:
		webpackConfig: { fileName: '.dependency-cruiser-aliases.cjs' },
		enhancedResolveOptions: {
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default', 'types'],
			mainFields: ['module', 'main', 'types', 'typings'],
			extensions: ['.ts', '.js', '.svelte', '.json']
		},
		exclude: { path: '^(build|\\.svelte-kit)/' }
	}
};
