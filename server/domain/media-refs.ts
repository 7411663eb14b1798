// Finds media references inside an item payload: any object with a string `src` (the shape of MediaRef), at any
// depth, with its dotted path. Used to resolve archive-relative paths, to check that /media/<sha256> exists, and
// to index which files an item references (item_media; the SQL backfill in drizzle/migrations/0001 mirrors this).
export interface FoundMediaRef {
	path: string;
	ref: { src: string; mime?: unknown };
}

export const MEDIA_URL = /^\/media\/([a-f0-9]{64})$/;

export function findMediaRefs(value: unknown, path = 'payload', out: FoundMediaRef[] = []): FoundMediaRef[] {
	if (Array.isArray(value)) {
		value.forEach((v, i) => findMediaRefs(v, `${path}.${i}`, out));
	} else if (typeof value === 'object' && value !== null) {
		const obj = value as Record<string, unknown>;
		if (typeof obj.src === 'string') out.push({ path, ref: obj as FoundMediaRef['ref'] });
		for (const [k, v] of Object.entries(obj))
			if (typeof v === 'object' && v !== null) findMediaRefs(v, `${path}.${k}`, out);
	}
	return out;
}

/** The sha256 of every /media/<sha256> reference in a payload (what item_media records for the item). */
export function referencedMedia(payload: unknown): Set<string> {
	return new Set(findMediaRefs(payload).flatMap(({ ref }) => MEDIA_URL.exec(ref.src)?.[1] ?? []));
}
