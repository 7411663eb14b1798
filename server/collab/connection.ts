// One client socket in one room: who it is, what it may write, its flood budgets and its keep-alive flag.
// Sending never blocks the room: a socket whose unsent buffer is past the limit is closed with 1013 instead of
// being allowed to grow the server's memory. close() is idempotent and detaches the connection at once (the
// registry's onClose), so nothing more is broadcast to it while the close handshake completes.
import type { RoomAccess } from '../domain/permissions';
import type { AwarenessEntry } from './protocol';
import type { CollabOptions } from './options';
import type { RoomTarget } from './room-access';
import { TokenBucket } from './token-bucket';
import { CLOSE_SLOW_CONSUMER, closeReason } from './close-codes';
import type { WireFrame } from './wire-frame';

let sequence = 0;

export type RawData = Buffer | ArrayBuffer | Buffer[];

/** The part of a `ws` WebSocket the server uses (the package ships no types here). */
export interface RawSocket {
	readonly readyState: number;
	readonly bufferedAmount: number;
	/** ws's TCP socket (private in ws, stable across ws 6–8); used to write prebuilt broadcast frames. */
	readonly _socket?: { writable: boolean; write(bytes: Buffer): boolean } | null;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
	terminate(): void;
	ping(): void;
	on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): void;
	on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
	on(event: 'pong', listener: () => void): void;
	on(event: 'error', listener: (err: Error) => void): void;
}

export interface ConnectionUser {
	id: string;
	name: string;
	/** The sign-in session or API token the socket authenticated with (see RoomRegistry.disconnect). */
	sessionId?: string;
	tokenId?: string;
}

export class Connection {
	readonly id = ++sequence;
	readonly connectedAt = Date.now();
	/** Set by the ping loop, cleared by a pong or any message; false at the next ping means a dead peer. */
	alive = true;
	closed = false;
	/** Client updates dropped because the connection is read-only. */
	droppedUpdates = 0;
	lastResyncAt = 0;
	#awarenessIds: Set<number> | null = null;
	#deferredAwareness: Map<number, AwarenessEntry> | null = null;
	readonly messageBudget: TokenBucket;
	readonly byteBudget: TokenBucket;
	readonly awarenessBudget: TokenBucket;
	readonly syncBudget: TokenBucket;
	onClose: (conn: Connection, code: number, reason: string) => void = () => {};

	constructor(
		readonly ws: RawSocket,
		/** Replaced when the user renames themselves (RoomRegistry.renameUser), so new comments carry the new name. */
		public user: ConnectionUser,
		readonly target: RoomTarget,
		public access: Exclude<RoomAccess, null>,
		public writable: ReadonlySet<string>,
		private readonly opts: CollabOptions,
		/** May delete other people's comments. */
		public moderator = false
	) {
		this.messageBudget = new TokenBucket(opts.messagesPerSecond, opts.messageBurst);
		this.byteBudget = new TokenBucket(opts.bytesPerSecond, opts.byteBurst);
		this.awarenessBudget = new TokenBucket(opts.awarenessPerSecond, opts.awarenessBurst);
		this.syncBudget = new TokenBucket(opts.syncPerSecond, opts.syncBurst);
	}

	/** The awareness client ids this connection owns (allocated on first use: idle sockets stay small). */
	get awarenessIds(): Set<number> {
		return (this.#awarenessIds ??= new Set());
	}

	/** Awareness entries held back by the connection's budget until the next flush (allocated on first use). */
	get deferredAwareness(): Map<number, AwarenessEntry> {
		return (this.#deferredAwareness ??= new Map());
	}

	/** Queues a message; false when the socket is gone or was just closed as a slow consumer. */
	send(message: Uint8Array): boolean {
		if (!this.#writable()) return false;
		this.ws.send(message);
		return true;
	}

	/** Queues a broadcast framed once for all (see wire-frame.ts); same checks as send(). */
	sendFrame(frame: WireFrame): boolean {
		if (!this.#writable()) return false;
		const socket = this.ws._socket;
		if (socket?.writable) socket.write(frame.bytes);
		else this.ws.send(frame.payload);
		return true;
	}

	#writable(): boolean {
		if (this.closed || this.ws.readyState !== 1) return false;
		if (this.ws.bufferedAmount > this.opts.maxBufferedBytes) {
			this.close(CLOSE_SLOW_CONSUMER, 'Too far behind; reconnect to resync');
			return false;
		}
		return true;
	}

	close(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		this.ws.close(code, closeReason(reason));
		this.onClose(this, code, reason);
	}

	/** The socket closed from the other side (or after our close frame): detach if not done yet. */
	closedByPeer(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		this.onClose(this, code, reason);
	}

	/** The peer vanished (no pong): drop the socket without a close handshake. */
	terminate(reason: string): void {
		if (this.closed) return;
		this.closed = true;
		this.ws.terminate();
		this.onClose(this, 1006, reason);
	}
}
