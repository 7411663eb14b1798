// GET /media/:sha256 — content-addressed media for signed-in users, with byte ranges (video seeking) and a
// sandboxing CSP so an uploaded file can never run script in our origin.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { doc } from '../openapi';
import { getMedia } from '../../db/items';
import { readMedia } from '../media-store';
import { NotFound } from '../../domain/errors';

const app = new Hono<AppEnv>();

app.get('/:sha', doc('items', 'A media file by its SHA-256 (byte ranges for seeking)', 'signed in', { produces: { 'application/octet-stream': 'the file (its detected media type)' } }), (c) => {
	requireUser(c);
	const sha = c.req.param('sha');
	if (!/^[a-f0-9]{64}$/.test(sha)) throw NotFound('No such file');
	const meta = getMedia(c.var.deps.db, sha);
	const bytes = meta && readMedia(c.var.deps.config.dataDir, sha);
	if (!meta || !bytes) throw NotFound('No such file');
	const headers: Record<string, string> = {
		'Content-Type': meta.mime,
		'Accept-Ranges': 'bytes',
		'Cache-Control': 'private, max-age=31536000, immutable',
		'Content-Security-Policy': "default-src 'none'; sandbox",
		ETag: `"${sha}"`
	};
	const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header('range') ?? '');
	if (range && (range[1] || range[2])) {
		const size = bytes.length;
		const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
		const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
		if (start >= size || start > end) return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${size}` });
		return c.body(new Uint8Array(bytes.subarray(start, end + 1)), 206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` });
	}
	return c.body(new Uint8Array(bytes), 200, headers);
});

export default app;
