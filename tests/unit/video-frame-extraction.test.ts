// Frame extraction with the real ffmpeg on a real file in a media store: N frames in time order, JPEG, scaled to
// the bound, cached per (video, N, size) so a second process on the same DATA_DIR extracts nothing; a process that
// outlives its timeout is killed; a file that is not a video is not sent, with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Config } from '../../server/config';
import { createLogger } from '../../server/logger';
import { runTool, ToolError } from '../../server/judges/bounded-process';
import { VideoFrames } from '../../server/judges/video-frames';
import type { ExtractedFrames } from '../../server/domain/video-frames';
import { brightness, fadeInVideo, FFMPEG, jpegSize, loggedFfmpeg } from '../fixtures/video';

const logger = createLogger('silent');
let dataDir: string;
let sha: string;

const config = (over: Partial<Config['videoFrames']> = {}): Config['videoFrames'] => ({
	ffmpeg: FFMPEG,
	framesPerVideo: 4,
	maxSide: 768,
	timeoutMs: 20_000,
	maxFrameBytes: 256 * 1024,
	...over
});

function store(bytes: Buffer): string {
	const h = createHash('sha256').update(bytes).digest('hex');
	mkdirSync(join(dataDir, 'media'), { recursive: true });
	writeFileSync(join(dataDir, 'media', h), bytes);
	return h;
}

/** What extraction left in DATA_DIR/tmp: nothing, whatever happened. */
const leftovers = () => (existsSync(join(dataDir, 'tmp')) ? readdirSync(join(dataDir, 'tmp')) : []);

const framesOf = (got: ExtractedFrames) => {
	if ('skipped' in got) throw new Error(`not sent: ${got.skipped}`);
	return got;
};

