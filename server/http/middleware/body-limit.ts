// Request bodies of the JSON routes: at most `maxBytes`, refused with 413 before the route runs (by Content-Length
// when it is declared, while reading otherwise). Read straight from Node's request into hono's body cache, where
// c.req.json() and text() find it: going through the web Request instead built a fetch Request, an AbortController
// and a web stream for every write, which cost more than the rest of a draft save's HTTP handling. Requests that
// did not come through Node's server (app.request() in tests) go through hono's own body limit.
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { AppError } from '../../domain/errors';

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bodyLimit(maxBytes: number): MiddlewareHandler {
	const tooLarge = (): never => {
		throw new AppError('payload_too_large', `The request body is larger than ${maxBytes / 1024 / 1024} MiB`);
	};
	const fallback = honoBodyLimit({ maxSize: maxBytes, onError: tooLarge });
	return async (c, next) => {
		if (NO_BODY.has(c.req.method)) return next();
		const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
		if (!incoming) return fallback(c, next);
		if (Number(incoming.headers['content-length'] ?? 0) > maxBytes) tooLarge();
		const text = await readText(incoming, maxBytes, tooLarge);
		(c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
		await next();
	};
}

async function readText(incoming: IncomingMessage, maxBytes: number, tooLarge: () => never): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of incoming as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > maxBytes) tooLarge();
		chunks.push(chunk);
	}
	const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // as fetch's text() does, without the BOM
}
