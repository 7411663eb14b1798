// What the server does with one client frame. Throws AppErrors that the caller turns into close codes:
// malformed (4400), forbidden key or authorship (4403), too large (4413), too many sync requests (4429). (A store
// failure is reported by the room: 4500.)
// - sync step 1 → reply with sync step 2 (what the client lacks), once pending changes are committed;
// - sync step 2 / update → read-only connections: dropped; writers: checked by the write guard against the
//   connection's writable keys and for authorship in `discussion` and `annotations` (authorship.ts), then
//   applied (committed, then broadcast by the room). An update with missing dependencies is not applied; the
//   client is asked to resync (step 1) so it sends them along;
// - awareness → the room's presence rules; query-awareness → every current state.
import * as Y from 'yjs';
import { AppError, Forbidden } from '../domain/errors';
import type { Logger } from '../logger';
import type { Connection } from './connection';
import type { CollabOptions } from './options';
import { encodeSyncStep1, parseClientMessage, protocolError } from './protocol';
import type { Room } from './room';
import { inspectUpdate } from './write-guard';

const RESYNC_INTERVAL_MS = 2000;

export function handleFrame(
	room: Room,
	conn: Connection,
	frame: Uint8Array,
	opts: CollabOptions,
	logger: Logger
): void {
	const message = parseClientMessage(frame);
	switch (message.type) {
		case 'syncStep1': {
			if (!conn.syncBudget.take()) throw new AppError('rate_limited', 'Too many sync requests; slow down');
			const { stateVector } = message;
			try {
				Y.decodeStateVector(stateVector);
			} catch {
				throw protocolError('invalid state vector');
			}
			// Reply once pending changes are committed: a client never receives what is not yet durable.
			room.afterCommit(() => conn.send(room.syncStep2(stateVector)));
			return;
		}
		case 'syncStep2':
		case 'update':
			applyClientUpdate(room, conn, message.update, opts, logger);
			return;
		case 'awareness':
			room.awareness.receive(conn, message.update);
			return;
		case 'queryAwareness': {
			const states = room.awareness.encodeAll();
			if (states) conn.send(states);
			return;
		}
	}
}

function applyClientUpdate(
	room: Room,
	conn: Connection,
	update: Uint8Array,
	opts: CollabOptions,
	logger: Logger
): void {
	if (conn.access !== 'write') {
		conn.droppedUpdates++;
		return;
	}
	const verdict = inspectUpdate(room.doc, update, opts, {
		userId: conn.user.id,
		name: conn.user.name,
		moderator: conn.moderator
	});
	if (verdict.kind === 'invalid') throw protocolError(verdict.reason);
	if (verdict.kind === 'forbidden') throw Forbidden(verdict.reason);
	if (verdict.kind === 'incomplete') {
		const now = Date.now();
		if (now - conn.lastResyncAt >= RESYNC_INTERVAL_MS) {
			conn.lastResyncAt = now;
			conn.send(encodeSyncStep1(room.doc));
		}
		logger.debug(
			{ room: room.name, user: conn.user.id },
			'update with missing dependencies not applied; resync requested'
		);
		return;
	}
	if (verdict.empty) return;
	for (const root of verdict.roots) {
		if (!conn.writable.has(root)) throw Forbidden(`This connection may not write "${root}" in this room`);
	}
	try {
		room.applyClientUpdate(verdict.update, conn, verdict.fresh);
	} catch (err) {
		logger.error({ err, room: room.name, user: conn.user.id }, 'a checked update failed to apply');
		throw protocolError('the update could not be applied');
	}
}
