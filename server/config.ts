// Process configuration from the environment, validated once at start.
import { z } from 'zod';
import { resolve } from 'node:path';
import { JUDGE_KEY_ENV } from '#shared/judges';

/** More frames than this make a request heavy for any vision endpoint (each frame is an image part). */
const MAX_FRAMES_PER_VIDEO = 16;

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
		.optional(),
	/** The address people reach Concord at (links in invitation and reset mails, the OIDC redirect URI). */
	PUBLIC_URL: z.url().optional(),
	/** OpenID Connect single sign-on: all three turn it on. */
	OIDC_ISSUER: z.url().optional(),
	OIDC_CLIENT_ID: z.string().min(1).optional(),
	OIDC_CLIENT_SECRET: z.string().min(1).optional(),
	/** What the sign-in button says ("Sign in with {name}"). */
	OIDC_NAME: z.string().min(1).max(60).default('single sign-on'),
	/** Comma-separated email domains whose people may create an account by signing in; empty: invited people only. */
	OIDC_ALLOWED_DOMAINS: z.string().default(''),
	/** A claim of the ID token whose values map to Concord roles through OIDC_ROLE_MAP. */
	OIDC_ROLE_CLAIM: z.string().min(1).optional(),
	OIDC_ROLE_MAP: z.string().default(''),
	/** '0' turns password sign-in off (single sign-on only). */
	PASSWORD_SIGN_IN: z.enum(['0', '1']).default('1'),
	/** smtp://user:pass@host:port (or smtps://): invitations and reset links go by mail; without it they are shown to copy. */
	SMTP_URL: z
		.string()
		.regex(/^smtps?:\/\//, 'SMTP_URL must be an smtp:// or smtps:// URL')
		.optional(),
	MAIL_FROM: z.string().default('Concord <concord@localhost>'),
	/** The ffmpeg that extracts video frames for model judges: a name found on PATH or a path; `off` turns it off. */
	CONCORD_FFMPEG: z.string().min(1).default('ffmpeg'),
	/** Frames sent to a judge per video, evenly spaced over its duration. */
	CONCORD_VIDEO_FRAMES: z.coerce.number().int().min(1).max(MAX_FRAMES_PER_VIDEO).default(8),
	/** How long a node remembers who a credential signs in (server/caller-cache.ts); 0 turns that off. */
	CONCORD_CREDENTIAL_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000)
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
	/** How long a node may remember who a session or token signs in; every change made through Concord forgets. */
	credentialCacheMs: number;
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
	/** Where people reach this server; null: the origin of each request. */
	publicUrl: string | null;
	/**
	 * Model judges: API keys by variable name (only JUDGE_* variables are read: a judge names one, never holds the
	 * key), per-request timeout, attempts per item, the first retry delay (doubling) and the longest wait honoured.
	 */
	judges: {
		keys: Readonly<Record<string, string>>;
		timeoutMs: number;
		maxAttempts: number;
		retryBaseMs: number;
		maxRetryAfterMs: number;
	};
	/**
	 * Video frames for model judges (server/judges/video-frames.ts): the ffmpeg to run (null: turned off), frames per
	 * video, the longest side of a frame in pixels, the time one ffmpeg process may take and the largest frame kept.
	 */
	videoFrames: {
		ffmpeg: string | null;
		framesPerVideo: number;
		maxSide: number;
		timeoutMs: number;
		maxFrameBytes: number;
	};
	identity: {
		passwordSignIn: boolean;
		/** Single sign-on through an OpenID Connect provider; null when not configured. */
		oidc: {
			issuer: string;
			clientId: string;
			clientSecret: string;
			name: string;
			allowedDomains: string[];
			roleClaim: string | null;
			/** OIDC_ROLE_MAP as written; parsed where roles are applied. */
			roleMap: string;
		} | null;
		invitationTtlMs: number;
		passwordResetTtlMs: number;
	};
	mail: { smtpUrl: string | null; from: string };
}

const list = (s: string) =>
	s
		.split(',')
		.map((x) => x.trim())
		.filter(Boolean);

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
		allowedOrigins: list(e.ALLOWED_ORIGINS),
		trustProxy: e.TRUST_PROXY === '1',
		appDir: resolve('build'),
		sessionTtlMs: 14 * 24 * 3600 * 1000,
		credentialCacheMs: e.CONCORD_CREDENTIAL_CACHE_MS,
		maxJsonBytes: 1024 * 1024,
		maxImportBytes: 64 * 1024 * 1024,
		maxMediaBytes: 25 * 1024 * 1024,
		archive: { maxEntries: 10_000, maxTotalBytes: 256 * 1024 * 1024, maxRatio: 100 },
		webhooks: {
			maxAttempts: 6,
			retryBaseMs: 5_000,
			timeoutMs: 10_000,
			allowPrivateNetworks: e.CONCORD_WEBHOOKS_ALLOW_PRIVATE === '1'
		},
		publicUrl: e.PUBLIC_URL?.replace(/\/+$/, '') ?? null,
		identity: {
			passwordSignIn: e.PASSWORD_SIGN_IN === '1',
			oidc:
				e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
					? {
							issuer: e.OIDC_ISSUER,
							clientId: e.OIDC_CLIENT_ID,
							clientSecret: e.OIDC_CLIENT_SECRET,
							name: e.OIDC_NAME,
							allowedDomains: list(e.OIDC_ALLOWED_DOMAINS).map((d) => d.toLowerCase()),
							roleClaim: e.OIDC_ROLE_CLAIM ?? null,
							roleMap: e.OIDC_ROLE_MAP
						}
					: null,
			invitationTtlMs: 7 * 24 * 3600 * 1000,
			passwordResetTtlMs: 24 * 3600 * 1000
		},
		mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
		judges: {
			keys: Object.fromEntries(
				Object.entries(env).filter((kv): kv is [string, string] => JUDGE_KEY_ENV.test(kv[0]) && !!kv[1])
			),
			timeoutMs: 60_000,
			maxAttempts: 4,
			retryBaseMs: 1_000,
			maxRetryAfterMs: 120_000
		},
		videoFrames: {
			ffmpeg: e.CONCORD_FFMPEG === 'off' ? null : e.CONCORD_FFMPEG,
			framesPerVideo: e.CONCORD_VIDEO_FRAMES,
			maxSide: 768,
			timeoutMs: 30_000,
			maxFrameBytes: 1024 * 1024
		}
	};
}
