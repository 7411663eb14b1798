// The workspace's pure parts: the keyboard map, request bodies built from a draft, change detection for
// autosave, sensitivity, the pause-aware clock, and the image-edit pixel difference.
import { describe, expect, it } from 'vitest';
import { rubricDefinitionSchema } from '../../src/lib/shared/rubric';
import { evaluationInputSchema } from '../../src/lib/shared/evaluation';
import { isTypingTarget, matchShortcut, SHORTCUT_GROUPS } from '../../src/lib/components/workspace/shortcuts';
import {
	badSources,
	draftKey,
	emptyDraft,
	evaluationBody,
	isSensitive
} from '../../src/lib/components/workspace/evaluation-draft';
import { TimeTracker } from '../../src/lib/components/workspace/time-tracker';
import { diffPixels } from '../../src/lib/components/item/image-diff';
import workspaceMessages from '../../src/lib/i18n/messages/workspace';

const key = (k: string, extra: Partial<Parameters<typeof matchShortcut>[0]> = {}) =>
	matchShortcut({ key: k, typing: false, ...extra });

describe('keyboard map', () => {
	it('scores with digits, moves with arrows and j/k, submits with Ctrl or Cmd+Enter even while typing', () => {
		expect(key('4')).toEqual({ kind: 'digit', digit: '4' });
		expect(key('ArrowDown')).toEqual({ kind: 'move', delta: 1 });
		expect(key('k')).toEqual({ kind: 'move', delta: -1 });
		expect(key('Enter', { ctrlKey: true, typing: true })).toEqual({ kind: 'submit' });
		expect(key('Enter', { metaKey: true })).toEqual({ kind: 'submit' });
		expect(key('Enter')).toBeNull();
	});

	it('leaves letters and digits to text fields and to browser shortcuts', () => {
		expect(key('4', { typing: true })).toBeNull();
		expect(key('g', { typing: true })).toBeNull();
		expect(key('g', { ctrlKey: true })).toBeNull();
		expect(key('?')).toEqual({ kind: 'help' });
		expect(key('g')).toEqual({ kind: 'guideline' });
		expect(key('.')).toEqual({ kind: 'frame', delta: 1 });
		expect(key('Escape', { typing: true })).toEqual({ kind: 'close' });
	});

	it('knows which elements take typing', () => {
		expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
		expect(isTypingTarget({ tagName: 'INPUT', type: 'search' })).toBe(true);
		expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
		expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
		expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
		expect(isTypingTarget(null)).toBe(false);
	});

	it('documents every shortcut in both languages', () => {
		const keys = SHORTCUT_GROUPS.flatMap((g) => [g.title, ...g.items.map((i) => i.label)]);
		for (const k of keys) {
			expect(workspaceMessages.en[k as keyof typeof workspaceMessages.en], k).toBeTruthy();
			expect(workspaceMessages['pt-BR'][k as keyof (typeof workspaceMessages)['pt-BR']], k).toBeTruthy();
		}
	});
});

const rubric = {
	id: 'r1',
	...rubricDefinitionSchema.parse({
		dimensions: [
			{
				key: 'ok',
				label: 'OK?',
				scale: 'categorical',
				level: 'nominal',
				options: [
					{ value: 'yes', label: 'Yes' },
					{ value: 'no', label: 'No' }
				],
				gate: { stopValues: ['no'] }
			},
			{ key: 'quality', label: 'Quality', scale: 'likert', level: 'ordinal', min: 1, max: 5 }
		],
		flags: [{ key: 'unsafe', label: 'Unsafe' }]
	})
};

