// Process configuration from the environment, validated once at start.
import { z } from 'zod';
import { resolve } from 'node:path';

const envSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	DATA_DIR: z.string().default('./data'),
	CONCORD_DEMO: z.string().default('1'),
	CONCORD_DEMO_PASSWORD: z.string().min(8).optional(),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Extra origins allowed to send cookie-authenticated writes (comma-separated), e.g. the Vite dev server. */
	ALLOWED_ORIGINS: z.string().default(''),
	/** Let webhooks reach loopback and private networks (a receiver on the same host or intranet). */
	CONCORD_WEBHOOKS_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
	/** Behind a reverse proxy: take the client address from X-Forwarded-For and https from X-Forwarded-Proto. */
	TRUST_PROXY: z.enum(['0', '1']).default('0'),
	/** postgres://… keeps the record in PostgreSQL instead of SQLite under DATA_DIR. */
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
		.optional(),
	/** redis://… relays rooms between nodes (with DATABASE_URL). */
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// URL')
		.optional()
});

export interface Config {
	port: number;
	host: string;
	dataDir: string;
	/** PostgreSQL connection string; null: SQLite under dataDir. */
	databaseUrl: string | null;
	/** Redis connection string; null: this node is the only one. */
	redisUrl: string | null;
	demo: boolean;
	demoPassword: string | undefined;
	logLevel: string;
	allowedOrigins: string[];
	/**
	 * Trust the reverse proxy's X-Forwarded-For (its last entry: the address the proxy saw) and X-Forwarded-Proto.
	 * Off by default: without a proxy anyone could write those headers.
	 */
	trustProxy: boolean;
	/** Where the built SvelteKit app lives; absent in API-only tests. */
	appDir: string | null;
	sessionTtlMs: number;
	maxJsonBytes: number;
	maxImportBytes: number;
	maxMediaBytes: number;
	/** Zip imports: entry count, total uncompressed size and compression ratio (see domain/archive-limits). */
	archive: { maxEntries: number; maxTotalBytes: number; maxRatio: number };
	/**
	 * Webhook deliveries: attempts in all, first retry delay (doubling after each failure), per-request timeout,
	 * and whether targets on loopback and private networks are allowed.
	 */
	webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number; allowPrivateNetworks: boolean };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const e = envSchema.parse(env);
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir: resolve(e.DATA_DIR),
		databaseUrl: e.DATABASE_URL ?? null,
		redisUrl: e.REDIS_URL ?? null,
		demo: e.CONCORD_DEMO !== '0',
		demoPassword: e.CONCORD_DEMO_PASSWORD,
		logLevel: e.LOG_LEVEL,
		allowedOrigins: e.ALLOWED_ORIGINS.split(',')
			.map((s) => s.trim())
			.filter(Boolean),
		trustProxy: e.TRUST_PROXY === '1',
		appDir: resolve('build'),
		sessionTtlMs: 14 * 24 * 3600 * 1000,
		maxJsonBytes: 1024 * 1024,
		maxImportBytes: 64 * 1024 * 1024,
		maxMediaBytes: 25 * 1024 * 1024,
		archive: { maxEntries: 10_000, maxTotalBytes: 256 * 1024 * 1024, maxRatio: 100 },
		webhooks: {
			maxAttempts: 6,
			retryBaseMs: 5_000,
			timeoutMs: 10_000,
			allowPrivateNetworks: e.CONCORD_WEBHOOKS_ALLOW_PRIVATE === '1'
		}
	};
}
