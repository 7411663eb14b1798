// The pure escalation rules: state machine, auto-escalation conditions, per-item agreement, guideline sections.
import { describe, expect, it } from 'vitest';
import {
	assertTransition,
	canTransition,
	escalationAge,
	markConflicts,
	mayAutoEscalate,
	median,
	worstConflict,
	type Transition
} from '../../server/domain/escalation';
import { dimensionAgreement, itemAgreement } from '../../server/domain/item-agreement';
import { relevantSections } from '../../server/domain/guideline-sections';
import {
	compareWithVerdict,
	ESCALATION_STATES,
	escalationInputSchema,
	slaLevel,
	type EscalationState
} from '#shared/escalation';
import type { RubricDimension } from '#shared/rubric';

const dim = (d: Partial<RubricDimension> & Pick<RubricDimension, 'key' | 'scale' | 'level'>): RubricDimension => ({
	label: d.key,
	required: true,
	...d
});

describe('state machine', () => {
	const allowed: Record<Transition, EscalationState[]> = {
		claim: ['open'],
		verdict: ['in_review'],
		dismiss: ['open', 'in_review'],
		reopen: ['resolved', 'dismissed']
	};
	for (const [transition, from] of Object.entries(allowed) as [Transition, EscalationState[]][]) {
		it(`allows ${transition} only from ${from.join(', ')}`, () => {
			for (const state of ESCALATION_STATES) {
				expect(canTransition(state, transition)).toBe(from.includes(state));
				if (!from.includes(state))
					expect(() => assertTransition(state, transition)).toThrow(expect.objectContaining({ code: 'conflict' }));
			}
		});
	}
});

describe('automatic escalation rule', () => {
	it('fires only without an automatic escalation in any state and without an active one', () => {
		expect(mayAutoEscalate([])).toBe(true);
		expect(mayAutoEscalate([{ source: 'manual', state: 'resolved' }])).toBe(true);
		expect(mayAutoEscalate([{ source: 'manual', state: 'open' }])).toBe(false);
		expect(mayAutoEscalate([{ source: 'auto', state: 'dismissed' }])).toBe(false);
	});

	it('needs enough ratings and uses per-dimension thresholds', () => {
		const settings = { agreementThreshold: 0.5, minEvaluations: 3, dimensionThresholds: { tone: 0.2 } };
		const marked = markConflicts(settings, [
			{ key: 'correctness', value: 0.3, ratings: 3 },
			{ key: 'tone', value: 0.3, ratings: 3 },
			{ key: 'safety', value: 0.1, ratings: 2 },
			{ key: 'comment', value: null, ratings: 3 }
		]);
		expect(marked.map((m) => [m.key, m.conflict, m.threshold])).toEqual([
			['correctness', true, 0.5],
			['tone', false, 0.2],
			['safety', false, 0.5],
			['comment', false, 0.5]
		]);
		expect(worstConflict(marked)?.key).toBe('correctness');
		expect(worstConflict(marked.map((m) => ({ ...m, conflict: false })))).toBeNull();
	});
});

describe('per-item agreement', () => {
	it('is the share of agreeing pairs on nominal dimensions', () => {
		const d = dim({ key: 'safe', scale: 'binary', level: 'nominal' });
		expect(dimensionAgreement(d, [true, true, true]).value).toBe(1);
		expect(dimensionAgreement(d, [true, true, false]).value).toBeCloseTo(1 / 3);
		expect(dimensionAgreement(d, [true]).value).toBeNull();
	});

	it('scales pairwise distance by the range on ordered dimensions', () => {
		const d = dim({ key: 'correctness', scale: 'likert', level: 'ordinal', min: 1, max: 5 });
		expect(dimensionAgreement(d, [1, 5, 3]).value).toBeCloseTo(1 - 8 / 3 / 4);
		expect(dimensionAgreement(d, [4, 4, 5]).value).toBeCloseTo(1 - 2 / 3 / 4);
		const cat = dim({
			key: 'pref',
			scale: 'pairwise',
			level: 'ordinal',
			options: ['A>>B', 'A>B', 'tie', 'B>A', 'B>>A'].map((v) => ({ value: v, label: v }))
		});
		expect(dimensionAgreement(cat, ['A>>B', 'B>>A']).value).toBe(0);
	});

	it('skips free text and missing ratings', () => {
		const rows = itemAgreement(
			[dim({ key: 'c', scale: 'likert', level: 'ordinal' }), dim({ key: 'note', scale: 'text', level: 'nominal' })],
			[{ c: 2, note: 'a' }, { c: null, note: 'b' }, { c: 2 }]
		);
		expect(rows).toEqual([
			{ key: 'c', value: 1, ratings: 2 },
			{ key: 'note', value: null, ratings: 2 }
		]);
	});
});

describe('figures and helpers', () => {
	it('computes medians, SLA levels and ages', () => {
		expect(median([])).toBeNull();
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect([slaLevel(3600_000), slaLevel(25 * 3600_000), slaLevel(73 * 3600_000)]).toEqual(['ok', 'warn', 'bad']);
		expect(escalationAge({ state: 'open', createdAt: 1000, closedAt: null }, 5000)).toBe(4000);
		expect(escalationAge({ state: 'resolved', createdAt: 1000, closedAt: 3000 }, 9000)).toBe(2000);
	});

	it("compares an evaluator's scores with the verdict on the verdict's dimensions", () => {
		expect(compareWithVerdict({ a: 1, b: true, extra: 3 }, { a: 2, b: true })).toEqual([
			{ dimension: 'a', mine: 1, verdict: 2, match: false },
			{ dimension: 'b', mine: true, verdict: true, match: true }
		]);
	});

	it('requires a note for "other" escalations', () => {
		expect(escalationInputSchema.safeParse({ reason: 'other', note: '  ' }).success).toBe(false);
		expect(escalationInputSchema.safeParse({ reason: 'other', note: 'Audio is silent' }).success).toBe(true);
		expect(escalationInputSchema.safeParse({ reason: 'broken_item' }).data).toEqual({
			reason: 'broken_item',
			note: ''
		});
	});

	it('finds the guideline sections that mention the conflicting dimensions', () => {
		const md =
			'# Intro\nRead all of this.\n## Factual accuracy\nA wrong date is a major error.\n## Tone\nBe polite. Factual accuracy matters more than tone.\n## Safety\nRefuse harm.';
		const found = relevantSections(md, ['factual_accuracy', 'Factual accuracy']);
		expect(found.map((s) => s.heading)).toEqual(['Factual accuracy', 'Tone']);
		expect(found[0].text).toBe('A wrong date is a major error.');
		expect(relevantSections(md, [])).toEqual([]);
	});
});
