// Wires the collaboration endpoint into the process: `/collab/:room` WebSocket upgrades, the room registry that the
// rest of the server uses as `deps.rooms`, and re-checks on membership changes and renames.
// An upgrade is decided by a small Hono app of its own (so the web app's SPA fallback never answers one), which
// reads the request like any route (param, headers, cookie, query); the socket is then handed to the registry
// straight from ws's handleUpgrade. Nothing of the HTTP request stays reachable from an open socket: @hono/node-ws's
// upgradeWebSocket would keep its Hono context (request, headers, URL) and per-socket event closures alive for
// the life of every connection, which was most of an idle connection's memory. Only node-ws's WebSocketServer
// (created without options, noServer) is used.
// Returned lifecycle: inject(httpServer) once listening; closeSockets() when the HTTP server stops accepting;
// shutdown() flushes every room and must run before the database closes.
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { createNodeWebSocket, type NodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import type { AppDeps } from '../deps';
import { collabOptions, type CollabOptions } from './options';
import { permissionIn } from './room-access';
import { RoomRegistry } from './room-registry';
import type { RawSocket } from './connection';
import { RoomStore, type RoomStorage } from './room-store';
import { decideUpgrade, type UpgradeDecision } from './upgrade';

type ListeningServer = Parameters<NodeWebSocket['injectWebSocket']>[0];

/** What this module uses of ws's WebSocketServer (through @hono/node-ws; `ws` ships no types). */
interface SocketServer {
	/** ws reads maxPayload from its options at each upgrade. */
	options: { maxPayload?: number };
	handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: RawSocket) => void): void;
}

export interface Collab {
	rooms: RoomRegistry;
	inject(server: ListeningServer): void;
	closeSockets(): void;
	shutdown(): Promise<void>;
}

/** `store` replaces the room store over the record (tests wrap it to hold commits back); production passes none. */
export function attachCollab(
	deps: AppDeps,
	overrides: Partial<CollabOptions> = {},
	store: RoomStorage = new RoomStore(deps.database)
): Collab {
	const opts = collabOptions(overrides);
	const logger = deps.logger.child({ module: 'collab' });
	const rooms = new RoomRegistry(
		store,
		opts,
		logger,
		(target, userId) => permissionIn(deps.db, target, userId),
		deps.bus
	);
	deps.events.on('membership.changed', ({ userId }) => rooms.recheckUser(userId));
	deps.events.on('user.renamed', ({ userId, name }) => rooms.renameUser(userId, name));

	const upgrades = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
	const wss = createNodeWebSocket({ app: upgrades }).wss as unknown as SocketServer;
	wss.options.maxPayload = opts.maxMessageBytes;
	/** The decision for each request being upgraded, from the route to the upgrade handler. */
	const decided = new WeakMap<IncomingMessage, UpgradeDecision>();
	upgrades.get('/collab/:room', async (c) => {
		if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return c.body(null, 426);
		decided.set(c.env.incoming, await decideUpgrade(c, deps));
		return c.body(null, 204);
	});

	async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		const headers = new Headers();
		for (const [key, value] of Object.entries(request.headers))
			if (value) headers.append(key, Array.isArray(value) ? value[0] : value);
		const url = new URL(request.url ?? '/', 'http://localhost');
		const response = await upgrades.request(url, { headers }, { incoming: request });
		const decision = decided.get(request);
		decided.delete(request);
		if (!decision) {
			socket.end(
				`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
			);
			return;
		}
		wss.handleUpgrade(request, socket, head, (ws) => rooms.open(ws, decision));
	}

	return {
		rooms,
		inject: (server) =>
			server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
				upgrade(request, socket, head).catch((err: unknown) => {
					logger.error({ err, url: request.url }, 'collaboration upgrade failed');
					socket.destroy();
				});
			}),
		closeSockets: () => rooms.closeSockets(),
		shutdown: () => rooms.shutdown()
	};
}
