// GET /media/:sha256 — content-addressed media, streamed from disk (never read whole into memory) with byte
// ranges (video seeking), revalidation by ETag, and a sandboxing CSP so an uploaded file can never run script in
// our origin. A caller gets a file only when domain/media-access allows it (an item of one of their projects
// references it, or they uploaded it); otherwise, as for a file that does not exist, 404. Caching is private:
// the bytes never change, but who may see them does.
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireUser } from '../access';
import { doc } from '../openapi';
import { getMedia, mediaReach } from '../../db/media';
import { mediaPath } from '../../db/media-store';
import { byteRange, etagMatches } from '../byte-range';
import { mayReadMedia } from '../../domain/media-access';
import { NotFound } from '../../domain/errors';

const app = new Hono<AppEnv>();

function fileSize(path: string): number | null {
	try {
		return statSync(path).size;
	} catch {
		return null;
	}
}

app.get(
	'/:sha',
	doc(
		'items',
		'A media file by its SHA-256 (byte ranges for seeking)',
		'member of a project whose items reference it, or its uploader',
		{ produces: { 'application/octet-stream': 'the file (its detected media type)' } }
	),
	async (c) => {
		const user = requireUser(c);
		const { db, config } = c.var.deps;
		const sha = c.req.param('sha');
		if (!/^[a-f0-9]{64}$/.test(sha)) throw NotFound('No such file');
		const meta = await getMedia(db, sha);
		if (!meta || !mayReadMedia(user.isAdmin, await mediaReach(db, sha, user.id))) throw NotFound('No such file');
		const path = mediaPath(config.dataDir, sha);
		const size = fileSize(path);
		if (size === null) throw NotFound('No such file');
		const etag = `"${sha}"`;
		const headers: Record<string, string> = {
			'Content-Type': meta.mime,
			'Accept-Ranges': 'bytes',
			'Cache-Control': 'private, max-age=31536000, immutable',
			'Content-Security-Policy': "default-src 'none'; sandbox",
			ETag: etag
		};
		if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
		const range = byteRange(c.req.header('range'), size, { header: c.req.header('if-range'), etag });
		if (range === 'unsatisfiable') return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${size}` });
		const { start, end } = range ?? { start: 0, end: size - 1 };
		const status = range ? 206 : 200;
		if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
		headers['Content-Length'] = String(end - start + 1);
		if (c.req.method === 'HEAD' || size === 0) return c.body(null, status, headers);
		const file = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
		return c.body(file, status, headers);
	}
);

export default app;
