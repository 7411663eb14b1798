// Still frames of a stored video for model judges, extracted with ffmpeg and kept under DATA_DIR/frames. The video
// is untrusted: ffmpeg runs through runTool (no shell, argument array, -nostdin, a timeout that kills it, bounded
// output), reads only the store's file by path (`file:` protocol only, and the demuxer forced from the stored type
// so no playlist or concat format can make it open anything else), writes into a private temporary folder under
// DATA_DIR/tmp (removed whatever happens; a crash's leftovers are swept at start) and every frame is checked (a
// whole JPEG of at most maxFrameBytes) before the folder is renamed into the cache.
// The cache is keyed by (sha256, frames, longest side): items sharing a video extract it once, concurrent asks for
// the same key share one extraction, and a restart reuses what is on disk. A failure is not cached (a later run
// tries again); it is returned as the reason the video was not sent.
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { mediaPath } from '../db/media-store';
import {
	formatTimestamp,
	frameTimes,
	readDuration,
	videoNotSentReason,
	type ExtractedFrames,
	type VideoFrameSource,
	type VideoSight
} from '../domain/video-frames';
import { runTool, ToolError } from './bounded-process';

/** The demuxer for each stored video type: forced, so ffmpeg never probes the file into another format. */
const DEMUXER: Record<string, string> = { 'video/mp4': 'mov', 'video/webm': 'matroska' };

const manifestSchema = z.strictObject({ duration: z.number().positive(), times: z.array(z.number().min(0)).min(1) });

const MAX_OUTPUT_BYTES = 64 * 1024;

const isJpeg = (b: Buffer) =>
	b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff && b.at(-2) === 0xff && b.at(-1) === 0xd9;

export class VideoFrames implements VideoFrameSource {
	#sight: Promise<VideoSight> | null = null;
	readonly #inFlight = new Map<string, Promise<ExtractedFrames>>();

	constructor(
		private readonly config: Config['videoFrames'],
		private readonly dataDir: string,
		private readonly logger: Logger
	) {}

	/** What this server sends for video; ffmpeg is asked for its version once per process. */
	sight(): Promise<VideoSight> {
		return (this.#sight ??= this.#probe());
	}

	async #probe(): Promise<VideoSight> {
		const { ffmpeg, framesPerVideo, maxSide } = this.config;
		if (!ffmpeg) return { sent: false, reason: 'disabled' };
		try {
			const run = await runTool(ffmpeg, ['-nostdin', '-hide_banner', '-version'], {
				timeoutMs: 10_000,
				maxOutputBytes: MAX_OUTPUT_BYTES
			});
			if (run.code === 0 && run.stdout.startsWith('ffmpeg version')) return { sent: true, framesPerVideo, maxSide };
			this.logger.warn({ ffmpeg, code: run.code }, 'ffmpeg did not answer -version: videos go to judges unseen');
		} catch (err) {
			this.logger.warn({ ffmpeg, err }, 'ffmpeg cannot be run: videos go to judges unseen');
		}
		return { sent: false, reason: 'unavailable' };
	}

	/** `count` frames of the stored video `sha256` (of type `mime`), from the cache or extracted now. */
	async frames(sha256: string, mime: string, count = this.config.framesPerVideo): Promise<ExtractedFrames> {
		const sight = await this.sight();
		if (!sight.sent) return { skipped: videoNotSentReason(sight) };
		const demuxer = DEMUXER[mime];
		if (!demuxer) return { skipped: `${mime} is not a video ffmpeg is asked to read` };
		const dir = join(this.dataDir, 'frames', sha256, `${count}x${this.config.maxSide}`);
		let pending = this.#inFlight.get(dir);
		if (!pending) {
			pending = this.#cachedOrExtract(dir, sha256, demuxer, count).finally(() => this.#inFlight.delete(dir));
			this.#inFlight.set(dir, pending);
		}
		return pending;
	}

