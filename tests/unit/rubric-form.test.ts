// The rubric form's logic: gates skip the rest, digit keys map to values per scale, progress, focus order,
// what a submission sends, option search, and turning server problems into per-dimension messages.
import { describe, expect, it } from 'vitest';
import { rubricDefinitionSchema, type RubricDefinition } from '../../src/lib/shared/rubric';
import { validateScores } from '../../src/lib/shared/evaluation';
import {
	choicesFor,
	filterChoices,
	formDimensions,
	formProgress,
	moveDimensionKey,
	nextDimensionKey,
	pairwiseSide,
	problemMessage,
	scoresForSubmit,
	splitProblems,
	stepValue,
	valueForDigit,
	valueLabel
} from '../../src/lib/components/rubric/rubric-form';

const rubric = (def: unknown): RubricDefinition => rubricDefinitionSchema.parse(def);

const imageEdit = rubric({
	dimensions: [
		{
			key: 'feasible',
			label: 'Is the instruction feasible and allowed?',
			scale: 'categorical',
			level: 'nominal',
			options: [
				{ value: 'yes', label: 'Yes' },
				{ value: 'infeasible', label: 'Infeasible' },
				{ value: 'unsafe', label: 'Unsafe' }
			],
			gate: { stopValues: ['infeasible', 'unsafe'] }
		},
		{
			key: 'adherence',
			label: 'Instruction adherence',
			scale: 'likert',
			level: 'ordinal',
			min: 1,
			max: 5,
			options: [
				{ value: 1, label: 'Ignored' },
				{ value: 5, label: 'Exactly' }
			]
		},
		{ key: 'preserved', label: 'Unedited areas preserved', scale: 'binary', level: 'nominal' },
		{ key: 'notes', label: 'Notes', scale: 'text', level: 'nominal', required: false },
		{
			key: 'pref',
			label: 'Preference',
			scale: 'pairwise',
			level: 'ordinal',
			modalities: ['pairwise'],
			options: [
				{ value: 'A>>B', label: 'A much better' },
				{ value: 'A>B', label: 'A better' },
				{ value: 'tie', label: 'Tie' },
				{ value: 'B>A', label: 'B better' },
				{ value: 'B>>A', label: 'B much better' }
			]
		}
	]
});

describe('gate dimensions', () => {
	it('skip every non-gate dimension when answered with a stop value, like the server', () => {
		const scores = { feasible: 'unsafe' };
		const dims = formDimensions(imageEdit, 'image_edit', scores);
		expect(dims.map((d) => [d.dim.key, d.skipped])).toEqual([
			['feasible', false],
			['adherence', true],
			['preserved', true],
			['notes', true]
		]);
		expect(formProgress(imageEdit, 'image_edit', scores)).toEqual({ answered: 1, required: 1, complete: true });
		expect(
			validateScores(imageEdit, 'image_edit', scoresForSubmit(imageEdit, 'image_edit', scores), 'submitted')
		).toEqual([]);
	});

	it('drop the skipped dimensions from a submission but keep them while the gate is open', () => {
		const scores = { feasible: 'infeasible', adherence: 4, preserved: true };
		expect(scoresForSubmit(imageEdit, 'image_edit', scores)).toEqual({ feasible: 'infeasible' });
		expect(scoresForSubmit(imageEdit, 'image_edit', { ...scores, feasible: 'yes', notes: '' })).toEqual({
			feasible: 'yes',
			adherence: 4,
			preserved: true
		});
	});

	it('require the rest when the gate lets the evaluation go on', () => {
		const scores = { feasible: 'yes' };
		expect(formProgress(imageEdit, 'image_edit', scores)).toEqual({ answered: 1, required: 3, complete: false });
		expect(validateScores(imageEdit, 'image_edit', scores, 'submitted').map((p) => p.key)).toEqual([
			'adherence',
			'preserved'
		]);
	});
});

describe('digit keys', () => {
	const [feasible, adherence, preserved, notes, pref] = imageEdit.dimensions;

	it('map to the likert point itself, with anchors labelled', () => {
		expect(valueForDigit(adherence, '4')).toBe(4);
		expect(valueForDigit(adherence, '6')).toBeUndefined();
		expect(choicesFor(adherence).map((c) => [c.value, c.label, c.anchor])).toEqual([
			[1, 'Ignored', true],
			[2, '2', false],
			[3, '3', false],
			[4, '4', false],
			[5, 'Exactly', true]
		]);
	});

	it('map 0–10 scales with 0 as itself and 1–10 scales with 0 as ten', () => {
		const zeroTen = { ...adherence, min: 0, max: 10, options: [] };
		const oneTen = { ...adherence, min: 1, max: 10, options: [] };
		expect(valueForDigit(zeroTen, '0')).toBe(0);
		expect(valueForDigit(oneTen, '0')).toBe(10);
		expect(choicesFor(zeroTen).find((c) => c.value === 10)?.key).toBeUndefined();
	});

	it('map binary to yes (1) and no (2 or 0), and options by position', () => {
		expect(valueForDigit(preserved, '1')).toBe(true);
		expect(valueForDigit(preserved, '2')).toBe(false);
		expect(valueForDigit(preserved, '0')).toBe(false);
		expect(valueForDigit(feasible, '3')).toBe('unsafe');
		expect(valueForDigit(feasible, '4')).toBeUndefined();
		expect(valueForDigit(pref, '5')).toBe('B>>A');
		expect(valueForDigit(notes, '1')).toBeUndefined();
	});

	it('step through choices with the arrows, clamped at the ends', () => {
		expect(stepValue(adherence, undefined, 1)).toBe(1);
		expect(stepValue(adherence, undefined, -1)).toBe(5);
		expect(stepValue(adherence, 5, 1)).toBe(5);
		expect(stepValue(preserved, 1, 1)).toBe(false);
	});
});

