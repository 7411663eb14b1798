// The rooms of this process and their connections; implements RoomWriter for the rest of the server.
// Guarantees:
// - a room is loaded once (loading → active: everyone who needs it meanwhile waits for the same load), drains
//   when its last client leaves and no server write is in flight, and unloads after the grace period only once
//   its log is folded into a snapshot; a flush that fails keeps the room in memory and is retried. A client or
//   write arriving while the room flushes for unloading cancels the unload (the room stays as it is);
// - a connection that arrives while its room loads is greeted once the room is loaded; the frames it sends
//   meanwhile are queued (their rate budgets are charged on arrival) and handled in arrival order before any
//   later frame; if the load fails, every waiting connection is closed with 4500;
// - rooms.update(name, fn) loads the room if needed, applies fn in one transaction, and resolves only after the
//   change is committed to the store and broadcast (it rejects if the store refused it; the change stays in
//   memory). Yjs transactions do not roll back: if fn throws, what it wrote before throwing is kept and committed;
// - rooms.read(name, fn) loads the room if needed and hands fn its document to read (no write);
// - disconnect, recheckUser and renameUser act on a person's connections in every room (user-connections.ts); a
//   closed connection is detached at once, so nothing it sends afterwards is applied or broadcast; recheckRoom
//   re-checks the people in one room the same way (a calibration session that closed makes its room read-only);
// - one structured log line per connect, disconnect and reject (room, user, code, reason);
// - shutdown stops accepting, closes sockets with 1012, waits for loads and commits in progress and flushes every
//   room;
// - with a shared bus (Redis), a room is subscribed to before it is loaded from the store (nothing published in
//   between is missed), its committed changes and presence are relayed to the other nodes serving it, and the
//   person-wide orders (disconnect, recheck, rename) reach every node's connections. After a bus outage every
//   loaded room catches up from the store.
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
import type { RoomStorage } from './room-store';
import type { UpgradeDecision } from './upgrade';
import { UserConnections, type PermissionLookup } from './user-connections';
import { localBus, type ClusterBus, type ControlMessage, type RoomListener } from '../cluster/bus';

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	// A plain view (not a Buffer), so payload copies made with slice() own their memory.
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class RoomRegistry implements RoomWriter {
	readonly #rooms = new Map<string, Room>();
	/** The load of each room still loading, shared by everyone who needs the room meanwhile. */
	readonly #loads = new Map<Room, Promise<void>>();
	/** Server writes in progress (rooms.update), for settled(). */
	readonly #writes = new Set<Promise<void>>();
	/** Each loaded room's subscription to other nodes' traffic. */
	readonly #listeners = new Map<Room, RoomListener>();
	readonly #users: UserConnections;
	#accepting = true;
	#closed = false;
	readonly #pingTimer: ReturnType<typeof setInterval>;
	readonly #commits: CommitQueue;

	constructor(
		private readonly store: RoomStorage,
		private readonly opts: CollabOptions,
		private readonly logger: Logger,
		permissionOf: PermissionLookup,
		private readonly bus: ClusterBus = localBus()
	) {
		this.#users = new UserConnections(logger, permissionOf);
		bus.onControl((m) => this.#obey(m));
		bus.onReconnect(() => {
			for (const room of this.#rooms.values())
				room.catchUp().catch((err: unknown) => logger.error({ err, room: room.name }, 'room catch-up failed'));
		});
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
		const { room, loaded } = this.#acquire(decision.target.name);
		const { access, writable, moderator } = decision.permission;
		const conn = new Connection(ws, decision.user, decision.target, access ?? 'read', writable, this.opts, moderator);
		conn.onClose = (c, code, reason) => this.#detach(room, c, code, reason);
		room.conns.add(conn);
		this.#users.add(conn);
		// Frames that arrive before the room is loaded wait here, in arrival order; null once the room is loaded.
		let waiting: Uint8Array[] | null = [];
		ws.on('message', (data, isBinary) => {
			const frame = this.#admit(room, conn, data, isBinary);
			if (frame === null) return;
			if (waiting) waiting.push(frame);
			else this.#handle(room, conn, frame);
		});
		ws.on('close', (code, reason) => conn.closedByPeer(code, reason.toString()));
		ws.on('pong', () => (conn.alive = true));
		const start = () => {
			const queued = waiting ?? [];
			waiting = null;
			this.#greet(room, conn);
			for (const frame of queued) this.#handle(room, conn, frame);
		};
		if (!this.#loads.has(room)) start();
		// On failure #acquire has logged it and closed the room's connections, this one included.
		else loaded.then(start, () => {});
	}

	/** Sends a joining connection the server's state vector and everyone's presence. */
	#greet(room: Room, conn: Connection): void {
		if (conn.closed) return;
		conn.send(encodeSyncStep1(room.doc));
		const states = room.awareness.encodeAll();
		if (states) conn.send(states);
		this.logger.info(
			{ event: 'collab.connect', room: room.name, user: conn.user.id, access: conn.access, conn: conn.id },
			'collab connected'
		);
	}

	/** Accounts one incoming frame against the connection's budgets; null (and the connection closed) if refused. */
	#admit(room: Room, conn: Connection, data: RawData, isBinary: boolean): Uint8Array | null {
		if (conn.closed) return null;
		conn.alive = true;
		const frame = toBytes(data);
		try {
			if (!isBinary) throw new AppError('bad_request', 'Text frames are not part of the protocol');
			if (!conn.messageBudget.take() || !conn.byteBudget.take(frame.byteLength)) {
				throw new AppError('rate_limited', 'Too many messages; slow down');
			}
			return frame;
		} catch (err) {
			this.#refuse(room, conn, err);
			return null;
		}
	}

	#handle(room: Room, conn: Connection, frame: Uint8Array): void {
		if (conn.closed) return;
		try {
			handleFrame(room, conn, frame, this.opts, this.logger);
		} catch (err) {
			this.#refuse(room, conn, err);
		}
	}

	#refuse(room: Room, conn: Connection, err: unknown): void {
		const { code, reason } = closeFor(err);
		if (code === CLOSE_CODES.internal)
			this.logger.error({ err, room: room.name, user: conn.user.id }, 'collab message failed');
		this.logger.warn(
			{ event: 'collab.reject', room: room.name, user: conn.user.id, code, reason, conn: conn.id },
			'collab connection closed by the server'
		);
		conn.close(code, reason);
	}

	#detach(room: Room, conn: Connection, code: number, reason: string): void {
		room.conns.delete(conn);
		this.#users.delete(conn);
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

	/**
	 * The room of that name, loading it if it is not in memory; `loaded` settles once it is usable (rejects if
	 * the load failed: then the room is dropped and its connections are closed with 4500). A draining room
	 * (also one whose unload flush is being written) becomes active again.
	 */
	#acquire(name: string): { room: Room; loaded: Promise<void> } {
		const existing = this.#rooms.get(name);
		if (existing) {
			if (existing.state === 'draining') {
				if (existing.graceTimer) clearTimeout(existing.graceTimer);
				existing.graceTimer = null;
				existing.state = 'active';
			}
			return { room: existing, loaded: this.#loads.get(existing) ?? Promise.resolve() };
		}
		const room = new Room(name, this.store, this.#commits, this.opts, this.logger);
		this.#rooms.set(name, room);
		const listener: RoomListener = (kind, payload) => {
			try {
				room.receiveRelayed(kind, payload);
			} catch (err) {
				this.logger.error({ err, room: name, kind }, 'could not apply a relayed room message');
			}
		};
		this.#listeners.set(room, listener);
		if (this.bus.shared) room.relay = (kind, payload) => this.bus.publishRoom(name, kind, payload);
		const loaded = this.bus
			.subscribeRoom(name, listener)
			.then(() => room.load())
			.then(
				() => {
					this.#loads.delete(room);
					// Everyone who waited for the room may have left meanwhile.
					this.#release(room);
				},
				(err: unknown) => {
					this.#loads.delete(room);
					if (this.#rooms.get(name) === room) this.#rooms.delete(name);
					const users = [...room.conns].map((c) => c.user.id);
					this.logger.error({ err, room: name, users }, 'could not load a room');
					for (const conn of [...room.conns]) conn.close(CLOSE_CODES.internal, 'Could not load the room');
					this.#destroy(room);
					throw err;
				}
			);
		this.#loads.set(room, loaded);
		return { room, loaded };
	}

	/** Releases a room's memory and its subscription to other nodes. */
	#destroy(room: Room): void {
		room.destroy();
		const listener = this.#listeners.get(room);
		this.#listeners.delete(room);
		if (listener)
			this.bus
				.unsubscribeRoom(room.name, listener)
				.catch((err: unknown) => this.logger.error({ err, room: room.name }, 'could not unsubscribe a room'));
	}

	/** An active room with no clients and no write in flight starts draining. */
	#release(room: Room): void {
		if (room.state !== 'active' || room.conns.size > 0 || room.pins > 0 || this.#closed) return;
		room.state = 'draining';
		this.#scheduleUnload(room, this.opts.unloadGraceMs);
	}

	#scheduleUnload(room: Room, delayMs: number): void {
		room.graceTimer = setTimeout(() => {
			room.graceTimer = null;
			this.#tryUnload(room);
		}, delayMs);
		room.graceTimer.unref();
	}

	/**
	 * Unloads a draining room once its pending commits and its flush are done. Does nothing when the room was
	 * taken again meanwhile (it is active, or draining again with a grace timer of its own).
	 */
	#tryUnload(room: Room): void {
		if (room.state !== 'draining' || room.graceTimer) return;
		if (room.conns.size > 0 || room.pins > 0) {
			room.state = 'active';
			return;
		}
		if (room.inflight > 0) {
			room.afterCommit(() => this.#tryUnload(room));
			return;
		}
		if (room.dirty) {
			room.compact().then(
				() => this.#tryUnload(room),
				(err: unknown) => {
					this.logger.error({ err, room: room.name }, 'could not flush a room; keeping it in memory and retrying');
					if (room.state === 'draining' && !room.graceTimer) this.#scheduleUnload(room, this.opts.storeRetryMs);
				}
			);
			return;
		}
		if (this.#rooms.get(room.name) === room) this.#rooms.delete(room.name);
		this.#destroy(room);
		this.logger.debug({ room: room.name }, 'room unloaded');
	}

	update(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
		const write = this.#update(name, fn);
		this.#writes.add(write);
		const done = () => this.#writes.delete(write);
		write.then(done, done);
		return write;
	}

	/** Resolves once every server write begun so far (and any begun meanwhile) has settled. */
	async settled(): Promise<void> {
		while (this.#writes.size) await Promise.allSettled([...this.#writes]);
	}

	async #update(name: string, fn: (doc: Y.Doc) => void): Promise<void> {
		const room = await this.#pin(name);
		try {
			const write = new ServerWrite();
			room.write(() => fn(room.doc), write);
			await room.committed();
			if (write.failure) throw new AppError('internal', `The change to room ${name} could not be stored`);
		} finally {
			this.#unpin(room);
		}
	}

	/** Reads a room's document (loading it if needed) without writing to it. */
	async read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T> {
		const room = await this.#pin(name);
		try {
			// Through room.write all the same: whatever fn changes by mistake is committed and broadcast, not lost.
			let result: T | undefined;
			room.write(() => (result = fn(room.doc)), null);
			return result as T;
		} finally {
			this.#unpin(room);
		}
	}

	/** The loaded room of that name, pinned in memory until #unpin. */
	async #pin(name: string): Promise<Room> {
		if (this.#closed) throw new AppError('internal', 'Collaboration is shutting down');
		if (!parseRoomName(name)) throw Validation(`"${name}" is not a room name`);
		const { room, loaded } = this.#acquire(name);
		room.pins++;
		try {
			await loaded;
			if (room.state === 'unloaded') throw new AppError('internal', 'Collaboration is shutting down');
			return room;
		} catch (err) {
			this.#unpin(room);
			throw err;
		}
	}

	#unpin(room: Room): void {
		room.pins--;
		this.#release(room);
	}

	/**
	 * Re-checks the user's open connections (see user-connections.ts) on every node; resolves once this node's
	 * revoked ones are closed.
	 */
	recheckUser(userId: string): Promise<void> {
		this.bus.publishControl({ type: 'recheck', userId });
		return this.#users.recheck(userId);
	}

	/**
	 * Re-checks the connections of everyone in a room on every node (see recheckUser); resolves once this node's
	 * answers are applied.
	 */
	recheckRoom(name: string): Promise<void> {
		this.bus.publishControl({ type: 'recheckRoom', room: name });
		return this.#recheckRoom(name);
	}

	async #recheckRoom(name: string): Promise<void> {
		const room = this.#rooms.get(name);
		if (!room) return;
		const people = new Set([...room.conns].map((c) => c.user.id));
		await Promise.all([...people].map((userId) => this.#users.recheck(userId)));
	}

	renameUser(userId: string, name: string): void {
		this.bus.publishControl({ type: 'rename', userId, name });
		this.#users.rename(userId, name);
	}

	/** Closes the matching connections on every node; returns how many this node closed. */
	disconnect(which: CredentialFilter): number {
		this.bus.publishControl({ type: 'disconnect', filter: which });
		return this.#users.disconnect(which);
	}

	/** An order another node published for its own connections and everyone else's. */
	#obey(m: ControlMessage): void {
		if (m.type === 'disconnect') this.#users.disconnect(m.filter);
		else if (m.type === 'rename') this.#users.rename(m.userId, m.name);
		else if (m.type === 'recheck') void this.#users.recheck(m.userId);
		else if (m.type === 'recheckRoom') void this.#recheckRoom(m.room);
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

	/**
	 * Flushes every room to a snapshot and releases them, after the loads and commits in progress. Call after
	 * closeSockets, before closing the database.
	 */
	async shutdown(): Promise<void> {
		this.closeSockets();
		this.#closed = true;
		clearInterval(this.#pingTimer);
		await Promise.allSettled(this.#loads.values());
		this.#commits.flush();
		await this.#commits.idle();
		const rooms = [...this.#rooms.values()];
		this.#rooms.clear();
		await Promise.all(
			rooms.map(async (room) => {
				try {
					await room.compacted();
					if (room.dirty) await room.compact();
				} catch (err) {
					this.logger.error(
						{ err, room: room.name, unstored: room.unsent.length },
						'could not flush a room at shutdown'
					);
				}
				this.#destroy(room);
			})
		);
	}
}
