// Collaboration test fixture: the real server (startServer) on port 0 with a temporary DATA_DIR (and, in the `pg`
// project, a PostgreSQL database of its own), collaboration tunables suited to tests (short unload grace, fast
// pings), the seeded test world, and two kinds of clients: y-websocket 3 WebsocketProviders (what the browser runs,
// over the `ws` package with auth headers) and raw sockets for protocol-level abuse. Always close clients and the
// server in afterAll/finally.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer, type RunningServer, type ServerOptions } from '../../server/server';
import type { CollabOptions } from '../../server/collab/options';
import type { DbConfig } from '../../server/db/client';
import type { RoomRegistry } from '../../server/collab/room-registry';
import { MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS } from '../../server/collab/protocol';
import { testDbConfig } from '../fixtures/test-database';
import { seedWorld, type Person, type World } from './world';

export { eventually } from '../fixtures/server';

interface WsLike {
	readyState: number;
	binaryType: string;
	send(data: Uint8Array | string): void;
	close(code?: number, reason?: string): void;
	terminate(): void;
	on(event: string, listener: (...args: any[]) => void): void;
	once(event: string, listener: (...args: any[]) => void): void;
}
type WsCtor = new (
	url: string,
	protocols?: string | string[],
	options?: { headers?: Record<string, string> }
) => WsLike;
/** What tests use of ws's WebSocketServer: a bare server beside Concord's, as a reference. */
export interface BareWsServer {
	on(
		event: 'connection',
		listener: (socket: { once(e: 'message', l: () => void): void; close(code: number): void }) => void
	): void;
	once(event: 'listening', listener: () => void): void;
	address(): { port: number };
	close(callback: () => void): void;
}
const ws = createRequire(import.meta.url)('ws') as WsCtor & {
	WebSocketServer: new (options: { host: string; port: number; maxPayload: number }) => BareWsServer;
};
export const WS: WsCtor = ws;
export const WebSocketServer = ws.WebSocketServer;

// Every y-websocket provider adds a process 'exit' listener; tests open many.
process.setMaxListeners(100);

export interface CollabServer extends RunningServer {
	wsUrl: string;
	dataDir: string;
	/** Where the server keeps its record (dataDir, and its PostgreSQL database in the `pg` project). */
	record: Required<DbConfig>;
	world: World;
	rooms: RoomRegistry;
	/** Structured log lines of the server (info and above). */
	logs: Record<string, unknown>[];
}

export async function startCollabServer(
	opts: {
		collab?: Partial<CollabOptions>;
		/** With `world`: restart on the record of an earlier server. */
		record?: Required<DbConfig>;
		world?: World;
		roomStore?: ServerOptions['roomStore'];
	} = {}
): Promise<CollabServer> {
	const record = opts.record ?? (await testDbConfig(mkdtempSync(join(tmpdir(), 'concord-collab-'))));
	const { dataDir, databaseUrl } = record;
	const config = loadConfig({
		PORT: '0',
		HOST: '127.0.0.1',
		DATA_DIR: dataDir,
		CONCORD_DEMO: '0',
		LOG_LEVEL: 'silent',
		...(databaseUrl ? { DATABASE_URL: databaseUrl } : {})
	});
	const logs: Record<string, unknown>[] = [];
	const logger = process.env.TEST_LOG_LEVEL
		? createLogger(process.env.TEST_LOG_LEVEL)
		: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
	const server = await startServer({ ...config, appDir: null }, logger, {
		collab: { unloadGraceMs: 150, pingIntervalMs: 5_000, awarenessFlushMs: 5, ...opts.collab },
		roomStore: opts.roomStore
	});
	const world = opts.world ?? (await seedWorld(server.deps.db));
	return {
		...server,
		wsUrl: server.url.replace('http', 'ws') + '/collab',
		dataDir,
		record,
		world,
		rooms: server.deps.rooms as RoomRegistry,
		logs
	};
}

export function removeDataDir(server: CollabServer): void {
	rmSync(server.dataDir, { recursive: true, force: true });
}

export type Auth = 'token' | 'query' | 'cookie' | 'none';

