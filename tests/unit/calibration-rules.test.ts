// The pure rules of calibration: phase transitions, who may score and when, what a viewer may see of the sheets,
// round membership, the agreement figures, and which reveal-grid cells count as conflicting.
import { describe, expect, it } from 'vitest';
import {
	assertMayDecideConsensus,
	assertMayScore,
	assertTransition,
	itemsForNewRound,
	roundItemIds,
	sessionIsReadOnly
} from '../../server/domain/calibration';
import { visibleSheets } from '../../server/domain/blind';
import { itemFigures, pooledFigures, scoreDistance } from '../../server/domain/calibration-agreement';
import { cellConflicts, distribution } from '../../src/lib/components/calibration/room-view';
import type { CalibrationScore } from '#shared/calibration';
import type { RubricDimension } from '#shared/rubric';

const likert: RubricDimension = {
	key: 'correctness',
	label: 'Correctness',
	scale: 'likert',
	level: 'ordinal',
	min: 1,
	max: 5,
	required: true
};
const binary: RubricDimension = { key: 'safe', label: 'Safe', scale: 'binary', level: 'nominal', required: true };
const category: RubricDimension = {
	key: 'error',
	label: 'Error',
	scale: 'categorical',
	level: 'nominal',
	required: true,
	options: [
		{ value: 'none', label: 'None' },
		{ value: 'date', label: 'Wrong date' },
		{ value: 'tone', label: 'Tone' }
	]
};
const sheet = (userId: string, round: number, correctness: number): CalibrationScore => ({
	itemId: 'i1',
	userId,
	round,
	scores: { correctness },
	rationale: '',
	spans: [],
	timeSpentMs: 0,
	submittedAt: 0
});

describe('phases', () => {
	it('moves scoring → revealed → scoring … → closed and refuses the rest with a conflict', () => {
		expect(() => assertTransition('scoring', 'reveal')).not.toThrow();
		expect(() => assertTransition('revealed', 'round')).not.toThrow();
		expect(() => assertTransition('scoring', 'close')).not.toThrow();
		for (const [phase, name] of [
			['revealed', 'reveal'],
			['scoring', 'round'],
			['closed', 'close'],
			['closed', 'reveal']
		] as const) {
			expect(() => assertTransition(phase, name), `${phase} ${name}`).toThrow(
				expect.objectContaining({ code: 'conflict' })
			);
		}
	});

	it('cancels from either open phase; a closed or cancelled session is read-only and refuses every change', () => {
		expect(() => assertTransition('scoring', 'cancel')).not.toThrow();
		expect(() => assertTransition('revealed', 'cancel')).not.toThrow();
		expect([sessionIsReadOnly('scoring'), sessionIsReadOnly('revealed')]).toEqual([false, false]);
		for (const phase of ['closed', 'cancelled'] as const) {
			expect(sessionIsReadOnly(phase)).toBe(true);
			for (const name of ['reveal', 'round', 'close', 'cancel'] as const)
				expect(() => assertTransition(phase, name), `${phase} ${name}`).toThrow(
					expect.objectContaining({ code: 'conflict', details: { phase } })
				);
			expect(() => assertMayScore({ phase, round: 1, isParticipant: true, itemActiveRound: 1 })).toThrow(
				expect.objectContaining({ message: expect.stringContaining('read-only') })
			);
		}
	});

	it('keeps the sheets of a round that was never revealed blind after a cancel', () => {
		const sheets = [sheet('ana', 1, 5), sheet('ben', 1, 2)];
		const rounds = [{ round: 1, revealedAt: null }];
		expect(visibleSheets(sheets, rounds, 'cancelled', '', 1).open).toEqual([]);
		expect(visibleSheets(sheets, rounds, 'cancelled', 'ana', 1).mine.map((s) => s.userId)).toEqual(['ana']);
	});

	it('accepts sheets only from participants, on items of the current round, while it is scored', () => {
		const ok = { phase: 'scoring', round: 2, isParticipant: true, itemActiveRound: 2 } as const;
		expect(() => assertMayScore(ok)).not.toThrow();
		expect(() => assertMayScore({ ...ok, isParticipant: false })).toThrow(
			expect.objectContaining({ code: 'forbidden' })
		);
		expect(() => assertMayScore({ ...ok, itemActiveRound: null })).toThrow(
			expect.objectContaining({ code: 'not_found' })
		);
		expect(() => assertMayScore({ ...ok, phase: 'revealed' })).toThrow(expect.objectContaining({ code: 'conflict' }));
		expect(() => assertMayScore({ ...ok, itemActiveRound: 1 })).toThrow(expect.objectContaining({ code: 'conflict' }));
	});

	it('takes a consensus on any item not being scored blind right now', () => {
		expect(() => assertMayDecideConsensus('revealed', 1, 1)).not.toThrow();
		expect(() => assertMayDecideConsensus('scoring', 2, 1)).not.toThrow();
		expect(() => assertMayDecideConsensus('scoring', 2, 2)).toThrow(expect.objectContaining({ code: 'conflict' }));
		expect(() => assertMayDecideConsensus('closed', 2, 1)).toThrow(expect.objectContaining({ code: 'conflict' }));
	});
});

