// The images and videos of an item, ready for a judge's prompt, read from the media store: an image as a data: URL
// (at most MAX_IMAGE_BYTES; a larger one is named in the prompt as not sent, with its size), a video as its still
// frames (JPEG data: URLs from VideoFrames, with their instants), or why either is not sent (missing from the
// store, not of its kind, no ffmpeg, unreadable). Nothing outside the store is ever read: the path comes from the
// sha256 in the reference.
import { readFile, stat } from 'node:fs/promises';
import type { Db } from '../db/client';
import { getMedia } from '../db/media';
import { mediaPath } from '../db/media-store';
import type { MediaMention } from '../domain/judge-item';
import type { MediaPart } from '../domain/judge-prompt';
import type { VideoFrameSource } from '../domain/video-frames';

const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

export async function resolveMedia(
	db: Db,
	dataDir: string,
	frames: VideoFrameSource,
	mentions: MediaMention[],
	maxBytes = MAX_IMAGE_BYTES
): Promise<Map<string, MediaPart>> {
	const parts = new Map<string, MediaPart>();
	for (const { src, kind } of mentions) {
		if (parts.has(src)) continue;
		const sha = /^\/media\/([a-f0-9]{64})$/.exec(src)?.[1];
		const row = sha ? await getMedia(db, sha) : undefined;
		if (!sha || !row) {
			parts.set(src, { skipped: 'not in the media store' });
			continue;
		}
		if (!row.mime.startsWith(`${kind}/`)) {
			parts.set(src, { skipped: `${row.mime} is not ${kind === 'image' ? 'an image' : 'a video'}` });
			continue;
		}
		if (kind === 'video') {
			const got = await frames.frames(sha, row.mime);
			const sent =
				'skipped' in got
					? got
					: { ...got, frames: got.frames.map((f) => ({ url: dataUrl('image/jpeg', f.jpeg), at: f.at })) };
			parts.set(src, sent);
			continue;
		}
		try {
			const size = (await stat(mediaPath(dataDir, sha))).size;
			if (size > maxBytes) {
				parts.set(src, { skipped: `${mb(size)} is more than the ${mb(maxBytes)} sent per image` });
				continue;
			}
			parts.set(src, { url: dataUrl(row.mime, await readFile(mediaPath(dataDir, sha))) });
		} catch {
			parts.set(src, { skipped: 'the file is missing from the media store' });
		}
	}
	return parts;
}
