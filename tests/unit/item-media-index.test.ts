// The item_media index against real SQLite: the migration backfills items that existed before it (every
// /media/<sha256> `src` at any depth, as domain/media-refs finds them), and new items are indexed as inserted.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import * as schema from '../../drizzle/schema';
import { createItemWriter } from '../../server/db/items';
import { DEFAULT_SETTINGS } from '../../server/db/projects';
import { referencedMedia } from '../../server/domain/media-refs';
import type { ItemInput } from '#shared/items';

const migrations = join(import.meta.dirname, '../../drizzle/migrations');
const sha = (c: string) => c.repeat(64);

const PAYLOADS: Record<string, unknown> = {
	caption: { image: { src: `/media/${sha('a')}`, alt: 'x' }, caption: 'c' },
	edit: { original: { src: `/media/${sha('b')}` }, instruction: 'i', edited: { src: `/media/${sha('c')}` } },
	nested: {
		prompt: [
			{ kind: 'text', text: 't' },
			{ kind: 'image', media: { src: `/media/${sha('d')}` } },
			{ kind: 'image', media: { src: `/media/${sha('a')}` } }
		]
	},
	notMedia: {
		prompt: 'see /media/' + sha('e'),
		response: { src: 'https://example.com/x.png' },
		other: { src: `/media/${sha('E')}` }
	},
	text: { prompt: 'p', response: 'r' }
};

let dir: string | null = null;
afterEach(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
	dir = null;
});

function indexed(db: ReturnType<typeof drizzle<typeof schema>>): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const row of db.select().from(schema.itemMedia).all()) (out[row.itemId] ??= []).push(row.sha256);
	for (const list of Object.values(out)) list.sort();
	return out;
}

const expected = () =>
	Object.fromEntries(
		Object.entries(PAYLOADS)
			.map(([id, payload]) => [id, [...referencedMedia(payload)].sort()] as const)
			.filter(([, shas]) => shas.length)
	);

describe('item_media', () => {
	it('is backfilled by its migration for items that existed before it', () => {
		dir = mkdtempSync(join(tmpdir(), 'concord-backfill-'));
		const before = join(dir, 'migrations');
		cpSync(migrations, before, { recursive: true });
		const journalPath = join(before, 'meta/_journal.json');
		const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
		writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
		const sqlite = new Database(join(dir, 'concord.db'));
		try {
			const db = drizzle(sqlite, { schema });
			migrate(db, { migrationsFolder: before });
			db.insert(schema.projects).values({ id: 'p', name: 'P', settings: DEFAULT_SETTINGS, createdAt: 1 }).run();
			for (const [id, payload] of Object.entries(PAYLOADS))
				db.insert(schema.items)
					.values({ id, projectId: 'p', modality: 'text', payload, metadata: {}, createdAt: 1 })
					.run();
			migrate(db, { migrationsFolder: migrations });
			expect(indexed(db)).toEqual(expected());
			expect(indexed(db).nested).toEqual([sha('a'), sha('d')]);
		} finally {
			sqlite.close();
		}
	});

	it('is written with each inserted item', () => {
		dir = mkdtempSync(join(tmpdir(), 'concord-item-media-'));
		const sqlite = new Database(join(dir, 'concord.db'));
		try {
			const db = drizzle(sqlite, { schema });
			migrate(db, { migrationsFolder: migrations });
			db.insert(schema.projects).values({ id: 'p', name: 'P', settings: DEFAULT_SETTINGS, createdAt: 1 }).run();
			const writer = createItemWriter(db, 'p');
			// Payloads of every shape under one modality: the writer indexes, it does not validate.
			for (const [externalId, payload] of Object.entries(PAYLOADS))
				writer.insert(
					{ externalId, modality: 'text', payload, language: 'en', metadata: {} } as unknown as ItemInput,
					1
				);
			const ids = Object.fromEntries(
				db
					.select({ id: schema.items.id, ext: schema.items.externalId })
					.from(schema.items)
					.all()
					.map((r) => [r.id, r.ext!])
			);
			const byExternal = Object.fromEntries(Object.entries(indexed(db)).map(([id, shas]) => [ids[id], shas]));
			expect(byExternal).toEqual(expected());
		} finally {
			sqlite.close();
		}
	});
});
