// Entry point: reads the environment, starts the server, and shuts down gracefully on SIGTERM/SIGINT.
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './server';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const server = await startServer(config, logger);
const database = server.deps.database.dialect === 'postgres' ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
logger.info(
	{ url: server.url, database },
	`Concord is running at http://localhost:${server.port} (record: ${database})`
);
if (config.databaseUrl && !config.redisUrl)
	logger.warn('REDIS_URL is not set: this node is the only one (rooms are not relayed to other nodes)');

let stopping = false;
/** Closes the server once (a second signal while closing is ignored), then exits; never rejects. */
async function shutdown(signal: NodeJS.Signals): Promise<void> {
	if (stopping) return;
	stopping = true;
	logger.info({ signal }, 'shutting down');
	try {
		await server.close();
		process.exit(0);
	} catch (err) {
		logger.error({ err }, 'shutdown failed');
		process.exit(1);
	}
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));
