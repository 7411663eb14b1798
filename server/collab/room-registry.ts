// The rooms of this process and their connections; implements RoomWriter for the rest of the server.
// Guarantees:
// - a room is loaded once (loading → active), drains when its last client leaves and no server write is in
//   flight, and unloads after the grace period only once its log is folded into a snapshot; a flush that fails
//   keeps the room in memory and is retried;
// - rooms.update(name, fn) loads the room if needed, applies fn in one transaction, and resolves only after the
//   change is committed to SQLite and broadcast (it rejects if the store refused it; the change stays in memory).
//   Yjs transactions do not roll back: if fn throws, what it wrote before throwing is kept and committed;
// - rooms.read(name, fn) loads the room if needed and hands fn its document to read (no write);
// - disconnect({ sessionId } | { tokenId } | { userId }) closes every matching connection at once with 4401 (its
//   credential is gone); a closed connection is detached before the call returns, so nothing it sends afterwards
//   is applied or broadcast;
// - recheckUser re-evaluates a user's open connections: revoked ones close with 4403, the rest take the new
//   read/write rights in place; renameUser gives a user's open connections their new display name (the name
//   the write guard requires on new comments, replies, highlights and proposals);
// - one structured log line per connect, disconnect and reject (room, user, code, reason);
// - shutdown stops accepting, closes sockets with 1012 and flushes every room.
import type * as Y from 'yjs';
import { AppError, Validation } from '../domain/errors';
import type { CredentialFilter, RoomWriter } from '../domain/ports';
import type { Logger } from '../logger';
import { parseRoomName } from '#shared/rooms';
import { CLOSE_CODES, CLOSE_RESTART, closeFor } from './close-codes';
import { Connection, type RawData, type RawSocket } from './connection';
import { handleFrame } from './message-handler';
import type { CollabOptions } from './options';
import { encodeSyncStep1 } from './protocol';
import { CommitQueue } from './commit-queue';
import { Room, ServerWrite } from './room';
import type { RoomPermission, RoomTarget } from './room-access';
import type { RoomStorage } from './room-store';
import type { UpgradeDecision } from './upgrade';

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	// A plain view (not a Buffer), so payload copies made with slice() own their memory.
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class RoomRegistry implements RoomWriter {
	readonly #rooms = new Map<string, Room>();
	readonly #byUser = new Map<string, Set<Connection>>();
	#accepting = true;
	#closed = false;
	readonly #pingTimer: ReturnType<typeof setInterval>;
	readonly #commits: CommitQueue;

	constructor(
		private readonly store: RoomStorage,
		private readonly opts: CollabOptions,
		private readonly logger: Logger,
		private readonly permissionOf: (target: RoomTarget, userId: string) => RoomPermission
	) {
		this.#commits = new CommitQueue(store, logger);
		this.#pingTimer = setInterval(() => this.#ping(), opts.pingIntervalMs);
		this.#pingTimer.unref();
	}

	/** Takes over an upgraded socket: refuses it with the decided close code, or joins it to its room. */
	open(ws: RawSocket, decision: UpgradeDecision): void {
		ws.on('error', (err) => this.logger.debug({ err }, 'collab socket error'));
		if (!this.#accepting) {
			ws.close(CLOSE_RESTART, 'Server is restarting');
			return;
		}
		if (!decision.ok) {
			this.logger.info(
				{
					event: 'collab.reject',
					room: decision.room,
					user: decision.userId,
					code: decision.code,
					reason: decision.reason
				},
				'collab connection refused'
			);
			ws.close(decision.code, decision.reason);
			return;
		}
		let room: Room;
		try {
			room = this.#acquire(decision.target.name);
		} catch (err) {
			this.logger.error({ err, room: decision.target.name, user: decision.user.id }, 'could not load a room');
			ws.close(CLOSE_CODES.internal, 'Could not load the room');
			return;
		}
		const { access, writable, moderator } = decision.permission;
		const conn = new Connection(ws, decision.user, decision.target, access ?? 'read', writable, this.opts, moderator);
		conn.onClose = (c, code, reason) => this.#detach(room, c, code, reason);
		room.conns.add(conn);
		let mine = this.#byUser.get(conn.user.id);
		if (!mine) this.#byUser.set(conn.user.id, (mine = new Set()));
		mine.add(conn);
		ws.on('message', (data, isBinary) => this.#onMessage(room, conn, data, isBinary));
		ws.on('close', (code, reason) => conn.closedByPeer(code, reason.toString()));
		ws.on('pong', () => (conn.alive = true));
		conn.send(encodeSyncStep1(room.doc));
		const states = room.awareness.encodeAll();
		if (states) conn.send(states);
		this.logger.info(
			{ event: 'collab.connect', room: room.name, user: conn.user.id, access: conn.access, conn: conn.id },
			'collab connected'
		);
	}

	#onMessage(room: Room, conn: Connection, data: RawData, isBinary: boolean): void {
		if (conn.closed) return;
		conn.alive = true;
		const frame = toBytes(data);
		try {
			if (!isBinary) throw new AppError('bad_request', 'Text frames are not part of the protocol');
			if (!conn.messageBudget.take() || !conn.byteBudget.take(frame.byteLength)) {
				throw new AppError('rate_limited', 'Too many messages; slow down');
			}
			handleFrame(room, conn, frame, this.opts, this.logger);
		} catch (err) {
			const { code, reason } = closeFor(err);
			if (code === CLOSE_CODES.internal)
				this.logger.error({ err, room: room.name, user: conn.user.id }, 'collab message failed');
			this.logger.warn(
				{ event: 'collab.reject', room: room.name, user: conn.user.id, code, reason, conn: conn.id },
				'collab connection closed by the server'
			);
			conn.close(code, reason);
		}
	}

	#detach(room: Room, conn: Connection, code: number, reason: string): void {
		room.conns.delete(conn);
		const mine = this.#byUser.get(conn.user.id);
		mine?.delete(conn);
		if (mine?.size === 0) this.#byUser.delete(conn.user.id);
		room.awareness.removeConnection(conn);
		this.logger.info(
			{
				event: 'collab.disconnect',
				room: room.name,
				user: conn.user.id,
				code,
				reason,
				conn: conn.id,
				ms: Date.now() - conn.connectedAt,
				droppedUpdates: conn.droppedUpdates || undefined
			},
			'collab disconnected'
		);
		this.#release(room);
	}

	#acquire(name: string): Room {
		const existing = this.#rooms.get(name);
		if (existing) {
			if (existing.state === 'draining') {
				if (existing.graceTimer) clearTimeout(existing.graceTimer);
				existing.graceTimer = null;
				existing.state = 'active';
			}
			return existing;
		}
		const room = new Room(name, this.store, this.#commits, this.opts, this.logger);
		this.#rooms.set(name, room);
		try {
			room.load();
		} catch (err) {
			this.#rooms.delete(name);
			room.destroy();
			throw err;
		}
		return room;
	}

	/** An active room with no clients and no write in flight starts draining. */
	#release(room: Room): void {
		if (room.state !== 'active' || room.conns.size > 0 || room.pins > 0 || this.#closed) return;
		room.state = 'draining';
		this.#scheduleUnload(room, this.opts.unloadGraceMs);
	}

	#scheduleUnload(room: Room, delayMs: number): void {
		room.graceTimer = setTimeout(() => this.#tryUnload(room), delayMs);
		room.graceTimer.unref();
	}

	#tryUnload(room: Room): void {
		room.graceTimer = null;
		if (room.state !== 'draining') return;
		if (room.conns.size > 0 || room.pins > 0) {
			room.state = 'active';
			return;
		}
		if (room.inflight > 0) {
			room.afterCommit(() => this.#tryUnload(room));
			return;
		}
		if (room.dirty) {
			try {
				room.compact();
			} catch (err) {
				this.logger.error({ err, room: room.name }, 'could not flush a room; keeping it in memory and retrying');
				this.#scheduleUnload(room, this.opts.storeRetryMs);
				return;
			}
		}
		this.#rooms.delete(room.name);
		room.destroy();
		this.logger.debug({ room: room.name }, 'room unloaded');
	}

	async update(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
		if (this.#closed) throw new AppError('internal', 'Collaboration is shutting down');
		if (!parseRoomName(name)) throw Validation(`"${name}" is not a room name`);
		const room = this.#acquire(name);
		room.pins++;
		try {
			const write = new ServerWrite();
			room.doc.transact(() => fn(room.doc), write);
			await room.committed();
			if (write.failure) throw new AppError('internal', `The change to room ${name} could not be stored`);
		} finally {
			room.pins--;
			this.#release(room);
		}
	}

	/** Reads a room's document (loading it if needed) without writing to it. */
	read<T>(name: string, fn: (doc: Y.Doc) => T): T {
		if (this.#closed) throw new AppError('internal', 'Collaboration is shutting down');
		if (!parseRoomName(name)) throw Validation(`"${name}" is not a room name`);
		const room = this.#acquire(name);
		room.pins++;
		try {
			return fn(room.doc);
		} finally {
			room.pins--;
			this.#release(room);
		}
	}

	recheckUser(userId: string): void {
		for (const conn of [...(this.#byUser.get(userId) ?? [])]) {
			let permission: RoomPermission;
			try {
				permission = this.permissionOf(conn.target, userId);
			} catch (err) {
				this.logger.error({ err, room: conn.target.name, user: userId }, 'could not re-check room access');
				continue;
			}
			if (permission.access === null) {
				this.logger.info(
					{
						event: 'collab.reject',
						room: conn.target.name,
						user: userId,
						code: CLOSE_CODES.forbidden,
						reason: 'access revoked'
					},
					'collab access revoked'
				);
				conn.close(CLOSE_CODES.forbidden, 'Your access to this room was removed');
				continue;
			}
			conn.access = permission.access;
			conn.writable = permission.writable;
			conn.moderator = permission.moderator;
		}
	}

	renameUser(userId: string, name: string): void {
		for (const conn of this.#byUser.get(userId) ?? []) conn.user = { ...conn.user, name };
	}

	disconnect(which: CredentialFilter): number {
		const matches = (conn: Connection) =>
			'sessionId' in which
				? conn.user.sessionId === which.sessionId
				: 'tokenId' in which
					? conn.user.tokenId === which.tokenId
					: conn.user.id === which.userId;
		let closed = 0;
		for (const conns of [...this.#byUser.values()]) {
			for (const conn of [...conns]) {
				if (!matches(conn)) continue;
				this.logger.info(
					{
						event: 'collab.reject',
						room: conn.target.name,
						user: conn.user.id,
						code: CLOSE_CODES.unauthenticated,
						reason: 'credential ended',
						conn: conn.id
					},
					'collab credential ended'
				);
				conn.close(CLOSE_CODES.unauthenticated, 'You were signed out');
				closed++;
			}
		}
		return closed;
	}

	stats(): { rooms: number; connections: number } {
		let connections = 0;
		for (const room of this.#rooms.values()) connections += room.conns.size;
		return { rooms: this.#rooms.size, connections };
	}

	/** For tests and health: the lifecycle state of a room, or 'unloaded' when it is not in memory. */
	roomState(name: string): Room['state'] {
		return this.#rooms.get(name)?.state ?? 'unloaded';
	}

	#ping(): void {
		for (const room of this.#rooms.values()) {
			for (const conn of [...room.conns]) {
				if (!conn.alive) {
					conn.terminate('No answer to ping');
					continue;
				}
				conn.alive = false;
				conn.ws.ping();
			}
		}
	}

	/** Stops accepting and closes every socket with 1012; sockets that do not finish closing are terminated. */
	closeSockets(): void {
		this.#accepting = false;
		const sockets: RawSocket[] = [];
		for (const room of this.#rooms.values()) {
			for (const conn of [...room.conns]) {
				sockets.push(conn.ws);
				conn.close(CLOSE_RESTART, 'Server is restarting');
			}
		}
		if (sockets.length === 0) return;
		setTimeout(() => {
			for (const ws of sockets) if (ws.readyState !== 3) ws.terminate();
		}, this.opts.closeTimeoutMs).unref();
	}

	/** Flushes every room to a snapshot and releases them. Call after closeSockets, before closing the database. */
	async shutdown(): Promise<void> {
		this.closeSockets();
		this.#closed = true;
		clearInterval(this.#pingTimer);
		this.#commits.flush();
		await this.#commits.idle();
		for (const room of this.#rooms.values()) {
			try {
				if (room.dirty) room.compact();
			} catch (err) {
				this.logger.error({ err, room: room.name, unstored: room.unsent.length }, 'could not flush a room at shutdown');
			}
			room.destroy();
		}
		this.#rooms.clear();
	}
}