describe('evaluation bodies', () => {
	it('build a valid submission: skipped dimensions, unknown flags and empty sources dropped', () => {
		const draft = {
			...emptyDraft(),
			scores: { ok: 'no', quality: 4 },
			flags: ['unsafe', 'gone'],
			sources: [
				{ url: ' https://ibge.gov.br/censo ', note: ' dado oficial ' },
				{ url: '', note: 'x' }
			]
		};
		const body = evaluationBody(rubric, 'text', draft, 'submitted', 12_345.6);
		expect(body).toMatchObject({
			rubricId: 'r1',
			scores: { ok: 'no' },
			flags: ['unsafe'],
			sources: [{ url: 'https://ibge.gov.br/censo', note: 'dado oficial' }],
			timeSpentMs: 12_346,
			state: 'submitted'
		});
		expect(evaluationInputSchema.safeParse(body).success).toBe(true);
	});

	it('keep partial scores in drafts, without empty values', () => {
		const body = evaluationBody(
			rubric,
			'text',
			{ ...emptyDraft(), scores: { ok: 'no', quality: 4, extra: '' } },
			'draft',
			0
		);
		expect(body.scores).toEqual({ ok: 'no', quality: 4 });
	});

	it('report malformed source addresses before sending', () => {
		expect(
			badSources({
				...emptyDraft(),
				sources: [
					{ url: 'ibge.gov.br', note: '' },
					{ url: 'https://ok.example', note: '' },
					{ url: 'javascript:alert(1)', note: '' }
				]
			})
		).toEqual([0, 2]);
	});

	it('detect real changes only (order of flags and score keys does not matter)', () => {
		const a = { ...emptyDraft(), scores: { a: 1, b: 2 }, flags: ['x', 'y'] };
		const b = { ...emptyDraft(), scores: { b: 2, a: 1 }, flags: ['y', 'x'] };
		expect(draftKey(a)).toBe(draftKey(b));
		expect(draftKey(a)).not.toBe(draftKey({ ...a, rationale: 'porque' }));
	});

	it('treat metadata.sensitive, nsfw and an nsfw flag as sensitive', () => {
		expect(isSensitive({ sensitive: true })).toBe(true);
		expect(isSensitive({ nsfw: true })).toBe(true);
		expect(isSensitive({ flags: ['NSFW'] })).toBe(true);
		expect(isSensitive({ domain: 'health' })).toBe(false);
	});
});

describe('TimeTracker', () => {
	it('counts only while running and continues from earlier sessions', () => {
		let now = 1000;
		const clock = new TimeTracker(5000, () => now);
		expect(clock.elapsed()).toBe(5000);
		clock.start();
		now += 2000;
		expect(clock.elapsed()).toBe(7000);
		clock.pause();
		now += 60_000;
		expect(clock.elapsed()).toBe(7000);
		clock.start();
		clock.start();
		now += 500;
		expect(clock.elapsed()).toBe(7500);
		clock.resetTo(100);
		now += 50;
		expect(clock.elapsed()).toBe(150);
	});
});

describe('diffPixels', () => {
	const px = (...rgb: number[][]) => new Uint8ClampedArray(rgb.flatMap((c) => [...c, 255]));

	it('marks pixels that changed beyond the threshold and reports their share and extent', () => {
		const a = px([10, 10, 10], [200, 200, 200], [50, 60, 70], [0, 0, 0]);
		const b = px([12, 10, 9], [20, 200, 200], [50, 60, 70], [0, 0, 255]);
		const d = diffPixels(a, b, 2, 2, 32);
		expect(d.changed).toBe(0.5);
		expect(d.bounds).toEqual({ x: 0.5, y: 0, w: 0.5, h: 1 });
		expect(d.data[4]).toBeGreaterThan(d.data[5]);
		expect(d.data[0]).toBe(d.data[1]);
		expect(d.data[3]).toBe(255);
	});

	it('finds nothing between identical images and rejects mismatched sizes', () => {
		const a = px([1, 2, 3], [4, 5, 6]);
		expect(diffPixels(a, a, 2, 1)).toMatchObject({ changed: 0, bounds: null });
		expect(() => diffPixels(a, px([1, 2, 3]), 2, 1)).toThrow();
	});
});
