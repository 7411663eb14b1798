// Message formatting for the i18n layer: `{name}` placeholders, and plurals written the ICU way —
// `{count, plural, one {# item} other {# items}}` — where the branch is picked by `Intl.PluralRules` for the
// reader's language ("1 item", "2 items"; "1 rodada", "2 rodadas"), `=N` branches match a number exactly, and
// `#` stands for the number. So no message needs a "(s)" fallback. Plain TS (no runes): tested directly.
export type MessageParams = Record<string, string | number>;

const rules = new Map<string, Intl.PluralRules>();
function pluralRules(locale: string): Intl.PluralRules {
	let r = rules.get(locale);
	if (!r) rules.set(locale, (r = new Intl.PluralRules(locale)));
	return r;
}

/** The plural category (`one`, `other`, …) of `n` in `locale`. */
export const pluralCategory = (locale: string, n: number): Intl.LDMLPluralRule => pluralRules(locale).select(n);

/** Index of the `}` closing the `{` at `open`, or -1 when unbalanced. */
function closing(text: string, open: number): number {
	let depth = 0;
	for (let i = open; i < text.length; i++) {
		if (text[i] === '{') depth++;
		else if (text[i] === '}' && --depth === 0) return i;
	}
	return -1;
}

/** `one {…} other {…}` → { one: '…', other: '…' }. */
function branches(body: string): Map<string, string> {
	const out = new Map<string, string>();
	let i = 0;
	while (i < body.length) {
		const m = /^\s*(=\d+|\w+)\s*\{/.exec(body.slice(i));
		if (!m) break;
		const open = i + m[0].length - 1;
		const end = closing(body, open);
		if (end < 0) break;
		out.set(m[1], body.slice(open + 1, end));
		i = end + 1;
	}
	return out;
}

function plural(locale: string, name: string, body: string, params: MessageParams): string {
	const raw = params[name];
	const n = typeof raw === 'number' ? raw : Number(raw);
	if (!(name in params) || Number.isNaN(n)) return `{${name}}`;
	const options = branches(body);
	const chosen = options.get(`=${n}`) ?? options.get(pluralCategory(locale, n)) ?? options.get('other') ?? '';
	return formatMessage(locale, chosen.replace(/#/g, String(raw)), params);
}

/** Fills `text` for a reader of `locale`. Unknown placeholders stay as written, so a missing param is visible. */
export function formatMessage(locale: string, text: string, params: MessageParams = {}): string {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const open = text.indexOf('{', i);
		if (open < 0) break;
		const end = closing(text, open);
		if (end < 0) break;
		out += text.slice(i, open);
		const inner = text.slice(open + 1, end);
		const select = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/.exec(inner);
		if (select) out += plural(locale, select[1], select[2], params);
		else if (/^\w+$/.test(inner)) out += inner in params ? String(params[inner]) : `{${inner}}`;
		else out += `{${inner}}`;
		i = end + 1;
	}
	return out + text.slice(i);
}

/** The parameter names a message uses (placeholders and plural selectors), for checking translations match. */
export function messageParams(text: string): string[] {
	return [...new Set([...text.matchAll(/\{\s*(\w+)\s*(?:\}|,\s*plural\s*,)/g)].map((m) => m[1]))].sort();
}
