// Temporary files a crashed process left behind (spooled uploads, half-written media) are removed at the next
// start; recent ones, which may belong to an import still running, are kept.
import { mkdirSync, mkdtempSync, existsSync, utimesSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server';

let server: TestServer | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'concord-sweep-'));
afterAll(async () => {
	await server?.close();
	rmSync(dataDir, { recursive: true, force: true });
});

describe('start-up sweep of temporary files', () => {
	it('removes stale uploads and half-written media, keeps fresh ones and real media', async () => {
		const tmp = join(dataDir, 'tmp');
		const media = join(dataDir, 'media');
		mkdirSync(tmp, { recursive: true });
		mkdirSync(media, { recursive: true });
		const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
		const file = (path: string, old: boolean) => {
			writeFileSync(path, 'x');
			if (old) utimesSync(path, twoHoursAgo, twoHoursAgo);
			return path;
		};
		const staleUpload = file(join(tmp, 'crashed.upload'), true);
		const freshUpload = file(join(tmp, 'running.upload'), false);
		const staleMedia = file(join(media, 'a'.repeat(64) + '.tmp'), true);
		const realMedia = file(join(media, 'b'.repeat(64)), true);
		server = await startTestServer({ dataDir, env: { CONCORD_DEMO: '0' } });
		expect(existsSync(staleUpload)).toBe(false);
		expect(existsSync(staleMedia)).toBe(false);
		expect(existsSync(freshUpload)).toBe(true);
		expect(existsSync(realMedia)).toBe(true);
		expect((await server.api('/api/health')).status).toBe(200);
	});
});
