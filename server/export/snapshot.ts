// A private read-only connection for one export, holding one read transaction: the export sees a consistent
// snapshot (WAL lets writers go on meanwhile) and its long-running statement iterators never block the shared
// connection that every request writes through. Closing it ends the transaction.
import Database from 'better-sqlite3';

export type Snapshot = Database.Database;

export function openSnapshot(main: Database.Database): Snapshot {
	const snap = new Database(main.name, { readonly: true, fileMustExist: true });
	try {
		snap.pragma('busy_timeout = 5000');
		snap.exec('BEGIN');
		// The first read fixes the snapshot for the rest of the transaction.
		snap.prepare('SELECT count(*) FROM sqlite_master').get();
	} catch (err) {
		snap.close();
		throw err;
	}
	return snap;
}

export function closeSnapshot(snap: Snapshot): void {
	if (snap.open) snap.close();
}
