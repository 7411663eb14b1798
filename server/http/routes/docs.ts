// GET /api/openapi.json (the OpenAPI 3.1 document generated from the served app, see ../openapi.ts) and
// GET /api/docs, a plain HTML list of the same operations grouped by area. Both are rendered once, on first use,
// from the app the routes are mounted in. The page has no script and no external resource; its only style is
// allowed by hash in its own Content-Security-Policy.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { doc, openApiDocument, TAGS } from '../openapi';
import pkg from '../../../package.json' with { type: 'json' };

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937;background:#fff}
h1{margin-bottom:.25rem}h2{margin-top:2rem;text-transform:capitalize;border-bottom:1px solid #e5e7eb}
table{border-collapse:collapse;width:100%}td{padding:.3rem .5rem;vertical-align:top;border-bottom:1px solid #f3f4f6}
code{font:13px ui-monospace,monospace}.m{font-weight:700;text-transform:uppercase;width:4.5rem}.who{color:#6b7280;white-space:nowrap}
@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}h2{border-color:#374151}td{border-color:#1f2937}.who{color:#9ca3af}a{color:#93c5fd}}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

type Document = Awaited<ReturnType<typeof openApiDocument>>;
interface Row {
	method: string;
	path: string;
	summary: string;
	who: string;
	tag: string;
}

function docsPage(document: Document): string {
	const rows: Row[] = Object.entries(document.paths).flatMap(([path, item]) =>
		Object.entries(item ?? {}).flatMap(([method, op]) => {
			const o = op as { summary?: string; description?: string; tags?: string[] };
			return [
				{
					method,
					path,
					summary: o.summary ?? '',
					who: (o.description ?? '').replace(/^Who: |\.$/g, ''),
					tag: o.tags?.[0] ?? ''
				}
			];
		})
	);
	const sections = TAGS.map((tag) => {
		const list = rows
			.filter((r) => r.tag === tag)
			.map(
				(r) =>
					`<tr><td class="m">${escapeHtml(r.method)}</td><td><code>${escapeHtml(r.path)}</code><br>${escapeHtml(r.summary)}</td><td class="who">${escapeHtml(r.who)}</td></tr>`
			)
			.join('');
		return list ? `<h2>${escapeHtml(tag)}</h2><table>${list}</table>` : '';
	});
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Concord API</title><style>${STYLE}</style></head><body><h1>Concord API</h1><p>Version ${escapeHtml(pkg.version)}. The machine-readable description is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Authenticate with the session cookie or <code>Authorization: Bearer &lt;token&gt;</code>; errors are <code>{ "error": { "code", "message", "details"? } }</code>.</p>${sections.join('')}</body></html>`;
}

/** `servedApp` returns the whole app once it is built; the document describes every route it serves. */
export function docRoutes(servedApp: () => Hono<AppEnv>) {
	const app = new Hono<AppEnv>();
	let rendered: Promise<{ json: string; html: string }> | null = null;
	const render = () =>
		(rendered ??= openApiDocument(servedApp(), pkg.version).then(
			(document) => ({ json: JSON.stringify(document), html: docsPage(document) }),
			(err: unknown) => {
				rendered = null; // let the next request try again instead of caching the failure
				throw err;
			}
		));

	app.get('/openapi.json', doc('system', 'This document (OpenAPI 3.1)', 'anyone'), async (c) =>
		c.body((await render()).json, 200, { 'Content-Type': 'application/json; charset=utf-8' })
	);

	app.get(
		'/docs',
		doc('system', 'This API as a readable HTML page', 'anyone', {
			produces: { 'text/html': 'the operations grouped by area' }
		}),
		async (c) =>
			c.body((await render()).html, 200, {
				'Content-Type': 'text/html; charset=utf-8',
				'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`
			})
	);

	return app;
}
