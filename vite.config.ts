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
		include: ['tests/**/*.test.ts'],
		globalSetup: ['tests/fixtures/global-setup.ts'],
		reporters: ['default', './tests/fixtures/summary-reporter.ts'],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		fileParallelism: true,
		maxWorkers: 2,
		projects: [
			{ extends: true, test: { name: 'node', exclude: [...configDefaults.exclude, 'tests/**/*.svelte.test.ts'] } },
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
