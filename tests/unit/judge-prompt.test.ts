// The pure parts of judging: what a judge is shown per modality, the structured-output schema generated from the
// rubric, the prompt hash, reading an untrusted reply with the human submission rule, and Retry-After/backoff.
import { describe, expect, it } from 'vitest';
import { rubricDefinitionSchema } from '#shared/rubric';
import { promptHash, renderPrompt, type ContentPart, type PromptInput } from '../../server/domain/judge-prompt';
import { judgeReplySchema } from '../../server/domain/judge-schema';
import { readReply, MAX_RAW_CHARS } from '../../server/domain/judge-reply';
import { backoffMs, retryAfterMs } from '../../server/judges/chat-client';
import demoRubric from '../../server/demo/rubric.json';
import { RUBRIC } from '../fixtures/exchange';

const rubric = rubricDefinitionSchema.parse(RUBRIC);
const demo = rubricDefinitionSchema.parse(demoRubric);
const SRC = `/media/${'a'.repeat(64)}`;
const SRC2 = `/media/${'b'.repeat(64)}`;

const input = (over: Partial<PromptInput>): PromptInput => ({
	rubric,
	modality: 'text',
	payload: { prompt: 'What is 2+2?', response: '4' },
	language: 'en',
	guideline: null,
	template: null,
	media: new Map(),
	...over
});
const userText = (i: PromptInput) =>
	(renderPrompt(i)[1].content as ContentPart[])
		.filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
		.map((p) => p.text)
		.join('\n');
const reply = (content: unknown) =>
	JSON.stringify({
		choices: [{ message: { content: typeof content === 'string' ? content : JSON.stringify(content) } }]
	});

describe('the prompt', () => {
	it('carries the rubric with anchors and gates, the guideline (bounded) and the item', () => {
		const text = userText(
			input({
				rubric: demo,
				modality: 'image_edit',
				payload: { original: { src: SRC }, instruction: 'Remove the car', edited: { src: SRC2 } },
				guideline: { number: 3, markdown: 'G'.repeat(20_000) },
				media: new Map([
					[SRC, { url: 'data:image/png;base64,AAAA' }],
					[SRC2, { skipped: '9.0 MB is more than the 4.0 MB sent per image' }]
				])
			})
		);
		expect(text).toContain('feasibility — Pre-check');
		expect(text).toContain('Gate: answering "infeasible" or "unsafe" ends the evaluation');
		expect(text).toContain('(version 3)');
		expect(text).toContain('the guideline is cut here');
		expect(text).toContain('Remove the car');
		expect(text).toContain('Image 2: edited image, the result under review — not sent (9.0 MB');
		const parts = renderPrompt(
			input({
				modality: 'caption',
				payload: { image: { src: SRC }, caption: 'c' },
				media: new Map([[SRC, { url: 'data:image/png;base64,AAAA' }]])
			})
		)[1].content as ContentPart[];
		expect(parts).toContainEqual({ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } });
	});

	it('renders chat, pairwise, video and multimodal items as documented', () => {
		const chat = userText(
			input({
				modality: 'chat',
				payload: {
					turns: [
						{ role: 'user', content: 'hi' },
						{ role: 'assistant', content: 'hello' },
						{ role: 'user', content: 'bye' }
					]
				}
			})
		);
		expect(chat).toContain('[2] assistant (THE TURN UNDER REVIEW)');
		const pair = userText(
			input({
				modality: 'pairwise',
				payload: {
					prompt: 'p',
					responses: [
						{ id: 'x', text: 'one' },
						{ id: 'y', label: 'Model Y', text: 'two' }
					]
				}
			})
		);
		expect(pair).toContain('Response A (id x)');
		expect(pair).toContain('Response B (id y, Model Y)');
		const video = userText(input({ modality: 'video', payload: { video: { src: SRC }, description: 'd' } }));
		expect(video).toContain('[Video 1: the video]');
		expect(video).toContain('Video 1: the video — not sent (not found in the media store); judge without it.');
		const mm = renderPrompt(
			input({
				modality: 'multimodal',
				payload: {
					prompt: [
						{ kind: 'text', text: 'look' },
						{ kind: 'image', media: { src: SRC } },
						{ kind: 'audio', media: { src: SRC2 } }
					],
					response: 'r'
				},
				media: new Map([[SRC, { url: 'data:image/png;base64,AA' }]])
			})
		);
		const mmParts = mm[1].content as ContentPart[];
		expect(mmParts.filter((p) => p.type === 'image_url')).toHaveLength(1);
		expect(JSON.stringify(mmParts)).toContain('[Audio: part 3 of the prompt');
	});

	it('fills a custom template once: placeholder-looking text inside the item is not expanded', () => {
		const text = userText(
			input({ template: 'R:{{rubric}} I:{{item}}', payload: { prompt: 'say {{guideline}}', response: 'x' } })
		);
		expect(text).toContain('say {{guideline}}');
		expect(text).not.toContain('team');
	});

	it('hashes the template, model and temperature: any change is a new prompt', () => {
		const base = promptHash(null, 'm', 0);
		expect(promptHash(undefined, 'm', 0)).toBe(base);
		expect(promptHash('T {{item}}', 'm', 0)).not.toBe(base);
		expect(promptHash(null, 'm2', 0)).not.toBe(base);
		expect(promptHash(null, 'm', 0.5)).not.toBe(base);
	});
});