describe('focus order', () => {
	it('moves to the next required dimension still open, wrapping to the top, and never forces optional free text', () => {
		expect(nextDimensionKey(imageEdit, 'image_edit', {}, null)).toBe('feasible');
		expect(nextDimensionKey(imageEdit, 'image_edit', { feasible: 'yes' }, 'feasible')).toBe('adherence');
		expect(nextDimensionKey(imageEdit, 'image_edit', { feasible: 'yes', preserved: true }, 'preserved')).toBe(
			'adherence'
		);
		expect(
			nextDimensionKey(imageEdit, 'image_edit', { feasible: 'yes', adherence: 3, preserved: true }, 'preserved')
		).toBe('preserved');
		const notesRequired = {
			...imageEdit,
			dimensions: imageEdit.dimensions.map((d) => (d.key === 'notes' ? { ...d, required: true } : d))
		};
		expect(
			nextDimensionKey(notesRequired, 'image_edit', { feasible: 'yes', adherence: 3, preserved: true }, 'preserved')
		).toBe('notes');
		expect(nextDimensionKey(imageEdit, 'image_edit', { feasible: 'unsafe' }, 'feasible')).toBe('feasible');
	});

	it('moves by arrows among live dimensions only', () => {
		expect(moveDimensionKey(imageEdit, 'image_edit', {}, 'feasible', 1)).toBe('adherence');
		expect(moveDimensionKey(imageEdit, 'image_edit', {}, 'feasible', -1)).toBe('feasible');
		expect(moveDimensionKey(imageEdit, 'image_edit', { feasible: 'unsafe' }, 'feasible', 1)).toBe('feasible');
		expect(moveDimensionKey(imageEdit, 'image_edit', {}, null, -1)).toBe('notes');
	});
});

describe('labels, search and sides', () => {
	it('labels stored values, binary stored as 1/0 included', () => {
		const [, adherence, preserved] = imageEdit.dimensions;
		expect(valueLabel(adherence, 5)).toBe('5 · Exactly');
		expect(valueLabel(adherence, 3)).toBe('3');
		expect(valueLabel(preserved, 1)).toBe('Yes');
		expect(valueLabel(preserved, false, 'Sim', 'Não')).toBe('Não');
		expect(valueLabel(preserved, undefined)).toBe('—');
	});

	it('searches options ignoring case and accents (Brazilian Portuguese taxonomies)', () => {
		const choices = ['Saúde', 'Finanças', 'Jurídico', 'Educação'].map((label, i) => ({ value: `c${i}`, label }));
		expect(filterChoices(choices, 'saude').map((c) => c.label)).toEqual(['Saúde']);
		expect(filterChoices(choices, 'JURI').map((c) => c.label)).toEqual(['Jurídico']);
		expect(filterChoices(choices, '  ')).toHaveLength(4);
	});

	it('tells which side a graded pairwise option favours', () => {
		expect(['A>>B', 'A>B', 'tie', 'B>A', 'B>>A', 'a', 'b', 'A much better', 'equal'].map(pairwiseSide)).toEqual([
			'a',
			'a',
			'tie',
			'b',
			'b',
			'a',
			'b',
			'a',
			'tie'
		]);
	});
});

describe('server problems', () => {
	it('split into per-dimension messages and the rest', () => {
		const split = splitProblems([
			{ path: 'scores.adherence', message: 'is required' },
			{ path: 'scores.adherence', message: 'must be between 1 and 5' },
			{ path: 'scores.bogus', message: 'is not a dimension of this rubric' },
			{ path: 'flags', message: 'x is not a flag of this rubric' },
			{ message: 'odd' }
		]);
		expect(split.byKey).toEqual({
			adherence: 'is required; must be between 1 and 5',
			bogus: 'is not a dimension of this rubric'
		});
		expect(split.general).toEqual(['flags: x is not a flag of this rubric', 'odd']);
		expect(splitProblems(undefined)).toEqual({ byKey: {}, general: [] });
	});
});

describe('server problem messages', () => {
	it('are recognised so the form can show them translated', () => {
		expect(problemMessage('is required')).toEqual({ key: 'ws.problem.required', params: {} });
		expect(problemMessage('must be between 1 and 5')).toEqual({
			key: 'ws.problem.between',
			params: { min: '1', max: '5' }
		});
		expect(problemMessage('must be one of yes, no')).toEqual({
			key: 'ws.problem.oneOf',
			params: { values: 'yes, no' }
		});
		expect(problemMessage('something new')).toBeNull();
	});
});
