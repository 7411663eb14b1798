// Rubric texts in the evaluator's language: the resolver (translation, else the rubric's own text), a whole rubric
// localized for a view, the missing-translation count a lead sees, and the validation that keeps translations
// pointing at keys the rubric has.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rubricDefinitionSchema, type RubricDefinition } from '../../src/lib/shared/rubric';
import { dimensionTerms, localizeRubric, missingTranslations, rubricText } from '../../src/lib/shared/rubric-i18n';
import { relevantSections } from '../../server/domain/guideline-sections';
import { sectionFor } from '../../src/lib/shared/guideline';

function rubric(extra: Record<string, unknown> = {}): RubricDefinition {
	return rubricDefinitionSchema.parse({
		dimensions: [
			{
				key: 'correctness',
				label: 'Correctness',
				description: 'Are the facts right?',
				scale: 'likert',
				level: 'ordinal',
				min: 1,
				max: 3,
				options: [
					{ value: 1, label: 'Wrong' },
					{ value: 3, label: 'Right', description: 'Every claim checks out.' }
				]
			},
			{ key: 'tone', label: 'Tone', scale: 'text', level: 'nominal' }
		],
		flags: [{ key: 'pii', label: 'Personal data' }],
		spanLabels: [{ key: 'factual_error', label: 'Factual error' }],
		...extra
	});
}

const ptBR = {
	dimensions: {
		correctness: {
			label: 'Correção',
			description: 'Os fatos estão certos?',
			options: { '1': { label: 'Errado' }, '3': { label: 'Certo', description: 'Toda afirmação confere.' } }
		}
	},
	flags: { pii: 'Dados pessoais' }
};

describe('rubric text resolver', () => {
	const translated = rubric({ translations: { 'pt-BR': ptBR } });

	it('gives a pt-BR reader the translation and falls back to the rubric’s own text where there is none', () => {
		expect(rubricText(translated, 'pt-BR', { kind: 'dimension', key: 'correctness', field: 'label' })).toBe('Correção');
		expect(rubricText(translated, 'pt-BR', { kind: 'option', key: 'correctness', value: 3, field: 'label' })).toBe(
			'Certo'
		);
		expect(rubricText(translated, 'pt-BR', { kind: 'flag', key: 'pii' })).toBe('Dados pessoais');
		// Not translated: the rubric's own text.
		expect(rubricText(translated, 'pt-BR', { kind: 'dimension', key: 'tone', field: 'label' })).toBe('Tone');
		expect(rubricText(translated, 'pt-BR', { kind: 'spanLabel', key: 'factual_error' })).toBe('Factual error');
	});

	it('gives an English reader the rubric’s own texts', () => {
		expect(rubricText(translated, 'en', { kind: 'dimension', key: 'correctness', field: 'label' })).toBe('Correctness');
		expect(rubricText(translated, 'en', { kind: 'flag', key: 'pii' })).toBe('Personal data');
	});

	it('localizes a whole rubric for a view without touching keys, values or structure', () => {
		const shown = localizeRubric(translated, 'pt-BR');
		expect(shown.dimensions.map((d) => d.key)).toEqual(['correctness', 'tone']);
		expect(shown.dimensions[0]).toMatchObject({ label: 'Correção', description: 'Os fatos estão certos?' });
		expect(shown.dimensions[0].options).toEqual([
			{ value: 1, label: 'Errado' },
			{ value: 3, label: 'Certo', description: 'Toda afirmação confere.' }
		]);
		expect(shown.flags).toEqual([{ key: 'pii', label: 'Dados pessoais' }]);
		expect(shown.spanLabels[0]).toMatchObject({ key: 'factual_error', label: 'Factual error' });
		expect(localizeRubric(translated, 'en')).toBe(translated);
	});

	it('reads a rubric written in Portuguese in Portuguese and translates it for English readers', () => {
		const pt = rubric({
			locale: 'pt-BR',
			translations: { en: { dimensions: { correctness: { label: 'Accuracy' } } } }
		});
		expect(rubricText(pt, 'pt-BR', { kind: 'dimension', key: 'correctness', field: 'label' })).toBe('Correctness');
		expect(rubricText(pt, 'en', { kind: 'dimension', key: 'correctness', field: 'label' })).toBe('Accuracy');
	});

	it('counts, per other language, the texts that lack a translation', () => {
		const missing = missingTranslations(translated);
		expect(Object.keys(missing)).toEqual(['pt-BR']);
		expect(missing['pt-BR']).toEqual([
			{ kind: 'dimension', key: 'tone', field: 'label' },
			{ kind: 'spanLabel', key: 'factual_error' }
		]);
		expect(missingTranslations(rubric())['pt-BR']).toHaveLength(8);
	});
});

