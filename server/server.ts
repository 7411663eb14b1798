// Builds and starts the one Concord process: database, services, HTTP app and the collaboration endpoint.
// Used by main.ts and by tests (port 0, temporary DATA_DIR).
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { Config } from './config';
import { openDb, type OpenedDb } from './db/client';
import { createApp } from './app';
import { createLogger, type Logger } from './logger';
import { DomainEvents } from './domain/events';
import { seedDemo } from './demo/seed';
import { attachCollab } from './collab/attach';
import type { CollabOptions } from './collab/options';
import type { RoomStorage } from './collab/room-store';
import { registerFeatures } from './features';
import { sweepTemp } from './import/spool';
import { localBus } from './cluster/bus';
import { connectRedisBus } from './cluster/redis-bus';
import { InboxSignal } from './cluster/inbox-signal';
import { CallerCache } from './caller-cache';
import { callerFor } from './db/users';
import { onNotified } from './db/notifications';
import type { AppDeps } from './deps';
import { JudgeRunner, type JudgeRunnerOptions } from './judges/runner';
import { VideoFrames } from './judges/video-frames';

/** How long requests in progress may take to finish once the node drains. */
const DRAIN_MS = 5_000;

export interface RunningServer {
	url: string;
	port: number;
	/** Stops accepting, flushes collaboration rooms, closes sockets (1012) and the database. */
	close(): Promise<void>;
	deps: AppDeps;
	/** The Hono app being served (tests walk its routes). */
	app: ReturnType<typeof createApp>;
}

export interface ServerOptions {
	/** Collaboration tunables (tests use a short unload grace period and fast pings). */
	collab?: Partial<CollabOptions>;
	/** Builds the room store from the opened database instead of the SQLite RoomStore (tests wrap it). */
	roomStore?: (database: OpenedDb) => RoomStorage;
	/** Judge runner tunables (tests poll faster and lease for shorter). */
	judgeRunner?: JudgeRunnerOptions;
}

export async function startServer(
	config: Config,
	logger: Logger = createLogger(config.logLevel),
	options: ServerOptions = {}
): Promise<RunningServer> {
	const database = await openDb(config);
	const { db } = database;
	const events = new DomainEvents((err, event) => logger.error({ err, event }, 'domain event listener failed'));
	const bus = config.redisUrl
		? await connectRedisBus(config.redisUrl, (err) => logger.error({ err }, 'redis error'))
		: localBus();
	const deps: AppDeps = {
		db,
		database,
		config,
		logger,
		events,
		bus,
		callers: new CallerCache(
			(credentials, remember) => callerFor(db, credentials, remember),
			bus,
			config.credentialCacheMs
		),
		inbox: new InboxSignal(bus),
		node: { draining: false },
		rooms: undefined as never,
		judgeRuns: undefined as never,
		videoFrames: new VideoFrames(config.videoFrames, config.dataDir, logger)
	};
	onNotified(db, (userIds) => deps.inbox.announce(userIds));
	const swept = sweepTemp(config.dataDir);
	if (swept > 0) logger.info({ files: swept }, 'removed temporary files left by an earlier run');
	// Nodes starting together on one PostgreSQL seed one after the other: the second finds users and stops.
	if (config.demo) await database.withLock('demo-seed', () => seedDemo(deps));
	const collab = attachCollab(deps, options.collab, options.roomStore?.(database));
	deps.rooms = collab.rooms;
	registerFeatures(deps);
	// Judge runs: queued ones, and ones a previous start (or a dead node) left, are picked up now. Features react to
	// their scores through the `judge.scored` event (registerFeatures).
	const judgeRunner = new JudgeRunner(deps, options.judgeRunner);
	deps.judgeRuns = judgeRunner;
	const app = createApp(deps);
	const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
		const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
	});
	collab.inject(server);
	judgeRunner.start();
	const port = (server.address() as AddressInfo).port;
	const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
	let closing: Promise<void> | null = null;
	return {
		url: `http://${host}:${port}`,
		port,
		deps,
		app,
		close: () =>
			(closing ??= (async () => {
				// Drain: /api/ready answers 503, no new connection is taken, requests in progress may finish (for
				// DRAIN_MS at most), sockets are closed with 1012 so their clients reconnect, through the proxy, to
				// another node; then the rooms' commits are flushed and the record closed.
				deps.node.draining = true;
				// Runs worked here finish their requests in flight and are given back, before the record closes.
				const judgesStopped = judgeRunner.stop();
				// Notification streams end now (their pages fall back to polling and reconnect elsewhere).
				deps.inbox.close();
				await new Promise<void>((res) => {
					const http = server as HttpServer;
					const late = setTimeout(() => http.closeAllConnections(), DRAIN_MS);
					late.unref();
					server.close(() => {
						clearTimeout(late);
						res();
					});
					http.closeIdleConnections();
					collab.closeSockets();
				});
				await collab.shutdown();
				await judgesStopped;
				await bus.close();
				await database.close();
			})())
	};
}
