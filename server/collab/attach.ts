// Wires the collaboration endpoint into the process: `/collab/:room` WebSocket upgrades (through @hono/node-ws,
// on a small Hono app of its own so the web app's SPA fallback never answers an upgrade), the room registry that
// the rest of the server uses as `deps.rooms`, and re-checks on membership changes and renames.
// Returned lifecycle: inject(httpServer) once listening; closeSockets() when the HTTP server stops accepting;
// shutdown() flushes every room and must run before the database closes.
import { createNodeWebSocket, type NodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { AppDeps } from '../deps';
import { collabOptions, type CollabOptions } from './options';
import { permissionIn } from './room-access';
import { RoomRegistry } from './room-registry';
import type { RawSocket } from './connection';
import { RoomStore, type RoomStorage } from './room-store';
import { decideUpgrade } from './upgrade';

type ListeningServer = Parameters<NodeWebSocket['injectWebSocket']>[0];

/** What this module uses of @hono/node-ws. `ws` ships no types, so its socket and server are typed once, here. */
interface NodeWebSocketBoundary {
	upgradeWebSocket: UpgradeWebSocket<RawSocket>;
	injectWebSocket: (server: ListeningServer) => void;
	/** node-ws creates its WebSocketServer without options; ws reads maxPayload from them at each upgrade. */
	wss: { options: { maxPayload?: number } };
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

	const upgrades = new Hono();
	const nodeWs: NodeWebSocketBoundary = createNodeWebSocket({ app: upgrades });
	const { upgradeWebSocket, injectWebSocket, wss } = nodeWs;
	wss.options.maxPayload = opts.maxMessageBytes;
	upgrades.get(
		'/collab/:room',
		upgradeWebSocket(async (c) => {
			const decision = await decideUpgrade(c, deps);
			// node-ws always passes its `ws` socket as `raw`.
			return { onOpen: (_event, ws) => rooms.open(ws.raw!, decision) };
		})
	);

	return {
		rooms,
		inject: (server) => injectWebSocket(server),
		closeSockets: () => rooms.closeSockets(),
		shutdown: () => rooms.shutdown()
	};
}
