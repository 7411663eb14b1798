// GET /api/health: liveness, the version, whether the record (and Redis, when configured) answers, and
// collaboration figures. GET /api/ready: whether this node takes traffic — 503 while it drains (after SIGTERM)
// or when the record does not answer, so a load balancer sends new connections elsewhere.
import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../env';
import type { AppDeps } from '../../deps';
import { doc } from '../openapi';
import { row } from '../../db/client';
import pkg from '../../../package.json' with { type: 'json' };

async function databaseAnswers(deps: AppDeps): Promise<boolean> {
	try {
		return (await row<{ ok: number }>(deps.db, sql`select 1 as ok`))?.ok === 1;
	} catch {
		return false;
	}
}

const app = new Hono<AppEnv>();

app.get(
	'/health',
	doc('system', 'Liveness, version, database and Redis state, collaboration figures', 'anyone'),
	async (c) => {
		const { deps } = c.var;
		const [database, redis] = await Promise.all([databaseAnswers(deps), deps.bus.shared ? deps.bus.ping() : null]);
		const collab = deps.rooms.stats();
		return c.json({
			ok: database && redis !== false,
			version: pkg.version,
			database: { dialect: deps.database.dialect, ok: database },
			...(redis === null ? {} : { redis: { ok: redis } }),
			draining: deps.node.draining,
			collab
		});
	}
);

app.get(
	'/ready',
	doc('system', 'Readiness: 200 while this node takes traffic, 503 while it drains', 'anyone'),
	async (c) => {
		const { deps } = c.var;
		if (deps.node.draining) return c.json({ ready: false, reason: 'draining' }, 503);
		if (!(await databaseAnswers(deps))) return c.json({ ready: false, reason: 'database' }, 503);
		return c.json({ ready: true });
	}
);

export default app;
