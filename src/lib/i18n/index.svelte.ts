// The i18n layer: every UI string goes through t(). Messages live per feature in ./messages/<feature>.ts as
// { en: {...}, 'pt-BR': {...} }; the locale comes from the user's choice, else the browser, else English.
// Count-bearing messages use plural forms chosen by Intl.PluralRules ({count, plural, one {…} other {…}}).
// (Paraglide JS 2 was considered: its inlang project loads plugins from a CDN at build time, which this
// project's offline builds cannot do, so a small typed layer does the same job here.)
import { LOCALES, type Locale } from '$lib/shared/locales';
import { formatMessage, type MessageParams } from './plural';

export { LOCALES, type Locale };

const modules = import.meta.glob<{ default: Record<Locale, Record<string, string>> }>('./messages/*.ts', {
	eager: true
});

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'pt-BR': 'Português (Brasil)' };

const dictionaries: Record<Locale, Record<string, string>> = { en: {}, 'pt-BR': {} };
for (const mod of Object.values(modules)) {
	for (const locale of LOCALES) Object.assign(dictionaries[locale], mod.default[locale]);
}

const STORAGE_KEY = 'concord.locale';

function detect(): Locale {
	if (typeof localStorage !== 'undefined') {
		const saved = localStorage.getItem(STORAGE_KEY);
		if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
	}
	const langs = typeof navigator !== 'undefined' ? navigator.languages : [];
	return langs.some((l) => l.toLowerCase().startsWith('pt')) ? 'pt-BR' : 'en';
}

class I18n {
	locale = $state<Locale>(detect());

	set(locale: Locale) {
		this.locale = locale;
		localStorage.setItem(STORAGE_KEY, locale);
		document.documentElement.lang = locale;
	}
}

export const i18n = new I18n();

/**
 * Translates `key`, replacing {name} placeholders and choosing plural forms ({count, plural, one {…} other {…}})
 * by the language's plural rules (see plural.ts). Falls back to English, then to the key itself.
 */
export function t(key: string, params: MessageParams = {}): string {
	const own = dictionaries[i18n.locale][key];
	// An English fallback is pluralised by English rules.
	const locale = own === undefined ? 'en' : i18n.locale;
	return formatMessage(locale, own ?? dictionaries.en[key] ?? key, params);
}

export function formatNumber(n: number, digits = 2): string {
	return new Intl.NumberFormat(i18n.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

export function formatDate(
	ms: number,
	opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }
): string {
	return new Intl.DateTimeFormat(i18n.locale, opts).format(ms);
}

/** A moment in a conversation: the time alone when it was today, else the date and time. */
export function formatWhen(ms: number, now = Date.now()): string {
	// Local calendar days, compared as formatted text (no Date object, so nothing here looks like reactive state).
	const day = (at: number) => formatDate(at, { dateStyle: 'short' });
	const sameDay = day(ms) === day(now);
	return formatDate(ms, sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' });
}

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
	['year', 365 * 86_400_000],
	['month', 30 * 86_400_000],
	['week', 7 * 86_400_000],
	['day', 86_400_000],
	['hour', 3_600_000],
	['minute', 60_000]
];

/** "3 hours ago", "yesterday", "in 2 days", in the reader's language; "just now" within a minute. */
export function formatRelative(ms: number, now = Date.now()): string {
	const elapsed = ms - now;
	const format = new Intl.RelativeTimeFormat(i18n.locale, { numeric: 'auto' });
	for (const [unit, size] of RELATIVE_UNITS)
		if (Math.abs(elapsed) >= size) return format.format(Math.round(elapsed / size), unit);
	return t('common.justNow');
}

export function formatDuration(ms: number): string {
	const s = Math.round(ms / 1000);
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m ${s % 60}s`;
	return `${Math.floor(m / 60)}h ${m % 60}m`;
}
