// GET /api/health: liveness plus collaboration figures (open rooms and connections).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { doc } from '../openapi';
import pkg from '../../../package.json' with { type: 'json' };

const app = new Hono<AppEnv>();

app.get('/', doc('system', 'Liveness, version and collaboration figures', 'anyone'), (c) => {
	const collab = c.var.deps.rooms.stats();
	return c.json({ ok: true, version: pkg.version, collab });
});

export default app;
