// Video items judged against the real local chat-completions server, with the real ffmpeg: a video uploaded through
// the media route reaches the endpoint as N labelled JPEG frames in time order (also inside a multimodal prompt);
// items sharing a video extract it once; a corrupt video or a server without ffmpeg sends none, says why in the
// prompt and judges the item all the same; the judge's page is told what this server sends for video; and frames
// arriving (ffmpeg installed) judge the video items again, and only them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { judgeEvaluations } from '../../drizzle/schema';
import { VideoFrames } from '../../server/judges/video-frames';
import { getRun } from '../../server/db/judge-runs';
import { judgedAmong } from '../../server/db/judge-run-work';
import { eventually } from '../fixtures/server';
import { importRaw, jsonl } from '../fixtures/exchange';
import { pngOfSize } from '../fixtures/zip-writer';
import type { RecordedRequest } from '../fixtures/chat-completions';
import {
	getRunView,
	importTextItems,
	itemIdsByExternal,
	registerJudge,
	startJudgeWorld,
	startRun,
	type JudgeWorld
} from '../fixtures/judge-run-world';
import { brightness, fadeInVideo, FFMPEG, jpegSize, loggedFfmpeg, type FfmpegLog } from '../fixtures/video';

const FRAMES = { framesPerVideo: 4, maxSide: 768, timeoutMs: 20_000, maxFrameBytes: 256 * 1024 };
const worlds: JudgeWorld[] = [];

async function world(ffmpeg: string | null): Promise<JudgeWorld> {
	const w = await startJudgeWorld({ videoFrames: { ...FRAMES, ffmpeg } });
	worlds.push(w);
	return w;
}
afterAll(async () => {
	for (const w of worlds) {
		await w.x.server.close();
		await w.chat.close();
	}
});

async function upload(w: JudgeWorld, bytes: Buffer, type: string): Promise<string> {
	const res = await fetch(`${w.x.server.url}/api/projects/${w.pid}/media`, {
		method: 'POST',
		headers: { ...w.x.as.lead, 'content-type': type },
		body: new Blob([new Uint8Array(bytes)])
	});
	if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { src: string }).src;
}

const videoItem = (name: string, src: string) => ({
	externalId: name,
	modality: 'video',
	payload: { video: { src, alt: 'a white screen fading in' }, description: `It fades in [[item:${name}]]` }
});

async function importItems(w: JudgeWorld, rows: { externalId: string; [k: string]: unknown }[]): Promise<string[]> {
	const res = await importRaw(w.x, w.pid, jsonl(rows));
	if (res.status !== 201) throw new Error(`import: ${JSON.stringify(res.body)}`);
	return itemIdsByExternal(
		w,
		rows.map((r) => r.externalId)
	);
}

const finished = (w: JudgeWorld, runId: string) =>
	eventually(
		async () => {
			const run = await getRunView(w, runId);
			return ['done', 'failed', 'cancelled'].includes(run.state) ? run : null;
		},
		30_000,
		`run ${runId} to finish`
	);

async function judge(w: JudgeWorld, judgeId: string, itemIds: string[]) {
	const res = await startRun(w, judgeId, { itemIds });
	expect(res.status).toBe(201);
	return finished(w, res.body.run.id);
}

type Part = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
const sentTo = (w: JudgeWorld, item: string): RecordedRequest => w.chat.requests.filter((r) => r.item === item).at(-1)!;
const partsOf = (req: RecordedRequest) => req.body.messages[1].content as Part[];
/** The parts after the filled template: label strings, and the bytes of each image sent (JPEG frames, PNG images). */
const attachments = (req: RecordedRequest) =>
	partsOf(req)
		.slice(1)
		.map((p) => (p.type === 'text' ? p.text : bytesOf(p.image_url.url)));

function bytesOf(url: string): Buffer {
	const data = /^data:image\/(jpeg|png);base64,(.+)$/.exec(url);
	if (!data) throw new Error(`not an image data: URL: ${url.slice(0, 40)}`);
	return Buffer.from(data[2], 'base64');
}

