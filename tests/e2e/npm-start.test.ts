// `npm start` as a new user runs it: scripts/start.js bundles the server and runs the bundle. The demo seed reads
// its rubric, guideline and media from files beside its own module, so a bundle that moved those paths would not
// start; two nodes started side by side from one checkout each build and run the bundle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../fixtures/child-server';

const PASSWORD = 'npm-start-demo-1';
const dirs: string[] = [];
const servers: ChildServer[] = [];

afterAll(async () => {
	await Promise.all(servers.map((s) => s.stop()));
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<ChildServer> {
	const dir = mkdtempSync(join(tmpdir(), 'concord-npm-start-'));
	dirs.push(dir);
	return startChildServer(
		dir,
		{ CONCORD_DEMO: '1', CONCORD_DEMO_PASSWORD: PASSWORD },
		{ script: 'scripts/start.js' }
	).then((s) => (servers.push(s), s));
}

describe('npm start', () => {
	it('serves the app and the seeded demo workspace, two nodes started at once from one checkout', async () => {
		const both = await Promise.all([start(), start()]);
		for (const server of both) {
			expect(await (await fetch(`${server.url}/api/health`)).json()).toMatchObject({ ok: true });
			const page = await fetch(`${server.url}/`);
			expect(page.status).toBe(200);
			expect(page.headers.get('content-type')).toContain('text/html');
			const login = await fetch(`${server.url}/api/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', origin: server.url },
				body: JSON.stringify({ email: 'lead@demo.test', password: PASSWORD })
			});
			expect(login.status).toBe(200);
			const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
			const { projects } = (await (await fetch(`${server.url}/api/projects`, { headers: { cookie } })).json()) as {
				projects: { name: string }[];
			};
			expect(projects.length).toBeGreaterThan(0);
		}
	});
});