	async #cachedOrExtract(dir: string, sha256: string, demuxer: string, count: number): Promise<ExtractedFrames> {
		const cached = await this.#read(dir, count);
		if (cached) return cached;
		await mkdir(join(this.dataDir, 'tmp'), { recursive: true });
		const work = await mkdtemp(join(this.dataDir, 'tmp', 'frames-'));
		try {
			const extracted = await this.#extract(work, mediaPath(this.dataDir, sha256), demuxer, count);
			if ('skipped' in extracted) return extracted;
			await mkdir(join(dir, '..'), { recursive: true });
			await rm(dir, { recursive: true, force: true }); // frames found unreadable above, if any
			// Another node may have put the same frames there meanwhile: theirs are as good as ours.
			await rename(work, dir).catch(async () => {
				if (!(await this.#read(dir, count))) throw new Error(`cannot place frames in ${dir}`);
			});
			return extracted;
		} catch (err) {
			if (err instanceof ToolError) return { skipped: this.#reason(err, sha256) };
			throw err;
		} finally {
			await rm(work, { recursive: true, force: true });
		}
	}

	/** The frames kept in `dir`, or null when there are none or they are not whole (then they are extracted again). */
	async #read(dir: string, count: number): Promise<ExtractedFrames | null> {
		try {
			const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
			if (manifest.times.length !== count) return null;
			const frames = [];
			for (const [i, at] of manifest.times.entries()) {
				const jpeg = await readFile(join(dir, `${i + 1}.jpg`));
				if (!isJpeg(jpeg) || jpeg.length > this.config.maxFrameBytes) return null;
				frames.push({ jpeg, at });
			}
			return { frames, duration: manifest.duration };
		} catch {
			return null;
		}
	}

	async #extract(work: string, path: string, demuxer: string, count: number): Promise<ExtractedFrames> {
		const { ffmpeg, maxSide, maxFrameBytes, timeoutMs } = this.config;
		const bin = ffmpeg!;
		const limits = { timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES };
		const input = ['-protocol_whitelist', 'file', '-f', demuxer, '-i', `file:${path}`];
		await stat(path).catch(() => {
			throw new ToolError('failed', 'the file is missing from the media store');
		});
		// Copying the first video stream to nowhere checks there is one and gives the duration.
		const probe = await runTool(
			bin,
			['-nostdin', '-hide_banner', '-nostats', ...input, '-map', '0:v:0', '-c', 'copy', '-f', 'null']
				// progress (the last packet's time, for a file without a duration header) once at the end, on stdout
				.concat(['-progress', 'pipe:1', '-stats_period', '3600', '-']),
			limits
		);
		if (probe.code !== 0) throw new ToolError('failed', 'ffmpeg could not read it as a video', probe.stderr);
		const duration = readDuration(probe.stderr, probe.stdout);
		if (!duration) throw new ToolError('failed', 'its duration could not be read', probe.stderr);
		const times = frameTimes(duration, count);
		const scale = `scale='min(${maxSide},iw)':'min(${maxSide},ih)':force_original_aspect_ratio=decrease`;
		// One process, one seek per frame: each frame is its own input opened at its instant (fast, accurate seek).
		const args = ['-nostdin', '-hide_banner', '-v', 'error'];
		for (const at of times) args.push('-ss', at.toFixed(3), ...input);
		for (const [i] of times.entries()) {
			args.push('-map', `${i}:v:0`, '-frames:v', '1', '-vf', scale, '-q:v', '4', '-fs', String(maxFrameBytes));
			args.push('-f', 'image2', '-c:v', 'mjpeg', '-y', join(work, `${i + 1}.jpg`));
		}
		const run = await runTool(bin, args, limits);
		if (run.code !== 0) throw new ToolError('failed', 'ffmpeg could not take frames from it', run.stderr);
		const frames = [];
		for (const [i, at] of times.entries()) {
			const jpeg = await readFile(join(work, `${i + 1}.jpg`)).catch(() => Buffer.alloc(0));
			if (!isJpeg(jpeg) || jpeg.length > maxFrameBytes)
				throw new ToolError('failed', `ffmpeg gave no usable frame at ${formatTimestamp(at, duration < 60)}`);
			frames.push({ jpeg, at });
		}
		await writeFile(join(work, 'manifest.json'), JSON.stringify({ duration, times }));
		return { frames, duration };
	}

	#reason(err: ToolError, sha256: string): string {
		this.logger.warn({ sha256, kind: err.kind, stderr: err.stderr.slice(-2_000) }, `video frames: ${err.message}`);
		if (err.kind === 'missing') return 'ffmpeg is not installed on the server';
		if (err.kind === 'timeout') return `ffmpeg ${err.message} on it`;
		return err.message;
	}
}
