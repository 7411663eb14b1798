// Tunables of the collaboration server, with production defaults. Tests pass smaller values (short grace period,
// fast ping) through startServer(config, logger, { collab }).
export interface CollabOptions {
	/** Largest WebSocket frame accepted (ws maxPayload); bigger frames close the connection with 1009. */
	maxMessageBytes: number;
	/**
	 * Most structs (plus values of JSON/any content) one client update may hold, and most client sections. Checked
	 * by a pre-scan of the bytes (update-scan.ts) before decoding, so tiny structs packed by the million are refused
	 * at once; an update at the limit is decoded, checked and applied in tens of milliseconds.
	 */
	maxStructsPerUpdate: number;
	/** Most delete-set ranges one client update may hold (each is a lookup in the document when checked and applied). */
	maxDeleteRangesPerUpdate: number;
	/** A connection whose unsent buffer grows past this is closed with 1013 (slow consumer). */
	maxBufferedBytes: number;
	/** How long an empty room stays in memory before it is compacted and unloaded. */
	unloadGraceMs: number;
	/** Ping period; a connection that has not answered the previous ping by the next one is dropped. */
	pingIntervalMs: number;
	/** Compact the update log into a snapshot after this many appended updates … */
	compactAfterUpdates: number;
	/** … or after this many appended bytes. */
	compactAfterBytes: number;
	/**
	 * How long after the log passes those limits the compaction starts. It costs a decode of the whole document,
	 * so a burst of writes is not interrupted by it (and compacts once, not every few hundred updates).
	 */
	compactDelayMs: number;
	/** Largest JSON awareness state one client may publish. */
	maxAwarenessStateBytes: number;
	/**
	 * Most entries one awareness message may list. y-websocket clients echo every peer's state they learn of, so a
	 * message can list everyone present in the room; only entries the connection may set are parsed.
	 */
	maxAwarenessEntries: number;
	/** Awareness changes are coalesced and broadcast once per this interval (0: once per event-loop turn). */
	awarenessFlushMs: number;
	/** Awareness updates per second per connection (token bucket); extra ones wait for the next flush. */
	awarenessPerSecond: number;
	awarenessBurst: number;
	/** Message flood limit per connection (token bucket); exceeding it closes the connection with 4429. */
	messagesPerSecond: number;
	messageBurst: number;
	/** Sync step 1 requests per second per connection (each costs a diff of the whole document); beyond → 4429. */
	syncPerSecond: number;
	syncBurst: number;
	/** Byte flood limit per connection (token bucket). */
	bytesPerSecond: number;
	byteBurst: number;
	/** On shutdown, sockets that have not completed the close handshake by then are terminated. */
	closeTimeoutMs: number;
	/** When a store write fails, how long to wait before retrying to persist the room (doubles up to 30 s). */
	storeRetryMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_COLLAB_OPTIONS: CollabOptions = {
	maxMessageBytes: 8 * MiB,
	maxStructsPerUpdate: 20_000,
	maxDeleteRangesPerUpdate: 20_000,
	maxBufferedBytes: 16 * MiB,
	unloadGraceMs: 10_000,
	pingIntervalMs: 30_000,
	compactAfterUpdates: 500,
	compactAfterBytes: 1 * MiB,
	compactDelayMs: 1000,
	maxAwarenessStateBytes: 16 * 1024,
	maxAwarenessEntries: 10_000,
	awarenessFlushMs: 25,
	awarenessPerSecond: 30,
	awarenessBurst: 60,
	messagesPerSecond: 600,
	messageBurst: 1200,
	syncPerSecond: 2,
	syncBurst: 10,
	bytesPerSecond: 16 * MiB,
	byteBurst: 24 * MiB,
	closeTimeoutMs: 2000,
	storeRetryMs: 1000
};

export function collabOptions(overrides: Partial<CollabOptions> = {}): CollabOptions {
	const merged = { ...DEFAULT_COLLAB_OPTIONS, ...overrides };
	if (merged.byteBurst < merged.maxMessageBytes) merged.byteBurst = merged.maxMessageBytes;
	return merged;
}
