// Answers compressed on the fly (gzip, streamed through the platform's CompressionStream) when the client accepts
// it: JSON, exports (JSONL, CSV) and the app's page; any compressible type of at least 1 KiB that is not already
// encoded, not a byte range and not marked no-transform. Built assets are sent from the brotli and gzip copies the
// build wrote (static-app.ts) and pass through untouched; images and video are compressed already.
// Not hono's `compress`: on @hono/node-server it rebuilds the answer from the handler's original headers, so what
// middleware set afterwards was lost (the API's `Cache-Control: no-store`, the security headers, the app's CSP).
// Here the new answer is built from the headers as they stand, and an answer left alone is never touched.
import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/utils/compress';

const THRESHOLD_BYTES = 1024;
/** hono's list of compressible types, plus JSONL (exports) that it does not name. */
const compressible = (type: string) =>
	COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) || /^application\/x-ndjson\b/i.test(type);

/** Whether an Accept-Encoding header takes gzip (by name or by `*`, with a non-zero q). */
export function acceptsGzip(header: string | undefined): boolean {
	if (!header) return false;
	let star = false;
	for (const part of header.split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		const weight = q === undefined ? 1 : Number(q.slice(2));
		if (name === 'gzip') return weight > 0;
		if (name === '*') star = weight > 0;
	}
	return star;
}

export const compress: MiddlewareHandler = async (c, next) => {
	await next();
	const res = c.res;
	const type = res.headers.get('content-type');
	const length = res.headers.get('content-length');
	if (
		c.req.method === 'HEAD' ||
		res.status === 204 ||
		res.status === 206 ||
		res.status === 304 ||
		res.headers.has('content-encoding') ||
		!type ||
		!compressible(type) ||
		(length !== null && Number(length) < THRESHOLD_BYTES) ||
		/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('cache-control') ?? '')
	)
		return;
	// The answer depends on Accept-Encoding from here on, whichever way it goes: caches must know.
	const vary = res.headers.get('vary');
	if (!vary) res.headers.set('vary', 'Accept-Encoding');
	else if (vary !== '*' && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary))
		res.headers.set('vary', `${vary}, Accept-Encoding`);
	if (!acceptsGzip(c.req.header('accept-encoding'))) return;
	// The headers as they stand, taken before the body: on @hono/node-server, reading a response's body rebuilds it
	// from its original headers.
	const headers = new Headers(res.headers);
	const body = res.body;
	c.res = undefined;
	if (!body) {
		c.res = new Response(null, { status: res.status, headers });
		return;
	}
	headers.delete('content-length');
	headers.set('content-encoding', 'gzip');
	const etag = headers.get('etag');
	if (etag && !etag.startsWith('W/')) headers.set('etag', `W/${etag}`);
	// (Unset first: hono's setter would merge the previous answer's headers, Content-Length among them, into this one.)
	c.res = new Response(body.pipeThrough(new CompressionStream('gzip')), { status: res.status, headers });
};
