import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

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
		maxWorkers: 2
	}
});
