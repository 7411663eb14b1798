// Every UI message exists in both languages, with the same placeholders; counts read right in both languages
// ("1 round" / "2 rounds", "1 rodada" / "2 rodadas") through Intl.PluralRules, and no message falls back to "(s)".
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatMessage, messageParams, pluralCategory } from '../../src/lib/i18n/plural';

const dir = join(import.meta.dirname, '../../src/lib/i18n/messages');
type Messages = Record<string, Record<string, string>>;
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const load = async (file: string) => (await import(join(dir, file))).default as Messages;

describe('i18n messages', () => {
	for (const file of files) {
		it(`${file} has every key in English and Brazilian Portuguese with matching placeholders`, async () => {
			const mod = await load(file);
			const en = mod.en;
			const pt = mod['pt-BR'];
			expect(Object.keys(pt).sort()).toEqual(Object.keys(en).sort());
			for (const key of Object.keys(en)) expect(messageParams(pt[key]), key).toEqual(messageParams(en[key]));
		});
	}

	it('has no "(s)"-style plural fallback in any language: counts go through plural forms', async () => {
		const fallbacks: string[] = [];
		for (const file of files)
			for (const [locale, messages] of Object.entries(await load(file)))
				for (const [key, text] of Object.entries(messages))
					if (/\p{L}\((s|es|ns|ões|as|os|is)\)/u.test(text)) fallbacks.push(`${locale} ${key}: ${text}`);
		expect(fallbacks).toEqual([]);
	});

	it('fills every plural message completely for any count in its own language', async () => {
		for (const file of files)
			for (const [locale, messages] of Object.entries(await load(file)))
				for (const [key, text] of Object.entries(messages)) {
					if (!text.includes(', plural,')) continue;
					for (const n of [0, 1, 2, 5, 21]) {
						const params = Object.fromEntries(messageParams(text).map((p) => [p, n]));
						const out = formatMessage(locale, text, params);
						expect(out, `${locale} ${key} (${n})`).not.toMatch(/[{}#]/);
					}
				}
	});
});

describe('plural selection', () => {
	const rounds = {
		en: '{count, plural, one {# round} other {# rounds}}',
		'pt-BR': '{count, plural, one {# rodada} other {# rodadas}}'
	};

	it('picks the English forms: one for 1 only', () => {
		expect([0, 1, 2, 11].map((count) => formatMessage('en', rounds.en, { count }))).toEqual([
			'0 rounds',
			'1 round',
			'2 rounds',
			'11 rounds'
		]);
	});

	it('picks the Brazilian Portuguese forms: one for 0 and 1', () => {
		expect(pluralCategory('pt-BR', 0)).toBe('one');
		expect([0, 1, 2, 11].map((count) => formatMessage('pt-BR', rounds['pt-BR'], { count }))).toEqual([
			'0 rodada',
			'1 rodada',
			'2 rodadas',
			'11 rodadas'
		]);
	});

	it('prefers an exact =N branch, keeps other placeholders inside a branch, and several plurals in one message', () => {
		const msg = '{n, plural, =0 {nothing for {who}} one {# item for {who}} other {# items for {who}}}';
		expect(formatMessage('en', msg, { n: 0, who: 'Ana' })).toBe('nothing for Ana');
		expect(formatMessage('en', msg, { n: 1, who: 'Ana' })).toBe('1 item for Ana');
		const two = '{items, plural, one {# item} other {# items}}, {people, plural, one {# person} other {# people}}';
		expect(formatMessage('en', two, { items: 3, people: 1 })).toBe('3 items, 1 person');
	});

	it('leaves a placeholder visible when its parameter is missing', () => {
		expect(formatMessage('en', 'Hello {name}', {})).toBe('Hello {name}');
		expect(formatMessage('en', rounds.en, {})).toBe('{count}');
	});

	it('reads the real messages right in both languages', async () => {
		const cal = (await import('../../src/lib/i18n/messages/calibration')).default as Messages;
		const say = (locale: 'en' | 'pt-BR', count: number) =>
			formatMessage(locale, cal[locale]['cal.report.rounds'], { count });
		expect([say('en', 1), say('en', 2), say('pt-BR', 1), say('pt-BR', 2)]).toEqual([
			'1 round',
			'2 rounds',
			'1 rodada',
			'2 rodadas'
		]);
	});
});