export function authHeaders(
	server: CollabServer,
	person: Person | null,
	via: Auth
): { headers: Record<string, string>; params: Record<string, string> } {
	if (!person || via === 'none') return { headers: {}, params: {} };
	if (via === 'token') return { headers: { authorization: `Bearer ${server.world.token[person]}` }, params: {} };
	if (via === 'query') return { headers: {}, params: { token: server.world.token[person] } };
	return { headers: { cookie: server.world.cookie[person] }, params: {} };
}

export interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** The first close the server sent (code and reason). */
	closed: Promise<{ code: number; reason: string }>;
	synced: Promise<void>;
	destroy(): void;
}

/** A y-websocket 3 provider as the browser uses it, authenticated by token (default), query token or cookie. */
export function connect(
	server: CollabServer,
	room: string,
	person: Person | null,
	via: Auth = 'token',
	extraHeaders: Record<string, string> = {}
): Client {
	const { headers, params } = authHeaders(server, person, via);
	const all = { ...headers, ...extraHeaders };
	const Polyfill = class extends WS {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: all });
		}
	};
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(server.wsUrl, room, doc, {
		WebSocketPolyfill: Polyfill as unknown as typeof WebSocket,
		params,
		disableBc: true,
		maxBackoffTime: 200
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) => {
		provider.on('connection-close', (event) => {
			if (event) resolve({ code: event.code, reason: event.reason });
		});
	});
	const synced = new Promise<void>((resolve) => {
		if (provider.synced) resolve();
		provider.on('sync', (isSynced: boolean) => isSynced && resolve());
	});
	return {
		doc,
		provider,
		closed,
		synced,
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
}

export interface RawClient {
	ws: WsLike;
	opened: Promise<void>;
	closed: Promise<{ code: number; reason: string }>;
	messages: Uint8Array[];
	/** Resolves once a message at index ≥ `from` satisfies `match`. */
	received(from: number, match?: (message: Uint8Array) => boolean): Promise<void>;
}

/** A bare socket speaking whatever bytes the test sends (extraHeaders: e.g. a cookie of a real sign-in). */
export function rawClient(
	server: CollabServer,
	room: string,
	person: Person | null,
	via: Auth = 'token',
	extraHeaders: Record<string, string> = {}
): RawClient {
	const { headers, params } = authHeaders(server, person, via);
	const query = new URLSearchParams(params).toString();
	const ws = new WS(`${server.wsUrl}/${room}${query ? '?' + query : ''}`, [], {
		headers: { ...headers, ...extraHeaders }
	});
	const messages: Uint8Array[] = [];
	const waiting = new Set<{ from: number; match: (m: Uint8Array) => boolean; resolve: () => void }>();
	ws.on('message', (data: Buffer) => {
		const message = new Uint8Array(data);
		messages.push(message);
		for (const w of waiting) {
			if (messages.length - 1 < w.from || !w.match(message)) continue;
			waiting.delete(w);
			w.resolve();
		}
	});
	const received = (from: number, match: (m: Uint8Array) => boolean = () => true) =>
		messages.slice(from).some(match)
			? Promise.resolve()
			: new Promise<void>((resolve) => waiting.add({ from, match, resolve }));
	const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
	const closed = new Promise<{ code: number; reason: string }>((resolve) =>
		ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }))
	);
	return { ws, opened, closed, messages, received };
}

export const isAwareness = (m: Uint8Array) => m[0] === MESSAGE_AWARENESS;
const queryAwareness = Uint8Array.of(MESSAGE_QUERY_AWARENESS);

/**
 * Resolves once every frame the server sent this client before answering a new query has arrived (frames on one
 * socket arrive in order). Needs someone with presence in the room: the reply lists everyone present.
 */
export async function roundTrip(client: RawClient): Promise<void> {
	const from = client.messages.length;
	client.ws.send(queryAwareness);
	await within(client.received(from, isAwareness), 5000, 'awareness reply');
}

/** Resolves with the close, or rejects if it does not come within the timeout. */
export function within<T>(promise: Promise<T>, ms = 5000, what = 'event'): Promise<T> {
	return Promise.race([
		promise,
		new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))
	]);
}
