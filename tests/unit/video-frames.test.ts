// What a judge is shown of a video, the pure part: which instants are taken (evenly spaced), how each frame is
// labelled, how the duration is read from ffmpeg's output, how frames sit in the prompt in the item's order, and
// which items get a new prompt hash when a server starts sending frames.
import { describe, expect, it } from 'vitest';
import { rubricDefinitionSchema } from '#shared/rubric';
import type { VideoSight } from '#shared/judges';
import { itemPromptHash, promptHash, renderPrompt, type ContentPart } from '../../server/domain/judge-prompt';
import { formatTimestamp, frameLabel, frameTimes, readDuration } from '../../server/domain/video-frames';
import { RUBRIC } from '../fixtures/exchange';

const rubric = rubricDefinitionSchema.parse(RUBRIC);
const IMG = `/media/${'a'.repeat(64)}`;
const VID = `/media/${'b'.repeat(64)}`;
const VID2 = `/media/${'c'.repeat(64)}`;

describe('frame instants', () => {
	it('takes the middle of n equal slices of the duration, in order', () => {
		expect(frameTimes(8, 4)).toEqual([1, 3, 5, 7]);
		expect(frameTimes(10, 1)).toEqual([5]);
		const t = frameTimes(95.5, 8);
		expect(t).toHaveLength(8);
		const gaps = t.slice(1).map((x, i) => x - t[i]);
		for (const g of gaps) expect(g).toBeCloseTo(95.5 / 8, 9);
		expect(t[0]).toBeCloseTo(95.5 / 16, 9);
		expect(t.at(-1)).toBeLessThan(95.5);
	});

	it('takes none of a video without a duration', () => {
		expect(frameTimes(0, 8)).toEqual([]);
		expect(frameTimes(Number.NaN, 8)).toEqual([]);
	});
});

describe('frame labels', () => {
	it('says the position and the time, m:ss, h:mm:ss past an hour, tenths for a video under a minute', () => {
		expect(frameLabel(2, 8, 12.9, 100)).toBe('Frame 3 of 8, at 0:12');
		expect(frameLabel(0, 8, 0.5, 4)).toBe('Frame 1 of 8, at 0:00.5');
		expect(frameLabel(7, 8, 59.94, 59.99)).toBe('Frame 8 of 8, at 0:59.9');
		expect(formatTimestamp(61, false)).toBe('1:01');
		expect(formatTimestamp(3723.4, false)).toBe('1:02:03');
		expect(formatTimestamp(9.25, true)).toBe('0:09.2');
	});
});

describe('the duration ffmpeg reports', () => {
	it('is the container header when it has one, else the last packet time, else unknown', () => {
		const header = '  Duration: 00:01:02.50, start: 0.000000, bitrate: 32 kb/s';
		expect(readDuration(header, 'out_time_us=1000\nprogress=end\n')).toBe(62.5);
		const streamed = '  Duration: N/A, start: 0.000000, bitrate: N/A';
		expect(readDuration(streamed, 'out_time_us=1000\nprogress=continue\nout_time_us=2901000\nprogress=end\n')).toBe(
			2.901
		);
		expect(readDuration(streamed, 'out_time_us=-199902\n')).toBeNull();
		expect(readDuration('', '')).toBeNull();
	});
});

describe('frames in the prompt', () => {
	it('sends each video as labelled frames in time order, in the item’s order among images; audio stays unsent', () => {
		const frames = (tag: string) => [0.5, 1.5, 2.5].map((at) => ({ url: `data:image/jpeg;base64,${tag}${at}`, at }));
		const parts = renderPrompt({
			rubric,
			modality: 'multimodal',
			payload: {
				prompt: [
					{ kind: 'video', media: { src: VID } },
					{ kind: 'image', media: { src: IMG } },
					{ kind: 'audio', media: { src: IMG } },
					{ kind: 'video', media: { src: VID2 } }
				],
				response: 'r'
			},
			language: 'en',
			guideline: null,
			template: null,
			media: new Map([
				[VID, { frames: frames('v1-'), duration: 3 }],
				[IMG, { url: 'data:image/png;base64,IMG' }],
				[VID2, { skipped: 'ffmpeg could not read it as a video' }]
			])
		})[1].content as ContentPart[];
		const seq = parts.slice(1).map((p) => (p.type === 'text' ? p.text : p.image_url.url));
		expect(seq).toEqual([
			'Video 1: part 1 of the prompt — sent as 3 still frames evenly spaced over its 0:03.0:',
			'Video 1 — Frame 1 of 3, at 0:00.5',
			'data:image/jpeg;base64,v1-0.5',
			'Video 1 — Frame 2 of 3, at 0:01.5',
			'data:image/jpeg;base64,v1-1.5',
			'Video 1 — Frame 3 of 3, at 0:02.5',
			'data:image/jpeg;base64,v1-2.5',
			'Image 1: part 2 of the prompt',
			'data:image/png;base64,IMG',
			'Video 2: part 4 of the prompt — not sent (ffmpeg could not read it as a video); judge without it.'
		]);
		expect((parts[0] as { text: string }).text).toContain('[Audio: part 3 of the prompt; not sent');
	});
});

describe('the prompt hash of an item', () => {
	const base = promptHash(null, 'm', 0);
	const eight: VideoSight = { sent: true, framesPerVideo: 8, maxSide: 768 };
	const video = { video: { src: VID }, description: 'd' };
	const mixed = (kind: string) => ({ prompt: [{ kind, media: { src: VID } }], response: 'r' });

	it('is the prompt’s own for items without a video, and for every item when no frames are sent', () => {
		expect(itemPromptHash(base, eight, 'text', { prompt: 'p', response: 'r' })).toBe(base);
		expect(itemPromptHash(base, eight, 'multimodal', mixed('image'))).toBe(base);
		expect(itemPromptHash(base, { sent: false, reason: 'unavailable' }, 'video', video)).toBe(base);
		expect(itemPromptHash(base, { sent: false, reason: 'disabled' }, 'multimodal', mixed('video'))).toBe(base);
	});

	it('names the frames sent for an item that shows a video: another count or size is another prompt', () => {
		const withFrames = itemPromptHash(base, eight, 'video', video);
		expect(withFrames).not.toBe(base);
		expect(itemPromptHash(base, eight, 'multimodal', mixed('video'))).toBe(withFrames);
		expect(itemPromptHash(base, { ...eight, framesPerVideo: 4 }, 'video', video)).not.toBe(withFrames);
		expect(itemPromptHash(base, { ...eight, maxSide: 512 }, 'video', video)).not.toBe(withFrames);
		expect(itemPromptHash(promptHash(null, 'm2', 0), eight, 'video', video)).not.toBe(withFrames);
	});
});
