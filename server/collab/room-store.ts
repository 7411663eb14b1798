// Durable storage of room documents in SQLite: an append-only update log per room (doc_updates) folded into one
// snapshot per room (doc_snapshots). better-sqlite3 is synchronous, so an append has been committed to the WAL when
// append() returns (journal_mode=WAL, synchronous=NORMAL: durable against a process crash). A snapshot replaces
// the log entries it covers in one transaction, so a crash at any point leaves either the old or the new state.
// appendMany is the group commit: one transaction for every update that arrived in one turn of the event loop
// (a commit per update costs 5–10× more, mostly in WAL writes and checkpoints).
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client';
import { docSnapshots, docUpdates } from '../../drizzle/schema';

export interface StoredRoom {
	snapshot: Uint8Array | null;
	updates: Uint8Array[];
	/** Highest log id the loaded state covers. */
	lastUpdateId: number;
	/** Bytes in the log after the snapshot. */
	logBytes: number;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

type AppendEntry = { room: string; update: Uint8Array };

/**
 * What rooms need from their storage. appendMany may answer asynchronously (a store over a network database,
 * or a test holding commits back): the commit queue then acknowledges nothing until the promise settles.
 */
export interface RoomStorage {
	load(room: string): StoredRoom;
	appendMany(entries: readonly AppendEntry[]): number[] | Promise<number[]>;
	saveSnapshot(room: string, state: Uint8Array, upTo: number): void;
}

export class RoomStore implements RoomStorage {
	readonly #db: Db;
	readonly #insert;
	readonly #snapshot;
	readonly #log;
	readonly #appendMany: (entries: readonly AppendEntry[], at: number) => number[];

	/** `sqlite` (the same database's raw handle) enables the fast group-commit path; without it drizzle is used. */
	constructor(db: Db, sqlite?: Database.Database) {
		this.#db = db;
		this.#insert = db
			.insert(docUpdates)
			.values({ room: sql.placeholder('room'), data: sql.placeholder('data'), createdAt: sql.placeholder('at') })
			.prepare();
		// The hot path (every accepted update) uses one raw prepared statement inside one prebuilt better-sqlite3
		// transaction: drizzle builds a transaction object per call, which costs about a third of a commit.
		const insert = sqlite?.prepare('INSERT INTO doc_updates (room, data, created_at) VALUES (?, ?, ?)');
		const raw =
			sqlite && insert
				? sqlite.transaction((entries: readonly AppendEntry[], at: number) =>
						entries.map(({ room, update }) => Number(insert.run(room, asBuffer(update), at).lastInsertRowid))
					)
				: null;
		this.#appendMany = raw
			? (entries, at) => raw.immediate(entries, at)
			: (entries, at) =>
					db.transaction(
						() =>
							entries.map(({ room, update }) =>
								Number(this.#insert.run({ room, data: asBuffer(update), at }).lastInsertRowid)
							),
						{ behavior: 'immediate' }
					);
		this.#snapshot = db
			.select({ data: docSnapshots.data, lastUpdateId: docSnapshots.lastUpdateId })
			.from(docSnapshots)
			.where(eq(docSnapshots.room, sql.placeholder('room')))
			.prepare();
		this.#log = db
			.select({ id: docUpdates.id, data: docUpdates.data })
			.from(docUpdates)
			.where(and(eq(docUpdates.room, sql.placeholder('room')), gt(docUpdates.id, sql.placeholder('after'))))
			.orderBy(asc(docUpdates.id))
			.prepare();
	}

	load(room: string): StoredRoom {
		const snap = this.#snapshot.get({ room });
		const rows = this.#log.all({ room, after: snap?.lastUpdateId ?? 0 });
		let logBytes = 0;
		for (const r of rows) logBytes += r.data.byteLength;
		return {
			snapshot: snap ? new Uint8Array(snap.data) : null,
			updates: rows.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)),
			lastUpdateId: rows.length > 0 ? rows[rows.length - 1].id : (snap?.lastUpdateId ?? 0),
			logBytes
		};
	}

	/** Appends one update; committed when this returns. Returns its log id. */
	append(room: string, update: Uint8Array): number {
		const result = this.#insert.run({ room, data: asBuffer(update), at: Date.now() });
		return Number(result.lastInsertRowid);
	}

	/** Appends several updates (any rooms) in one transaction: all are committed when this returns, or none. */
	appendMany(entries: readonly { room: string; update: Uint8Array }[]): number[] {
		return this.#appendMany(entries, Date.now());
	}

	/** Replaces the snapshot with `state` (covering log ids ≤ upTo) and drops those log entries, atomically. */
	saveSnapshot(room: string, state: Uint8Array, upTo: number): void {
		const data = asBuffer(state);
		const now = Date.now();
		this.#db.transaction(
			(t) => {
				t.insert(docSnapshots)
					.values({ room, data, lastUpdateId: upTo, updatedAt: now })
					.onConflictDoUpdate({ target: docSnapshots.room, set: { data, lastUpdateId: upTo, updatedAt: now } })
					.run();
				t.delete(docUpdates)
					.where(and(eq(docUpdates.room, room), lte(docUpdates.id, upTo)))
					.run();
			},
			{ behavior: 'immediate' }
		);
	}
}
