// SvelteKit builds a static single-page app; the Hono server serves it with an SPA fallback and sets the
// Content-Security-Policy header itself, hashing the inline bootstrap script of the built page
// (server/http/static-app.ts), so there is one policy in one place. Every built asset is also written compressed
// (brotli and gzip, at the highest levels, once at build time); the server sends those when the browser accepts them.
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ fallback: '200.html', strict: false, precompress: true })
	}
};
