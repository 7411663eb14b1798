// What the server believes about the client's connection: its address (for sign-in throttling) and whether it
// reached us over https (for the Secure cookie flag). With config.trustProxy the reverse proxy's headers decide:
// the LAST X-Forwarded-For entry (the hop our proxy added; earlier entries are whatever the client sent) and
// X-Forwarded-Proto. Without it those headers are ignored, since any client could send them.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from './env';

export function clientAddress(c: Context<AppEnv>): string {
	if (c.var.deps.config.trustProxy) {
		const hops = (c.req.header('x-forwarded-for') ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
		const last = hops.at(-1);
		if (last) return last;
	}
	try {
		return getConnInfo(c).remote.address ?? 'local';
	} catch {
		// app.request() in tests has no socket; all such calls share one bucket.
		return 'local';
	}
}

export function isHttps(c: Context<AppEnv>): boolean {
	if (c.var.deps.config.trustProxy) {
		// A chain of proxies may list several protocols; the last one is what our proxy saw.
		const proto = (c.req.header('x-forwarded-proto') ?? '')
			.split(',')
			.map((s) => s.trim().toLowerCase())
			.at(-1);
		if (proto) return proto === 'https';
	}
	return new URL(c.req.url).protocol === 'https:';
}

/** Where people reach this server, for links handed to them: PUBLIC_URL, else the origin this request came to. */
export function publicOrigin(c: Context<AppEnv>): string {
	const configured = c.var.deps.config.publicUrl;
	if (configured) return configured;
	const url = new URL(c.req.url);
	return `${isHttps(c) ? 'https' : 'http'}://${url.host}`;
}