describe('a judge shown a video, on a server with ffmpeg', () => {
	let w: JudgeWorld;
	let ffmpeg: FfmpegLog;
	let src: string;
	let ids: string[];

	beforeAll(async () => {
		ffmpeg = loggedFfmpeg();
		w = await world(ffmpeg.bin);
		src = await upload(w, fadeInVideo(4), 'video/mp4');
		const png = await upload(w, pngOfSize(1024), 'image/png');
		const corrupt = await upload(
			w,
			Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(4000, 7)]),
			'video/mp4'
		);
		ids = await importItems(w, [
			videoItem('v1', src),
			videoItem('v2', src),
			{
				externalId: 'mm',
				modality: 'multimodal',
				payload: {
					prompt: [
						{ kind: 'text', text: 'What happens here? [[item:mm]]' },
						{ kind: 'image', media: { src: png } },
						{ kind: 'video', media: { src } }
					],
					response: 'The screen fades in.'
				}
			},
			videoItem('bad', corrupt)
		]);
	});

	it('sends N labelled JPEG frames in time order, within the size bound, and extracts a shared video once', async () => {
		const judgeId = await registerJudge(w);
		const run = await judge(w, judgeId, ids);
		expect(run).toMatchObject({ state: 'done', total: 4, done: 4, failed: 0 });

		const sent = attachments(sentTo(w, 'v1'));
		expect(sent.filter((p) => typeof p === 'string')).toEqual([
			'Video 1: the video — sent as 4 still frames evenly spaced over its 0:04.0:',
			'Video 1 — Frame 1 of 4, at 0:00.5',
			'Video 1 — Frame 2 of 4, at 0:01.5',
			'Video 1 — Frame 3 of 4, at 0:02.5',
			'Video 1 — Frame 4 of 4, at 0:03.5'
		]);
		const jpegs = sent.filter((p): p is Buffer => typeof p !== 'string');
		expect(jpegs).toHaveLength(4);
		for (const [i, jpeg] of jpegs.entries()) {
			expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
			expect(jpeg.length).toBeLessThanOrEqual(FRAMES.maxFrameBytes);
			expect(jpegSize(jpeg)).toEqual({ width: 768, height: 432 });
			// Each label comes right before its frame, and the video brightens as it plays: frames go in time order.
			expect(sent[sent.indexOf(jpeg) - 1]).toBe(`Video 1 — Frame ${i + 1} of 4, at 0:0${i}.5`);
			if (i > 0) expect(brightness(jpeg)).toBeGreaterThan(brightness(jpegs[i - 1]));
		}
		// The second item and the multimodal one share the video: the same frames, one extraction for the three.
		const again = attachments(sentTo(w, 'v2')).filter((p): p is Buffer => typeof p !== 'string');
		expect(again).toEqual(jpegs);
		expect(ffmpeg.calls().filter((c) => c.includes('-ss') && c.includes(src.slice(7)))).toHaveLength(1);

		// Multimodal: the image, then the video's frames, in the prompt's order.
		const mm = attachments(sentTo(w, 'mm'));
		expect(mm[0]).toBe('Image 1: part 2 of the prompt');
		expect(mm[1]).toEqual(pngOfSize(1024));
		expect(mm[2]).toBe('Video 1: part 3 of the prompt — sent as 4 still frames evenly spaced over its 0:04.0:');
		expect(mm.slice(3).filter((p): p is Buffer => typeof p !== 'string')).toEqual(jpegs);
	});

	it('judges a corrupt video without it and says why in the prompt', () => {
		const bad = sentTo(w, 'bad');
		expect(partsOf(bad).filter((p) => p.type === 'image_url')).toHaveLength(0);
		expect(bad.text).toContain(
			'Video 1: the video — not sent (ffmpeg could not read it as a video); judge without it.'
		);
	});

	it('tells the judge’s page how many frames this server sends per video', async () => {
		const judgeId = await registerJudge(w);
		const res = await w.x.server.api(`/api/judges/${judgeId}`, { headers: w.x.as.pm });
		expect(res.status).toBe(200);
		expect(res.body.video).toEqual({ sent: true, framesPerVideo: 4, maxSide: 768 });
	});
});

describe('a judge shown a video, on a server without ffmpeg', () => {
	it('says the video was not sent and why, judges the item, and judges it again once frames can be sent', async () => {
		const w = await world('/nonexistent/ffmpeg');
		const src = await upload(w, fadeInVideo(2, 320, 240), 'video/mp4');
		const [video] = await importItems(w, [videoItem('nv', src)]);
		const [text] = await importTextItems(w, 1, 'nt');
		const judgeId = await registerJudge(w);
		const run = await judge(w, judgeId, [video, text]);
		expect(run).toMatchObject({ state: 'done', done: 2, failed: 0 });
		const req = sentTo(w, 'nv');
		expect(partsOf(req).filter((p) => p.type === 'image_url')).toHaveLength(0);
		expect(req.text).toContain(
			'Video 1: the video — not sent (ffmpeg is not installed on the server); judge without it.'
		);
		const page = await w.x.server.api(`/api/judges/${judgeId}`, { headers: w.x.as.lead });
		expect(page.body.video).toEqual({ sent: false, reason: 'unavailable' });
		// Judged without frames: the same judge, prompt and guideline do not judge it again…
		expect(await judge(w, judgeId, [video, text])).toMatchObject({ done: 0, skipped: 2 });
		// …until the server can send frames (ffmpeg installed, the server restarted): then the video is seen
		// differently and judged again, the text item is not.
		w.x.server.deps.videoFrames = new VideoFrames(
			{ ...FRAMES, ffmpeg: FFMPEG },
			w.x.server.deps.config.dataDir,
			w.x.server.deps.logger
		);
		const withFrames = await judge(w, judgeId, [video, text]);
		expect(withFrames).toMatchObject({ state: 'done', done: 1, skipped: 1 });
		expect(partsOf(sentTo(w, 'nv')).filter((p) => p.type === 'image_url')).toHaveLength(4);
		const stamps = await w.x.server.deps.db
			.select({ itemId: judgeEvaluations.itemId, hash: judgeEvaluations.promptHash })
			.from(judgeEvaluations)
			.where(eq(judgeEvaluations.judgeId, judgeId));
		expect(stamps.filter((s) => s.itemId === video).map((s) => s.hash === run.promptHash)).toEqual(
			expect.arrayContaining([true, false])
		);
		expect(stamps.filter((s) => s.itemId === text).map((s) => s.hash)).toEqual([run.promptHash]);
		// A worker's page of pending items, each with its own stamp, counts an item judged under its own stamp only.
		const worked = (await getRun(w.x.server.deps.db, run.id))!;
		const pending = [
			{ itemId: video, hash: 'f'.repeat(64) },
			{ itemId: text, hash: run.promptHash }
		];
		expect(await judgedAmong(w.x.server.deps.db, worked, pending)).toEqual(new Set([text]));
		// And with frames, a further run skips it.
		expect(await judge(w, judgeId, [video, text])).toMatchObject({ done: 0, skipped: 2 });
	});

	it('says frame extraction is turned off when the server is configured so', async () => {
		const w = await world(null);
		const judgeId = await registerJudge(w);
		const page = await w.x.server.api(`/api/judges/${judgeId}`, { headers: w.x.as.lead });
		expect(page.body.video).toEqual({ sent: false, reason: 'disabled' });
	});
});
