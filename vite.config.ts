import { sveltekit } from '@sveltejs/kit/vite';
import { configDefaults, defineConfig } from 'vitest/config';

const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? 3001}`;

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		proxy: {
			'/api': apiTarget,
			'/media': apiTarget,
			'/collab': { target: apiTarget.replace('http', 'ws'), ws: true }
		}
	},
	test: {
		globalSetup: ['tests/fixtures/global-setup.ts'],
		reporters: ['default', './tests/fixtures/summary-reporter.ts'],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		fileParallelism: true,
		maxWorkers: 2,
		projects: [
			// A project that extends the root concatenates its include with the root's: so none at the root.
			{
				extends: true,
				test: {
					name: 'node',
					include: ['tests/**/*.test.ts'],
					exclude: [...configDefaults.exclude, 'tests/**/*.svelte.test.ts', 'tests/cluster/**']
				}
			},
			// The HTTP and collaboration suites again, on PostgreSQL: the global setup starts one PostgreSQL for the
			// run and every test server gets a database of its own (tests/fixtures/postgres.ts). Same assertions.
			// The cluster suite (two nodes, PostgreSQL and Redis) runs here only.
			{
				extends: true,
				test: {
					name: 'pg',
					include: ['tests/http/**/*.test.ts', 'tests/collab/**/*.test.ts', 'tests/cluster/**/*.test.ts'],
					exclude: [...configDefaults.exclude, 'tests/**/*.svelte.test.ts'],
					env: { CONCORD_TEST_DB: 'postgres' }
				}
			},
			// State classes under runes: compiled for the browser so effects run; no server build, no DOM.
			{
				plugins: [sveltekit()],
				resolve: { conditions: ['browser'] },
				test: {
					name: 'client',
					include: ['tests/**/*.svelte.test.ts'],
					environment: './tests/fixtures/client-environment.ts',
					server: { deps: { inline: ['svelte'] } }
				}
			}
		]
	}
});
