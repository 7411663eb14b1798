// The services one Concord process is built from, created once in main.ts (or a test) and handed to the HTTP app,
// the collaboration server, imports, webhooks and the demo seed. Types only: nothing here runs.
import type { Config } from './config';
import type { Db, OpenedDb } from './db/client';
import type { DomainEvents } from './domain/events';
import type { RoomWriter } from './domain/ports';
import type { Logger } from './logger';
import type { ClusterBus } from './cluster/bus';
import type { InboxSignal } from './cluster/inbox-signal';
import type { VideoFrameSource } from './domain/video-frames';
import type { CallerCache } from './caller-cache';

export interface AppDeps {
	db: Db;
	/** The opened record: its dialect, the SQLite connection or the PostgreSQL pool. */
	database: OpenedDb;
	config: Config;
	logger: Logger;
	rooms: RoomWriter;
	events: DomainEvents;
	/** How this node reaches the others (Redis), or a bus that carries nothing when it is alone. */
	bus: ClusterBus;
	/** Who presents a credential (remembered for a moment); told when credentials end or accounts change. */
	callers: CallerCache;
	/** Pushes "your notifications changed" to a user's open pages on every node. */
	inbox: InboxSignal;
	/** This node's lifecycle: draining once SIGTERM (or close) began; /api/ready answers 503 then. */
	node: { draining: boolean };
	/** Works judge runs in the background; routes wake it when a run is created or a cancel asked for. */
	judgeRuns: { wake(runId?: string): void };
	/** Still frames of stored videos for judges (ffmpeg), and what this server sends for video. */
	videoFrames: VideoFrameSource;
}
