// tx() on the record, on both dialects: a transaction that fails leaves nothing behind, a statement from outside
// never sees what an open transaction wrote, a transaction begun inside another joins it, and a failed one
// leaves the record usable. Every write rule of Concord (overlap, counts, seq, audit) leans on these.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDb, tx, type OpenedDb } from '../../server/db/client';
import { users } from '../../drizzle/schema';
import { testDbConfig } from '../fixtures/test-database';

const dataDir = mkdtempSync(join(tmpdir(), 'concord-tx-'));
let database: OpenedDb;

beforeAll(async () => {
	database = await openDb(await testDbConfig(dataDir));
});
afterAll(async () => {
	await database.close();
	rmSync(dataDir, { recursive: true, force: true });
});

const person = (id: string) => ({ id, email: `${id}@tx.test`, name: id, passwordHash: 'x', createdAt: Date.now() });
const exists = async (id: string) => (await database.db.select().from(users).where(eq(users.id, id))).length === 1;

describe('transactions', () => {
	it('leave nothing behind when they fail', async () => {
		await expect(
			tx(database.db, async (t) => {
				await t.insert(users).values(person('failed-1'));
				throw new Error('refused');
			})
		).rejects.toThrow('refused');
		expect(await exists('failed-1')).toBe(false);
	});

	it('keep what they wrote from a statement outside them until they commit', async () => {
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		let committed = false;
		let inserted!: () => void;
		const wrote = new Promise<void>((r) => (inserted = r));
		const writing = tx(database.db, async (t) => {
			await t.insert(users).values(person('open-1'));
			inserted();
			await held;
		}).then(() => (committed = true));
		await wrote;
		// Asked while the transaction is open: it must not answer with the uncommitted row.
		const outside = exists('open-1').then((seen) => ({ seen, afterCommit: committed }));
		await new Promise((r) => setTimeout(r, 50));
		release();
		await writing;
		const { seen, afterCommit } = await outside;
		expect(seen).toBe(afterCommit); // seen only once committed (SQLite waits; PostgreSQL reads the committed state)
		expect(await exists('open-1')).toBe(true);
	});

	it('join an open transaction when begun inside it: a failure inside undoes the whole', async () => {
		await expect(
			tx(database.db, async (t) => {
				await t.insert(users).values(person('outer-1'));
				await tx(t, async (inner) => {
					await inner.insert(users).values(person('inner-1'));
				});
				throw new Error('after the inner one');
			})
		).rejects.toThrow('after the inner one');
		expect(await exists('outer-1')).toBe(false);
		expect(await exists('inner-1')).toBe(false);
	});

	it('leave the record usable after a failure, for the next transaction and for plain statements', async () => {
		await expect(
			tx(database.db, async (t) => {
				await t.insert(users).values(person('dup-1'));
				await t.insert(users).values(person('dup-1')); // the same primary key: the database refuses
			})
		).rejects.toThrow();
		expect(await exists('dup-1')).toBe(false);
		await tx(database.db, (t) => t.insert(users).values(person('after-1')));
		expect(await exists('after-1')).toBe(true);
	});
});
