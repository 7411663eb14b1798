// The item_media index against real SQLite: the migration backfills items that existed before it (every
// /media/<sha256> `src` at any depth, as domain/media-refs finds them), and new items are indexed as inserted.
// The backfill is a SQLite migration, so the record before it is written through drizzle's synchronous
// better-sqlite3 driver (its builders are awaited like everywhere else); openDb then runs the remaining migrations.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import * as schema from '../../drizzle/schema';
import { openDb, type Db } from '../../server/db/client';
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

async function indexed(db: Db): Promise<Record<string, string[]>> {
	const out: Record<string, string[]> = {};
	for (const row of await db.select().from(schema.itemMedia)) (out[row.itemId] ??= []).push(row.sha256);
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
	it('is backfilled by its migration for items that existed before it, as the later migrations backfill theirs', async () => {
		dir = mkdtempSync(join(tmpdir(), 'concord-backfill-'));
		const before = join(dir, 'migrations');
		cpSync(migrations, before, { recursive: true });
		const journalPath = join(before, 'meta/_journal.json');
		const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
		writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
		const sqlite = new Database(join(dir, 'concord.db'));
		try {
			migrate(drizzle(sqlite, { schema }), { migrationsFolder: before });
			// The record as the first migration left it (raw SQL: today's tables have columns it did not have yet).
			const insert = (sql: string, ...values: unknown[]) => sqlite.prepare(sql).run(...values);
			insert(
				`insert into projects (id, name, settings, created_at) values ('p', 'P', ?, 1)`,
				JSON.stringify(DEFAULT_SETTINGS)
			);
			for (const [id, payload] of Object.entries(PAYLOADS))
				insert(
					`insert into items (id, project_id, modality, payload, metadata, created_at) values (?, 'p', 'text', ?, '{}', 1)`,
					id,
					JSON.stringify(payload)
				);
			insert(`insert into users (id, email, name, password_hash, created_at) values ('u', 'u@x.test', 'U', 'x', 1)`);
			insert(
				`insert into rubrics (id, project_id, family_id, name, version, definition, created_at) values ('r', 'p', 'r', 'R', 1, '{}', 1)`
			);
			insert(
				`insert into evaluations (id, item_id, evaluator_id, rubric_id, rubric_version, scores, flags, tags, spans, sources, state, created_at, updated_at)
				values ('e', 'text', 'u', 'r', 1, '{}', '[]', '[]', '[]', '[]', 'submitted', 1, 1)`
			);
		} finally {
			sqlite.close();
		}
		const opened = await openDb({ dataDir: dir });
		try {
			expect(await indexed(opened.db)).toEqual(expected());
			expect((await indexed(opened.db)).nested).toEqual([sha('a'), sha('d')]);
			// The later migrations backfill what they add: an evaluation's project, items' counts, the facets.
			const [evaluation] = await opened.db.select().from(schema.evaluations);
			expect(evaluation.projectId).toBe('p');
			const counts = await opened.db
				.select({ id: schema.items.id, submitted: schema.items.submittedCount, wanted: schema.items.wanted })
				.from(schema.items);
			expect(counts.find((c) => c.id === 'text')).toEqual({ id: 'text', submitted: 1, wanted: true });
			expect(counts.filter((c) => c.submitted === 0 && c.wanted)).toHaveLength(4);
			expect(await opened.db.select().from(schema.projectFacets)).toEqual([
				{ projectId: 'p', modality: 'text', language: 'en', items: 5 }
			]);
		} finally {
			await opened.close();
		}
	});

	it('is written with each inserted item', async () => {
		dir = mkdtempSync(join(tmpdir(), 'concord-item-media-'));
		const opened = await openDb({ dataDir: dir });
		try {
			const { db } = opened;
			await db.insert(schema.projects).values({ id: 'p', name: 'P', settings: DEFAULT_SETTINGS, createdAt: 1 });
			const writer = createItemWriter(db, 'p');
			// Payloads of every shape under one modality: the writer indexes, it does not validate.
			for (const [externalId, payload] of Object.entries(PAYLOADS))
				await writer.insert(
					{ externalId, modality: 'text', payload, language: 'en', metadata: {} } as unknown as ItemInput,
					1
				);
			const ids = Object.fromEntries(
				(await db.select({ id: schema.items.id, ext: schema.items.externalId }).from(schema.items)).map((r) => [
					r.id,
					r.ext!
				])
			);
			const byExternal = Object.fromEntries(Object.entries(await indexed(db)).map(([id, shas]) => [ids[id], shas]));
			expect(byExternal).toEqual(expected());
		} finally {
			await opened.close();
		}
	});
});