beforeAll(() => {
	dataDir = mkdtempSync(join(tmpdir(), 'concord-frames-'));
	sha = store(fadeInVideo(4));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('extracting frames', () => {
	it('takes N JPEG frames evenly spaced and in time order, scaled to the longest side, then reads them from the cache', async () => {
		const ffmpeg = loggedFfmpeg();
		const frames = new VideoFrames(config({ ffmpeg: ffmpeg.bin }), dataDir, logger);
		const got = framesOf(await frames.frames(sha, 'video/mp4'));
		expect(got.duration).toBeCloseTo(4, 1);
		expect(got.frames.map((f) => f.at)).toEqual([0.5, 1.5, 2.5, 3.5]);
		const light = got.frames.map((f) => brightness(f.jpeg));
		for (let i = 1; i < light.length; i++) expect(light[i]).toBeGreaterThan(light[i - 1]);
		for (const f of got.frames) {
			expect([...f.jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
			expect(jpegSize(f.jpeg)).toEqual({ width: 768, height: 432 });
		}
		const extractions = () => ffmpeg.calls().filter((c) => c.includes('-ss')).length;
		expect(extractions()).toBe(1);
		// Concurrent asks share the extraction; a second process on the same DATA_DIR (a restart) reads the cache.
		await Promise.all([frames.frames(sha, 'video/mp4'), frames.frames(sha, 'video/mp4')]);
		const restarted = new VideoFrames(config({ ffmpeg: ffmpeg.bin }), dataDir, logger);
		const again = framesOf(await restarted.frames(sha, 'video/mp4'));
		expect(again.frames.map((f) => f.jpeg)).toEqual(got.frames.map((f) => f.jpeg));
		expect(extractions()).toBe(1);
		// Another frame count is another set of frames.
		const two = framesOf(await restarted.frames(sha, 'video/mp4', 2));
		expect(two.frames.map((f) => f.at)).toEqual([1, 3]);
		expect(extractions()).toBe(2);
		// Both counts stay cached side by side.
		expect(framesOf(await restarted.frames(sha, 'video/mp4', 4)).frames).toHaveLength(4);
		expect(framesOf(await restarted.frames(sha, 'video/mp4', 2)).frames).toHaveLength(2);
		expect(extractions()).toBe(2);
		expect(readdirSync(join(dataDir, 'frames', sha)).sort()).toEqual(['2x768', '4x768']);
		expect(leftovers()).toEqual([]);
	});

	it('keeps each frame within the byte bound and the size bound of a smaller video (no upscaling)', async () => {
		const small = store(fadeInVideo(2, 320, 240));
		const got = framesOf(
			await new VideoFrames(config({ framesPerVideo: 3 }), dataDir, logger).frames(small, 'video/mp4')
		);
		expect(got.frames).toHaveLength(3);
		for (const f of got.frames) {
			expect(f.jpeg.length).toBeLessThanOrEqual(256 * 1024);
			expect(jpegSize(f.jpeg)).toEqual({ width: 320, height: 240 });
		}
	});

	it('does not send a file ffmpeg cannot read, a missing file, or anything when ffmpeg is missing or turned off', async () => {
		const bad = store(Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(4000, 7)]));
		const frames = new VideoFrames(config(), dataDir, logger);
		expect(await frames.frames(bad, 'video/mp4')).toEqual({ skipped: 'ffmpeg could not read it as a video' });
		expect(existsSync(join(dataDir, 'frames', bad))).toBe(false);
		expect(leftovers()).toEqual([]);
		expect(await frames.frames('f'.repeat(64), 'video/mp4')).toEqual({
			skipped: 'the file is missing from the media store'
		});
		const missing = new VideoFrames(config({ ffmpeg: '/nonexistent/ffmpeg' }), dataDir, logger);
		expect(await missing.sight()).toEqual({ sent: false, reason: 'unavailable' });
		expect(await missing.frames(sha, 'video/mp4')).toEqual({ skipped: 'ffmpeg is not installed on the server' });
		const off = new VideoFrames(config({ ffmpeg: null }), dataDir, logger);
		expect(await off.sight()).toEqual({ sent: false, reason: 'disabled' });
		expect(await off.frames(sha, 'video/mp4')).toEqual({ skipped: 'frame extraction is turned off on this server' });
	});

	it('kills an ffmpeg that outlives its timeout, and says so', async () => {
		const hanging = loggedFfmpeg(true);
		const frames = new VideoFrames(config({ ffmpeg: hanging.bin, timeoutMs: 500 }), dataDir, logger);
		const started = Date.now();
		const fresh = store(fadeInVideo(1, 160, 120));
		expect(await frames.frames(fresh, 'video/mp4')).toEqual({ skipped: 'ffmpeg took longer than 1 s on it' });
		expect(Date.now() - started).toBeLessThan(10_000);
		const pid = Number(readFileSync(hanging.pidFile, 'utf8'));
		expect(() => process.kill(pid, 0)).toThrow();
		expect(leftovers()).toEqual([]);
	});
});

describe('running a tool within bounds', () => {
	it('kills it on timeout, reports a missing program, and keeps at most the bound of its output', async () => {
		const started = Date.now();
		const slow = await runTool('sleep', ['30'], { timeoutMs: 200, maxOutputBytes: 1024 }).catch((e: unknown) => e);
		expect(slow).toBeInstanceOf(ToolError);
		expect((slow as ToolError).kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(5_000);
		const missing = await runTool('/nonexistent/tool', [], { timeoutMs: 1_000, maxOutputBytes: 1024 }).catch(
			(e: unknown) => e
		);
		expect((missing as ToolError).kind).toBe('missing');
		// No shell: the argument is printed as given, not expanded.
		const run = await runTool('printf', ['%s', '$(echo hi);*'], { timeoutMs: 5_000, maxOutputBytes: 1024 });
		expect(run.stdout).toBe('$(echo hi);*');
		const loud = await runTool('head', ['-c', '100000', '/dev/zero'], { timeoutMs: 5_000, maxOutputBytes: 1000 });
		expect(loud.code).toBe(0);
		expect(loud.stdout.length).toBe(1000);
	});
});
