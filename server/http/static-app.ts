// Serves the built SvelteKit app (static adapter) with an SPA fallback and a strict Content-Security-Policy whose
// script hashes are computed from the built HTML at start, so no inline script runs unless we built it.
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function inlineScriptHashes(html: string): string[] {
	const hashes: string[] = [];
	for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
		hashes.push(`'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
	}
	return hashes;
}

function appCsp(scriptHashes: string[]): string {
	return [
		"default-src 'self'",
		`script-src 'self' ${scriptHashes.join(' ')}`.trim(),
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"media-src 'self' blob:",
		"font-src 'self'",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
}

export function staticApp(appDir: string) {
	const app = new Hono();
	const fallback = join(appDir, '200.html');
	if (!existsSync(fallback)) {
		app.get('*', (c) => c.text('The web app is not built. Run `npm run build` (npm start does it for you).', 503));
		return app;
	}
	const html = readFileSync(fallback, 'utf8');
	const csp = appCsp(inlineScriptHashes(html));
	const root = relative(process.cwd(), appDir) || '.';
	app.use('*', async (c, next) => {
		await next();
		c.res.headers.set('Content-Security-Policy', csp);
		if (c.req.path.startsWith('/_app/immutable/'))
			c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
	});
	// The brotli or gzip copy the build wrote beside each asset, when the browser accepts it.
	app.use('*', serveStatic({ root, precompressed: true }));
	app.get('*', (c) => c.html(html, 200, { 'Cache-Control': 'no-cache' }));
	return app;
}