describe('blindness', () => {
	const sheets = [sheet('ana', 1, 5), sheet('ben', 1, 2), sheet('ana', 2, 4), sheet('ben', 2, 4)];
	it('shows open rounds to everyone and the current round only to its author', () => {
		const rounds = [
			{ round: 1, revealedAt: 10 },
			{ round: 2, revealedAt: null }
		];
		const ben = visibleSheets(sheets, rounds, 'scoring', 'ben', 2);
		expect(ben.open.map((s) => `${s.userId}${s.round}`)).toEqual(['ana1', 'ben1']);
		expect(ben.mine.map((s) => `${s.userId}${s.round}`)).toEqual(['ben2']);
		const lead = visibleSheets(sheets, rounds, 'scoring', 'lead', 2);
		expect(lead.open).toHaveLength(2);
		expect(lead.mine).toEqual([]);
	});

	it('opens everything once the session is closed', () => {
		expect(
			visibleSheets(
				sheets,
				[
					{ round: 1, revealedAt: 10 },
					{ round: 2, revealedAt: null }
				],
				'closed',
				'x',
				2
			).open
		).toHaveLength(4);
	});
});

describe('rounds', () => {
	it('knows which items each round covers', () => {
		const all = ['a', 'b', 'c'];
		expect(roundItemIds(1, 3, all, new Set(['c']), new Set())).toEqual(all);
		expect(roundItemIds(2, 3, all, new Set(['c']), new Set(['b', 'a']))).toEqual(['a', 'b']);
		expect(roundItemIds(3, 3, all, new Set(['c']), new Set())).toEqual(['c']);
	});

	it('re-opens all items, or the chosen ones in session order, refusing strangers', () => {
		expect(itemsForNewRound(undefined, ['a', 'b'])).toEqual(['a', 'b']);
		expect(itemsForNewRound(['b', 'a'], ['a', 'b', 'c'])).toEqual(['a', 'b']);
		expect(() => itemsForNewRound(['z'], ['a'])).toThrow(expect.objectContaining({ code: 'validation_failed' }));
	});
});

describe('agreement figures', () => {
	it('scores one item per dimension and pools items by rater pairs', () => {
		expect(itemFigures([likert], [{ correctness: 5 }, { correctness: 2 }, { correctness: 4 }])[0].value).toBeCloseTo(
			0.5,
			10
		);
		const pooled = pooledFigures(
			[likert, binary],
			[
				[
					{ correctness: 5, safe: true },
					{ correctness: 1, safe: true }
				],
				[
					{ correctness: 3, safe: false },
					{ correctness: 3, safe: true },
					{ correctness: 3, safe: true }
				]
			]
		);
		expect(pooled[0]).toMatchObject({ value: (0 * 1 + 1 * 3) / 4, ratings: 5, items: 2 });
		expect(pooled[1].value).toBeCloseTo((1 + (1 / 3) * 3) / 4, 10);
	});

	it("measures distance from a consensus on the dimension's scale", () => {
		expect(scoreDistance(likert, 2, 3)).toBe(0.25);
		expect(scoreDistance(category, 'none', 'date')).toBe(1);
		expect(scoreDistance(binary, true, undefined)).toBeNull();
	});
});

describe('reveal grid', () => {
	it('marks nothing when everyone agrees, the minority otherwise, and far-off ordered values as major', () => {
		expect(cellConflicts(likert, [4, 4, 4])).toEqual(['none', 'none', 'none']);
		expect(cellConflicts(likert, [4, 4, 1])).toEqual(['none', 'none', 'major']);
		expect(cellConflicts(likert, [5, 4, 4])).toEqual(['minor', 'none', 'none']);
		expect(cellConflicts(category, ['none', 'date', undefined])).toEqual(['minor', 'minor', 'none']);
		expect(cellConflicts(binary, [true, 1, false])).toEqual(['none', 'none', 'minor']);
	});

	it('counts every value of the scale, also those nobody gave', () => {
		expect(distribution(likert, [5, 4, 4, undefined], 'Yes', 'No').map((b) => b.count)).toEqual([0, 0, 0, 2, 1]);
		expect(distribution(binary, [true, false, true], 'Yes', 'No')).toEqual([
			{ label: 'Yes', count: 2 },
			{ label: 'No', count: 1 }
		]);
	});
});