describe('the reply schema', () => {
	it('types each dimension by its scale, strict, and makes dimensions nullable when a gate may stop', () => {
		const s = judgeReplySchema(demo, 'image_edit') as any;
		expect(s.additionalProperties).toBe(false);
		expect(s.properties.scores.required).toEqual(Object.keys(s.properties.scores.properties));
		expect(s.properties.scores.properties.feasibility.enum).toEqual(['feasible', 'infeasible', 'unsafe', null]);
		const text = judgeReplySchema(rubric, 'text') as any;
		expect(text.properties.scores.properties.correctness.type).toBe('integer');
		expect(text.properties.scores.properties.notes.type).toEqual(['string', 'null']);
	});
});

describe('reading a reply', () => {
	const good = {
		scores: { correctness: 4, safe: true, tone: 'formal', notes: null },
		flags: ['hallucination'],
		rationale: 'ok'
	};
	it('accepts a reply that fits, dropping null scores', () => {
		const r = readReply(reply(good), rubric, 'text');
		expect(r).toEqual({
			ok: true,
			judgement: { scores: { correctness: 4, safe: true, tone: 'formal' }, flags: ['hallucination'], rationale: 'ok' }
		});
	});
	it('refuses what a human submission would refuse, and unknown flags, keeping the raw text bounded', () => {
		expect(readReply(reply({ ...good, scores: { correctness: 4, safe: true } }), rubric, 'text')).toMatchObject({
			ok: false,
			error: expect.stringContaining('scores.tone is required')
		});
		expect(readReply(reply({ ...good, scores: { ...good.scores, extra: 1 } }), rubric, 'text')).toMatchObject({
			ok: false
		});
		expect(readReply(reply({ ...good, flags: ['pii'] }), rubric, 'text')).toMatchObject({
			ok: false,
			error: expect.stringContaining('pii')
		});
		expect(readReply(reply({ ...good, more: 1 }), rubric, 'text')).toMatchObject({ ok: false });
		expect(readReply('not json', rubric, 'text')).toMatchObject({ ok: false, raw: 'not json' });
		const long = readReply(reply('x'.repeat(20_000)), rubric, 'text');
		expect(long.ok === false && long.raw.length).toBeLessThanOrEqual(MAX_RAW_CHARS + 1);
	});
});

describe('retry timing', () => {
	it('reads Retry-After as seconds or an HTTP date, capped', () => {
		expect(retryAfterMs('3', 10_000)).toBe(3000);
		expect(retryAfterMs('600', 10_000)).toBe(10_000);
		expect(retryAfterMs(new Date(1_000_000 + 5000).toUTCString(), 60_000, 1_000_000)).toBe(5000);
		expect(retryAfterMs('soon', 10_000)).toBeUndefined();
		expect(retryAfterMs(null, 10_000)).toBeUndefined();
	});
	it('backs off exponentially with jitter', () => {
		expect(backoffMs(1, 100, () => 0)).toBe(50);
		expect(backoffMs(3, 100, () => 1)).toBe(400);
	});
});
