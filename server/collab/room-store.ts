// Durable storage of room documents in the record (SQLite or PostgreSQL): an append-only update log per room
// (doc_updates) folded into one snapshot per room (doc_snapshots). An append has been committed when its promise
// resolves (SQLite: journal_mode=WAL, synchronous=NORMAL, durable against a process crash). A room's state is its
// snapshot plus every log entry left for it; it is read in one statement, so it is consistent however other nodes
// append or compact meanwhile.
// Compaction is safe with several nodes writing one room: it runs under a lock of that room (one compaction at a
// time across the cluster), merges the stored snapshot, every log entry it reads and the compacting node's own
// state into the new snapshot, and deletes exactly the entries it merged. An update another node appends
// meanwhile (even one whose id is lower, committed later, as PostgreSQL allows) stays in the log. A crash at any
// point leaves either the old or the new state.
// appendMany is the group commit: one transaction for every update that arrived in one turn of the event loop
// (a commit per update costs 5–10× more, mostly in WAL writes and checkpoints). Its log ids come back in input
// order, ascending.
// The store never joins a caller's transaction: its work runs in the context the store was built in, so a room
// write scheduled from inside a tx() (a commit, a compaction or an unload timer set up there) cannot end up on
// that transaction's connection after it has ended. Hence, as for any query on the root database, awaiting a
// room write inside tx() waits for that transaction on SQLite: call rooms.update/read outside transactions.
import { and, eq, inArray, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import type Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { rows, serialize, tx, type Db, type OpenedDb } from '../db/client';
import { docSnapshots, docUpdates } from '../../drizzle/schema';
import { newId } from '../domain/ids';

export interface StoredRoom {
	snapshot: Uint8Array | null;
	updates: Uint8Array[];
	/** Bytes in the log after the snapshot. */
	logBytes: number;
}

/**
 * A document for the server's own use, garbage-collected. Its guid is drawn from our id pool: left to Yjs, each
 * new document draws a UUID from the platform's web crypto in 31 separate calls, which cost a fifth of a second
 * per thousand rooms opened (a tenth of the time `seed:scale` spent opening the rooms of its escalations).
 */
export const serverDoc = () => new Y.Doc({ gc: true, guid: newId() });

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

type AppendEntry = { room: string; update: Uint8Array };

/** Rows per INSERT on PostgreSQL: three parameters a row stay far below its 65 535 parameters per statement. */
const PG_ROWS_PER_INSERT = 1000;
/** Log ids per DELETE of merged entries (SQLite allows 32 766 parameters, PostgreSQL 65 535). */
const DELETE_CHUNK = 5000;

/**
 * What rooms need from their storage. appendMany may answer synchronously (a test store) or with a promise: the
 * commit queue then acknowledges nothing until the promise settles.
 */
export interface RoomStorage {
	load(room: string): Promise<StoredRoom>;
	appendMany(entries: readonly AppendEntry[]): number[] | Promise<number[]>;
	/** Folds `state`, the stored snapshot and the room's log into a new snapshot (see the header). */
	saveSnapshot(room: string, state: Uint8Array): Promise<void>;
}

/**
 * Appends one update to a room's log and returns its id. Runs on `db` as given, so a caller inside a transaction
 * (the demo seed) passes its transaction.
 */
export async function appendRoomUpdate(db: Db, room: string, update: Uint8Array): Promise<number> {
	const [{ id }] = await db
		.insert(docUpdates)
		.values({ room, data: asBuffer(update), createdAt: Date.now() })
		.returning({ id: docUpdates.id });
	return id;
}

/**
 * A room's stored state in one statement (one consistent read on either dialect): its snapshot first (part 0,
 * with the highest log id it folded), then every log entry left for it (part 1), in id order.
 */
function storedParts(db: Db, room: string) {
	return rows<{ part: 0 | 1; id: number; data: Buffer }>(
		db,
		sql`select 0 as part, last_update_id as id, data from doc_snapshots where room = ${room}
			union all select 1 as part, id, data from doc_updates where room = ${room}
			order by part, id`
	);
}

export class RoomStore implements RoomStorage {
	readonly #db: Db;
	readonly #appendMany: (entries: readonly AppendEntry[], at: number) => Promise<number[]>;
	/** Runs a function in the context of the constructor, outside any transaction of whoever calls the store. */
	readonly #detached = AsyncLocalStorage.snapshot();

	constructor(database: OpenedDb) {
		this.#db = database.db;
		this.#appendMany = database.sqlite ? sqliteAppend(database, database.sqlite) : (e, at) => pgAppend(this.#db, e, at);
	}

	/** The room's snapshot and every log entry left for it, read in one statement. */
	load(room: string): Promise<StoredRoom> {
		return this.#detached(() => this.#load(room));
	}

	async #load(room: string): Promise<StoredRoom> {
		const parts = await storedParts(this.#db, room);
		const snap = parts[0]?.part === 0 ? parts[0] : null;
		const log = snap ? parts.slice(1) : parts;
		let logBytes = 0;
		for (const r of log) logBytes += r.data.byteLength;
		return {
			snapshot: snap ? new Uint8Array(snap.data) : null,
			updates: log.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)),
			logBytes
		};
	}

	/** Appends several updates (any rooms) in one transaction: all are committed when this resolves, or none. */
	appendMany(entries: readonly AppendEntry[]): Promise<number[]> {
		return this.#detached(() => this.#appendMany(entries, Date.now()));
	}

	saveSnapshot(room: string, state: Uint8Array): Promise<void> {
		return this.#detached(() => this.#saveSnapshot(room, state));
	}

	async #saveSnapshot(room: string, state: Uint8Array): Promise<void> {
		await tx(this.#db, async (t) => {
			await serialize(t, `room:${room}`);
			const parts = await storedParts(t, room);
			const doc = serverDoc();
			for (const p of parts) Y.applyUpdate(doc, p.data);
			Y.applyUpdate(doc, state);
			const data = asBuffer(Y.encodeStateAsUpdate(doc));
			doc.destroy();
			const merged = parts.filter((p) => p.part === 1).map((p) => p.id);
			const upTo = parts.reduce((max, p) => Math.max(max, p.id), 0);
			const now = Date.now();
			await t
				.insert(docSnapshots)
				.values({ room, data, lastUpdateId: upTo, updatedAt: now })
				.onConflictDoUpdate({ target: docSnapshots.room, set: { data, lastUpdateId: upTo, updatedAt: now } });
			for (let i = 0; i < merged.length; i += DELETE_CHUNK)
				await t
					.delete(docUpdates)
					.where(and(eq(docUpdates.room, room), inArray(docUpdates.id, merged.slice(i, i + DELETE_CHUNK))));
		});
	}
}

