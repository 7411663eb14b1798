// Items: list (paged by cursor), read (gold hidden from evaluators), import (JSONL, CSV, Label Studio or a zip with media; all or
// nothing, streamed to disk first), media upload.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { allowed, requireProject } from '../access';
import { validate } from '../validate';
import { doc } from '../openapi';
import { getItemRow, listItems, toItem } from '../../db/items';
import { IMPORT_FORMATS, importItems } from '../../import/run-import';
import { AppError, NotFound } from '../../domain/errors';
import { modalitySchema } from '#shared/items';
import { pageQuery } from '#shared/paging';
import { storeMedia } from '../../db/media-store';

const listQuery = z.strictObject({
	...pageQuery,
	modality: modalitySchema.optional(),
	language: z.string().max(20).optional()
});

const IMPORT_BODIES = {
	'application/x-ndjson': 'JSONL, one item per line (see the ItemInput schema and docs/import-format.md)',
	'text/csv': 'CSV of text items: prompt,response[,external_id,language,…metadata] (format=csv)',
	'application/json': 'Label Studio tasks (format=labelstudio)',
	'application/zip': 'items.jsonl plus media referenced by relative path (format=zip)'
};
const MEDIA_BODY = { 'application/octet-stream': 'PNG, JPEG, GIF, WebP, MP4, WebM, WAV, OGG or MP3' };

export function itemRoutes(maxImportBytes: number, maxMediaBytes: number) {
	const app = new Hono<AppEnv>();
	const tooLarge = (what: string, limit: number) => () => {
		throw new AppError('payload_too_large', `${what} is larger than ${Math.round(limit / 1024 / 1024)} MiB`);
	};

	app.get(
		'/projects/:pid/items',
		doc('items', 'Items in import order, paged by cursor and filtered, with evaluation counts', 'member'),
		validate('query', listQuery),
		async (c) => {
			const pid = c.req.param('pid');
			const access = await requireProject(c, pid, 'item.read');
			const page = await listItems(c.var.deps.db, pid, access.user.id, c.req.valid('query'));
			const withGold = allowed(access, 'item.readGold');
			// Per item, how many evaluators submitted it and the caller's own state.
			const items = page.rows.map((r) => ({
				...toItem(r.item, withGold),
				evaluationCount: r.item.submittedCount,
				myState: r.myState
			}));
			return c.json({ items, nextCursor: page.nextCursor, total: page.total });
		}
	);

	app.get('/items/:id', doc('items', 'One item (gold hidden from evaluators)', 'member'), async (c) => {
		const row = await getItemRow(c.var.deps.db, c.req.param('id'));
		if (!row) throw NotFound('No such item');
		const access = await requireProject(c, row.projectId, 'item.read');
		return c.json({ item: toItem(row, allowed(access, 'item.readGold')) });
	});

	app.post(
		'/projects/:pid/items/import',
		doc('items', 'Import items: all or nothing, idempotent by external id; 400 lists every bad line', 'lead', {
			status: 201,
			consumes: IMPORT_BODIES
		}),
		bodyLimit({ maxSize: maxImportBytes, onError: tooLarge('The import', maxImportBytes) }),
		validate('query', z.object({ format: z.enum(IMPORT_FORMATS).default('jsonl') })),
		async (c) => {
			const pid = c.req.param('pid');
			const { user } = await requireProject(c, pid, 'item.import');
			const result = await importItems(c.var.deps, pid, user, c.req.valid('query').format, c.req.raw.body);
			return c.json(result, 201);
		}
	);

	app.post(
		'/projects/:pid/media',
		doc('items', 'Upload a media file to the content-addressed store', 'lead', { status: 201, consumes: MEDIA_BODY }),
		bodyLimit({ maxSize: maxMediaBytes, onError: tooLarge('The file', maxMediaBytes) }),
		async (c) => {
			const pid = c.req.param('pid');
			const { user } = await requireProject(c, pid, 'item.import');
			const bytes = new Uint8Array(await c.req.arrayBuffer());
			const stored = await storeMedia(c.var.deps, bytes, c.req.header('content-type') ?? '', user.id);
			return c.json(stored, 201);
		}
	);

	return app;
}
