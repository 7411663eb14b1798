// What a judge is shown of a video: N still frames evenly spaced over its duration, each labelled with its position
// and time ("Frame 3 of 8, at 0:12"). Pure: the frames are extracted by server/judges/video-frames.ts; this module
// decides which instants, reads the duration from ffmpeg's own output, and names what a server sends for video
// (videoSight), which goes into the prompt hash of the items that carry a video (judge-prompt.ts itemPromptHash).

import type { VideoSight } from '#shared/judges';

export type { VideoSight };

/** A video's frames (JPEG bytes with their instants, in time order, and its duration), or why it is not sent. */
export type ExtractedFrames = { frames: { jpeg: Buffer; at: number }[]; duration: number } | { skipped: string };

/** Where judges get a stored video's frames and learn what this server sends for video (judges/video-frames.ts). */
export interface VideoFrameSource {
	sight(): Promise<VideoSight>;
	frames(sha256: string, mime: string, count?: number): Promise<ExtractedFrames>;
}

/**
 * The instants (seconds) of `n` frames evenly spaced over `duration`: the middle of each of `n` equal slices, so
 * neither the first (often black) nor the very last instant (where a seek may find no frame) is taken.
 */
export function frameTimes(duration: number, n: number): number[] {
	if (!(duration > 0) || n < 1) return [];
	return Array.from({ length: n }, (_, i) => (duration * (2 * i + 1)) / (2 * n));
}

/** m:ss (h:mm:ss past an hour); with tenths (m:ss.s) for a video under a minute, whose frames are seconds apart. */
export function formatTimestamp(seconds: number, tenths: boolean): string {
	const whole = tenths ? Math.floor(seconds * 10) / 10 : Math.floor(seconds);
	const h = Math.floor(whole / 3600);
	const m = Math.floor((whole % 3600) / 60);
	const s = whole % 60;
	const ss = tenths ? s.toFixed(1).padStart(4, '0') : String(s).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "Frame 3 of 8, at 0:12" */
export function frameLabel(index: number, count: number, at: number, duration: number): string {
	return `Frame ${index + 1} of ${count}, at ${formatTimestamp(at, duration < 60)}`;
}

const hms = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

/**
 * The duration of a video from an ffmpeg pass that copies its first video stream to nowhere (`-progress pipe:1` on
 * stdout): the container's `Duration:` header on stderr when it has one, else the time reached by the last packet
 * (a streamed WebM often has no header duration). Null when neither is there or neither is positive.
 */
export function readDuration(stderr: string, stdout: string): number | null {
	const header = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
	if (header) {
		const d = hms(header[1], header[2], header[3]);
		if (d > 0) return d;
	}
	const reached = [...stdout.matchAll(/^out_time_us=(\d+)$/gm)].at(-1);
	const d = reached ? Number(reached[1]) / 1e6 : 0;
	return d > 0 ? d : null;
}

/** Why a video was not sent, in the words the prompt uses. */
export function videoNotSentReason(sight: Extract<VideoSight, { sent: false }>): string {
	return sight.reason === 'disabled'
		? 'frame extraction is turned off on this server'
		: 'ffmpeg is not installed on the server';
}
