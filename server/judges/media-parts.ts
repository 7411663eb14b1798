// The images of an item as data: URLs for a judge's prompt, read from the media store. Only images are sent, each
// at most MAX_IMAGE_BYTES (a larger one is named in the prompt as not sent, with its size); a file missing from the
// store is named likewise. Nothing outside the store is ever read: the path comes from the sha256 in the reference.
import { readFile, stat } from 'node:fs/promises';
import type { Db } from '../db/client';
import { getMedia } from '../db/media';
import { mediaPath } from '../db/media-store';
import type { MediaMention } from '../domain/judge-item';
import type { MediaPart } from '../domain/judge-prompt';

const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export async function resolveImages(
	db: Db,
	dataDir: string,
	images: MediaMention[],
	maxBytes = MAX_IMAGE_BYTES
): Promise<Map<string, MediaPart>> {
	const parts = new Map<string, MediaPart>();
	for (const { src } of images) {
		if (parts.has(src)) continue;
		const sha = /^\/media\/([a-f0-9]{64})$/.exec(src)?.[1];
		const row = sha ? await getMedia(db, sha) : undefined;
		if (!sha || !row) {
			parts.set(src, { skipped: 'not in the media store' });
			continue;
		}
		if (!row.mime.startsWith('image/')) {
			parts.set(src, { skipped: `${row.mime} is not an image` });
			continue;
		}
		try {
			const size = (await stat(mediaPath(dataDir, sha))).size;
			if (size > maxBytes) {
				parts.set(src, { skipped: `${mb(size)} is more than the ${mb(maxBytes)} sent per image` });
				continue;
			}
			const bytes = await readFile(mediaPath(dataDir, sha));
			parts.set(src, { url: `data:${row.mime};base64,${bytes.toString('base64')}` });
		} catch {
			parts.set(src, { skipped: 'the file is missing from the media store' });
		}
	}
	return parts;
}