/**
 * SQLite's hot path (every accepted update): one raw prepared statement inside one prebuilt better-sqlite3
 * transaction (drizzle builds a transaction object per call, which costs about a third of a commit). It runs
 * synchronously once no drizzle transaction holds the connection (`exclusive`).
 */
function sqliteAppend(database: OpenedDb, sqlite: Database.Database) {
	const insert = sqlite.prepare('INSERT INTO doc_updates (room, data, created_at) VALUES (?, ?, ?)');
	// better-sqlite3's own transaction, on purpose: `exclusive` runs it while no drizzle transaction is open.
	// eslint-disable-next-line no-restricted-syntax
	const batch = sqlite.transaction((entries: readonly AppendEntry[], at: number) =>
		entries.map(({ room, update }) => Number(insert.run(room, asBuffer(update), at).lastInsertRowid))
	);
	return (entries: readonly AppendEntry[], at: number) => database.exclusive(() => batch.immediate(entries, at));
}

/**
 * PostgreSQL: multi-row INSERTs returning the new ids. The ids of one statement are drawn from the identity in
 * the order of its rows, and statements follow each other, so the sorted ids match the entries. One statement is
 * atomic on its own; a larger batch takes a transaction.
 */
async function pgAppend(db: Db, entries: readonly AppendEntry[], at: number): Promise<number[]> {
	if (entries.length === 0) return [];
	const insert = async (t: Db, part: readonly AppendEntry[]) => {
		const inserted = await t
			.insert(docUpdates)
			.values(part.map(({ room, update }) => ({ room, data: asBuffer(update), createdAt: at })))
			.returning({ id: docUpdates.id });
		return inserted.map((r) => r.id).sort((a, b) => a - b);
	};
	if (entries.length <= PG_ROWS_PER_INSERT) return insert(db, entries);
	return tx(db, async (t) => {
		const ids: number[] = [];
		for (let i = 0; i < entries.length; i += PG_ROWS_PER_INSERT)
			ids.push(...(await insert(t, entries.slice(i, i + PG_ROWS_PER_INSERT))));
		return ids;
	});
}