describe('rubric translation validation', () => {
	const problems = (translations: unknown, extra: Record<string, unknown> = {}) => {
		const res = rubricDefinitionSchema.safeParse({ ...rubric(), ...extra, translations });
		return res.success ? [] : res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
	};

	it('accepts translations of existing keys', () => {
		expect(problems({ 'pt-BR': ptBR })).toEqual([]);
	});

	it('rejects an unknown locale', () => {
		expect(problems({ fr: { flags: { pii: 'Données' } } })).toEqual([
			'translations.fr: unknown locale "fr" (known: en, pt-BR)'
		]);
	});

	it('rejects translations in the rubric’s own language', () => {
		expect(problems({ en: { flags: { pii: 'PII' } } })).toEqual([
			'translations.en: "en" is the rubric\'s own language; its texts are the rubric\'s labels'
		]);
	});

	it('rejects translations of dimensions, options, flags and span labels the rubric does not have', () => {
		expect(
			problems({
				'pt-BR': {
					dimensions: { safety: { label: 'Segurança' }, correctness: { options: { '2': { label: 'Meio' } } } },
					flags: { nsfw: 'Impróprio' },
					spanLabels: { unsafe: 'Inseguro' }
				}
			})
		).toEqual([
			'translations.pt-BR.dimensions.safety: the rubric has no dimension "safety"',
			'translations.pt-BR.dimensions.correctness.options.2: dimension "correctness" has no option "2"',
			'translations.pt-BR.flags.nsfw: the rubric has no flag "nsfw"',
			'translations.pt-BR.spanLabels.unsafe: the rubric has no span label "unsafe"'
		]);
	});

	it('rejects empty texts and unknown fields', () => {
		expect(problems({ 'pt-BR': { flags: { pii: '  ' } } })).toHaveLength(1);
		expect(problems({ 'pt-BR': { dimensions: { tone: { title: 'Tom' } } } })).toHaveLength(1);
	});
});

describe('the demo rubric', () => {
	it('ships every text translated into Brazilian Portuguese', () => {
		const demo = rubricDefinitionSchema.parse(
			JSON.parse(readFileSync(join(import.meta.dirname, '../../server/demo/rubric.json'), 'utf8'))
		);
		expect(missingTranslations(demo)).toEqual({ 'pt-BR': [] });
	});
});

describe('guideline sections by any name of a dimension', () => {
	it('finds the section of a Portuguese guideline titled with the dimension’s pt-BR name', () => {
		const translated = rubric({ translations: { 'pt-BR': ptBR } });
		expect(dimensionTerms(translated, 'correctness')).toEqual(['correctness', 'Correctness', 'Correção']);
		const guideline = '# Tom\n\nSeja cordial.\n\n# Correção\n\nConfira datas, valores e fontes.\n';
		expect(relevantSections(guideline, dimensionTerms(translated, 'correctness')).map((s) => s.heading)).toEqual([
			'Correção'
		]);
		// Without the translation nothing in that guideline names the dimension.
		expect(relevantSections(guideline, dimensionTerms(rubric(), 'correctness'))).toEqual([]);
	});

	it('finds the section a proposed change jumps to in the live draft by the dimension’s pt-BR name', () => {
		const translated = rubric({ translations: { 'pt-BR': ptBR } });
		const heading = (text: string) => ({ type: 'heading', content: [{ type: 'text', text }] });
		const draft = { type: 'doc', content: [heading('Tom'), heading('Correção (1–5)')] };
		const dimension = { key: 'correctness', label: 'Correctness' };
		expect(sectionFor(draft, dimension, dimensionTerms(translated, 'correctness'))).toBe('Correção (1–5)');
		expect(sectionFor(draft, dimension)).toBeNull();
	});
});
