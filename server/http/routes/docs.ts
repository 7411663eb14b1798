// GET /api/openapi.json (the generated OpenAPI 3.1 document) and GET /api/docs, a plain HTML list of the
// operations grouped by area. The page has no script and no external resource; its only style is allowed by
// hash in its own Content-Security-Policy.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { OPERATIONS, openApiDocument } from '../openapi';
import pkg from '../../../package.json' with { type: 'json' };

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937;background:#fff}
h1{margin-bottom:.25rem}h2{margin-top:2rem;text-transform:capitalize;border-bottom:1px solid #e5e7eb}
table{border-collapse:collapse;width:100%}td{padding:.3rem .5rem;vertical-align:top;border-bottom:1px solid #f3f4f6}
code{font:13px ui-monospace,monospace}.m{font-weight:700;text-transform:uppercase;width:4.5rem}.who{color:#6b7280;white-space:nowrap}
@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}h2{border-color:#374151}td{border-color:#1f2937}.who{color:#9ca3af}a{color:#93c5fd}}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function docsPage(): string {
	const tags = [...new Set(OPERATIONS.map((o) => o.tag))];
	const sections = tags.map((tag) => {
		const rows = OPERATIONS.filter((o) => o.tag === tag)
			.map((o) => `<tr><td class="m">${o.method}</td><td><code>${escapeHtml(o.path)}</code><br>${escapeHtml(o.summary)}</td><td class="who">${escapeHtml(o.who)}</td></tr>`)
			.join('');
		return `<h2>${escapeHtml(tag)}</h2><table>${rows}</table>`;
	});
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Concord API</title><style>${STYLE}</style></head><body><h1>Concord API</h1><p>Version ${escapeHtml(pkg.version)}. The machine-readable description is <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Authenticate with the session cookie or <code>Authorization: Bearer &lt;token&gt;</code>; errors are <code>{ "error": { "code", "message", "details"? } }</code>.</p>${sections.join('')}</body></html>`;
}

const app = new Hono<AppEnv>();
let cached: { json: string; html: string } | null = null;
const rendered = () => (cached ??= { json: JSON.stringify(openApiDocument(pkg.version)), html: docsPage() });

app.get('/openapi.json', (c) => c.body(rendered().json, 200, { 'Content-Type': 'application/json; charset=utf-8' }));

app.get('/docs', (c) =>
	c.body(rendered().html, 200, {
		'Content-Type': 'text/html; charset=utf-8',
		'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`
	})
);

export default app;
